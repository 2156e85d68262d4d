#!/usr/bin/env python3
"""Where a `rtsite spark classify` run's CPU goes in its classify stage, by thread kind (docs/PERFORMANCE.md,
"Spark, eighth round: the CPU of two plans at once"). Not a test; spark_cpu_split.sh runs it.

    spark_cpu_split.py LOG -- COMMAND...

Runs COMMAND with its stdout into LOG, finds the JVM below it, and reads every thread's counters from /proc
(stat: user and system CPU, minor and major page faults; sched: CPU ns, migrations, voluntary and involuntary
context switches; schedstat: ns spent runnable but waiting for a core) once a second, and at once when LOG gains
the `link:` line (the classify stage starts) and the `classify:` line (it ends). Prints, for the classify stage,
one line per thread kind and a total, as tab-separated columns (and the same as JSON on the last line).
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
KINDS = [  # (kind, thread name prefix as Linux keeps it: 15 characters)
    ("classification", "rtsite-spark-cl"),
    ("task threads", "Executor task l"),
    ("GC", "G1 "), ("GC", "GC Thread"), ("GC", "VM Thread"), ("GC", "VM Periodic"),
    ("JIT", "C1 CompilerThre"), ("JIT", "C2 CompilerThre"), ("JIT", "Sweeper"),
    ("driver main", "java"),
    ("segmenter prepare", "rtsite-spark-pr"),
    ("table planning", "rtsite-spark-pl"),
]
FIELDS = ["cpu_s", "user_s", "sys_s", "minflt", "majflt", "vcsw", "ivcsw", "migrations", "runq_wait_s", "threads"]


def kind(name):
    for k, prefix in KINDS:
        if name.startswith(prefix):
            return k
    return "Spark and JVM other"


def read_thread(d):
    st = open(d + "/stat").read()
    name = st[st.index("(") + 1:st.rindex(")")]
    f = st[st.rindex(")") + 2:].split()
    sched = {}
    for line in open(d + "/sched"):
        m = re.match(r"^(\S+)\s+:\s+([-0-9.]+)$", line)
        if m:
            sched[m.group(1)] = float(m.group(2))
    run, wait, _ = open(d + "/schedstat").read().split()
    return name, {
        "cpu_s": sched.get("se.sum_exec_runtime", 0.0) / 1e3,
        "user_s": int(f[11]) / TICK, "sys_s": int(f[12]) / TICK,
        "minflt": int(f[7]), "majflt": int(f[9]),
        "vcsw": sched.get("nr_voluntary_switches", 0), "ivcsw": sched.get("nr_involuntary_switches", 0),
        "migrations": sched.get("se.nr_migrations", 0), "runq_wait_s": int(wait) / 1e9,
    }


def jvm_below(parent):
    def ppid(p):
        stat = open("/proc/%s/stat" % p).read()
        return stat[stat.rindex(")") + 2:].split()[1]
    for d in glob.glob("/proc/[0-9]*"):
        try:
            if open(d + "/comm").read().strip() != "java" or b"plexus-classworlds" in open(d + "/cmdline", "rb").read():
                continue
            p = d[6:]
            while p not in ("0", "1", str(parent)):
                p = ppid(p)
            if p == str(parent):
                return d
        except (OSError, ValueError, IndexError):
            pass
    return None


def main():
    log, cmd = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out)
    seen, marks, pid, size, last = {}, {}, None, -1, 0.0
    while proc.poll() is None:
        try:
            grown = os.path.getsize(log) != size
        except OSError:
            grown = False
        if not grown and time.time() - last < 1.0:
            time.sleep(0.05)
            continue
        last = time.time()
        pid = pid if pid and os.path.exists(pid) else jvm_below(proc.pid)
        for t in glob.glob(pid + "/task/*") if pid else []:
            try:
                seen[t] = read_thread(t)
            except (OSError, ValueError):
                pass
        text = open(log).read()
        size = len(text.encode())
        for mark in ("link:", "classify:"):
            if mark not in marks and re.search("^" + mark, text, re.M):
                marks[mark] = dict(seen)
    if "link:" not in marks or "classify:" not in marks:
        sys.exit("no classify stage seen in " + log + " (exit %s)" % proc.returncode)
    by = collections.defaultdict(lambda: collections.Counter())
    for t, (name, now) in marks["classify:"].items():
        before = marks["link:"].get(t, (name, {}))[1]
        k = kind(name)
        for f in FIELDS[:-1]:
            by[k][f] += now[f] - before.get(f, 0)
        if now["cpu_s"] - before.get("cpu_s", 0) > 0.005:
            by[k]["threads"] += 1
    total = collections.Counter()
    for c in by.values():
        total.update(c)
    by["all"] = total
    print("kind\t" + "\t".join(FIELDS))
    for k in sorted(by, key=lambda k: (k == "all", -by[k]["cpu_s"])):
        print(k + "\t" + "\t".join(("%.2f" % by[k][f]) if f.endswith("_s") else "%d" % by[k][f] for f in FIELDS))
    print(json.dumps({k: dict(v) for k, v in by.items()}))
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
