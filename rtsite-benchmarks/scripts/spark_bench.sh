#!/usr/bin/env bash
# Spark vs single machine on one archive or several (docs/PERFORMANCE.md, "Spark", "Spark with a segmenter").
# Not a test: run it by hand, on a quiet machine if the figures are to be quoted. From the repository root:
#   rtsite-benchmarks/scripts/spark_bench.sh ARCHIVE[,ARCHIVE...] [REPEATS]
# ARCHIVE:
#   clinical:N   N clinical-size phantom plans (WriteClinicalPlans.java: CT 512 x 512 x 125, 2 mm slices,
#                the 11 scenes in turn; about 65 MB a plan), written once under $RTSITE_BENCH_DIR
#   clinical:N:K the first K plans of that archive (as K roots): two sizes separate fixed from per-plan cost
#   phantom:C    C copies of the quick-start archive (5 small phantom plans each, new UIDs per copy)
#   a folder     an archive of your own
# Several archives (e.g. clinical:16:4,clinical:16) run in the same loop, one after the other in each repeat.
# Then, REPEATS times (default 2), alternating in one loop, each from empty outputs (a fresh database,
# a fresh --out), --backend cpu, every second repeat in the reverse order (ABBA: local[1], local[2], local[2],
# local[1], ...; archives too), so that a host whose speed drifts linearly during the loop favours no row:
#   rtsite classify ROOT -j 1 | -j 2                         the single-machine path
#   rtsite spark classify ROOT --master local[1] | local[2]   Spark, one or two task slots
#   and, with BASELINE=REPO (a checkout of another commit, e.g. main), its `rtsite classify` -j 1 | -j 2 and
#   its `rtsite spark` local[1] | local[2]
# SEGMENTER=PKG (a model package, e.g. models/phantom-total-pt) adds `--segmenter PKG` to every row: masks
# from the network instead of each plan's RTSTRUCT. SINGLE=off leaves out the `rtsite classify` rows;
# MASTERS="1 2" (default) the local[N] of the Spark rows, e.g. MASTERS=2 with BASELINE for an A/B of local[2];
# WARM=off skips the warm-up runs before the loop (when a run of the same checkouts has just made their CDS archives).
# Before each row and after the last, a calibration: the same CPU work every time, by one process (t1) and by one
# per core at once (tN), each ≈ 0.4 s on the project's VM (calibrate below); a row's figures are the mean of the
# calibrations before and after it. The project's VM drifted by up to half within minutes (docs/PERFORMANCE.md,
# "Spark and indexing, lead's re-run, sixth round"); the calibration and each row's classification CPU (CPU
# seconds of the classification threads: the same plans cost the same CPU on the same host) say whether a
# local[1] / local[2] pair ran on comparable hosts, and normalise it (spark_bench_summary.py; on that VM the
# classification CPU followed the drift and the calibration did not: docs/PERFORMANCE.md, "Spark, seventh round";
# much of that drift was which glibc arena a classification thread got, before the launcher set one: "Spark, eighth round").
# Each line: the stage times the command prints (rtsite classify: its classify phase, the `done:` line;
# Spark: session, index, link, classify and the classify stage's steps), process wall, CPU (user + sys)
# and a digest of every plan's status, labels, rule and Dmax (equal digests = equal results); below it,
# the CPU seconds of the JVM's threads by name (the 8 largest groups, and the common pool's), and for Spark
# rows the same for the classify stage alone (between the `link:` and `classify:` lines of its output).
# plans/s = plans / classify stage; Spark's overhead per plan = (Spark classify stage - rtsite classify
# phase) / plans, and the same with whole-process walls; with two archive sizes, the marginal cost per plan
# = (time at the larger size - time at the smaller) / (difference in plans), for each row.
set -euo pipefail
# AUTOGROUP_NICE=N (e.g. -10) runs the benchmark in a session of its own whose autogroup has nice N. With the kernel's
# autogroups (/proc/sys/kernel/sched_autogroup_enabled = 1) CPU is shared between sessions first, then by nice or
# SCHED_IDLE within a session: a training run under `chrt --idle 0 nice -n 19` in another session still took a whole
# core beside local[2] (docs/PERFORMANCE.md, "Spark, seventh round"). Needs root to lower the nice.
if [ -n "${AUTOGROUP_NICE:-}" ] && [ -z "${RTSITE_BENCH_AUTOGROUP:-}" ]; then
  RTSITE_BENCH_AUTOGROUP=1 exec setsid -w "$0" "$@"
fi
if [ -n "${AUTOGROUP_NICE:-}" ]; then
  echo "$AUTOGROUP_NICE" > /proc/self/autogroup
  echo "autogroup: $(cat /proc/self/autogroup)"
fi
here="$(cd "$(dirname "$0")/../.." && pwd)"
whats="${1:?usage: spark_bench.sh clinical:N[:K]|phantom:C|FOLDER[,...] [REPEATS]}"
repeats="${2:-2}"
work="${RTSITE_BENCH_DIR:-/tmp/rtsite-spark-bench}"
mkdir -p "$work"
cd "$here"
seg=()
if [ -n "${SEGMENTER:-}" ]; then seg=(--segmenter "$(cd "$(dirname "$SEGMENTER")" && pwd)/$(basename "$SEGMENTER")"); fi
./rtsite --version > /dev/null       # builds the single-machine command line
./rtsite spark --help > /dev/null    # builds rtsite-spark
if [ -n "${BASELINE:-}" ]; then "$BASELINE/rtsite" --version > /dev/null; "$BASELINE/rtsite" spark --help > /dev/null; fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "segmenter: ${SEGMENTER:-none, masks from each plan RTSTRUCT}"
# writes the archive if needed; its roots, one a line, into $work/roots-$2
prepare() {
local what="$1" n k root
case "$what" in
  clinical:*)
    n="${what#clinical:}"; k="${n#*:}"; n="${n%%:*}"; root="$work/clinical-$n"
    if [ ! -f "$root/.complete" ]; then
      rm -rf "$root"
      java -cp 'rtsite-examples/target/lib/*' rtsite-benchmarks/scripts/WriteClinicalPlans.java "$root" "$n" 125 > /dev/null
      touch "$root/.complete"
    fi ;;
  phantom:*)
    copies="${what#phantom:}"; root="$work/phantom-$copies"
    if [ ! -f "$root/.complete" ]; then
      rm -rf "$root"; mkdir -p "$root"
      for i in $(seq 1 "$copies"); do
        ./rtsite quickstart --work "$work/qs-$i" > /dev/null
        mv "$work/qs-$i/archive" "$root/copy-$i"
        rm -rf "$work/qs-$i"
      done
      touch "$root/.complete"
    fi ;;
  *) root="$(cd "$what" && pwd)" ;;
esac
local roots=("$root")
if [ "${k:-}" != "" ] && [ "$k" != "$n" ]; then   # clinical:N:K: the first K plans, given as K roots
  mapfile -t roots < <(find "$root" -mindepth 1 -maxdepth 1 -name 'plan-*' -type d | sort | head -n "$k")
fi
printf '%s\n' "${roots[@]}" > "$work/roots-$2"
echo "archive $what: ${#roots[@]} root(s) in $root ($(find "${roots[@]}" -type f | wc -l) files, $(du -shc "${roots[@]}" | tail -1 | cut -f1))"
}
IFS=, read -r -a archives <<< "$whats"
for a in "${!archives[@]}"; do prepare "${archives[$a]}" "$a"; done
# status, labels, rule, Dmax of every plan, from the SQLite store or from results.json
digest() {
  python3 - "$1" <<'EOF'
import hashlib, json, sqlite3, sys
src = sys.argv[1]
if src.endswith(".json"):
    rows = [(r["plan_file"], r["status"], r["labels"], r["rule"], r["dmax_gy"]) for r in json.load(open(src))]
else:
    rows = sqlite3.connect(src).execute("SELECT plan_file, status, labels, rule, dmax_gy FROM plan_result").fetchall()
text = "\n".join(repr(tuple(r)) for r in sorted(rows))
print(hashlib.md5(text.encode()).hexdigest()[:8], len(rows))
EOF
}
num() { grep "^$1" "$2" | tail -1 | sed -E 's/.*\(([0-9.]+) s[):].*/\1/'; }
# CPU seconds of the process's threads by name (Linux keeps 15 characters; numbers dropped), sampled
# from /proc until the JVM exits: where the CPU went (classification threads, common pool, JIT compilers,
# GC, Spark's own threads). With a second argument (Spark's log), also the same for the classify stage
# alone: the threads' CPU between the log's `link:` line (the stage starts) and its `classify:` line (the
# stage ends), printed on a second line. Every thread is read once a second, and at once when the log
# grows (a stage ended); the log's size is checked every 0.1 s. Reading every thread every 0.2 s cost
# ≈ 0.07 of a core beside a JVM of 150 threads: on 2 cores, time taken from local[2]'s slots and not
# from local[1]'s (docs/PERFORMANCE.md, "Spark, fifth round").
sampler() {
  python3 - "$1" "${2:-}" <<'EOF'
import collections, glob, os, re, sys, time
parent, log, seen, marks = sys.argv[1], sys.argv[2], {}, {}
def ppid(p):
    stat = open("/proc/%s/stat" % p).read()
    return stat[stat.rindex(")") + 2:].split()[1]
def jvm():  # the java process below `parent` (the launchers exec it or start it), not a Maven build they start
    for d in glob.glob("/proc/[0-9]*"):
        try:
            if open(d + "/comm").read().strip() != "java" or b"plexus-classworlds" in open(d + "/cmdline", "rb").read():
                continue
            p = d[6:]
            while p not in ("0", "1", parent):
                p = ppid(p)
            if p == parent:
                return d
        except (OSError, ValueError, IndexError):
            pass
    return None
pid, size, last = None, -1, 0.0
while os.path.exists("/proc/" + parent):
    grown = False
    if log:
        try:
            grown = os.path.getsize(log) != size
        except OSError:
            pass
    if not grown and time.time() - last < 1.0:
        time.sleep(0.1)
        continue
    last = time.time()
    pid = pid if pid and os.path.exists(pid) else jvm()
    for t in glob.glob(pid + "/task/*/stat") if pid else []:
        try:
            st = open(t).read()
            name = st[st.index("(") + 1:st.rindex(")")]
            f = st[st.rindex(")") + 2:].split()
            seen[t] = (re.sub(r"[#-]?[0-9]+$", "", name).strip(), (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"))
        except (OSError, ValueError):
            pass
    if log:
        try:
            text = open(log).read()
        except OSError:
            text = ""
        size = len(text.encode())
        for mark in ("link:", "classify:"):
            if mark not in marks and re.search("^" + mark, text, re.M):
                marks[mark] = dict(seen)
def groups(now, before):
    by = collections.Counter()
    for t, (name, cpu) in now.items():
        by[name] += cpu - before.get(t, (name, 0))[1]
    top = [n for n, _ in by.most_common(8)] + [n for n in ("ForkJoinPool.co", "rtsite-spark-cl") if n in by]
    return ", ".join("%s %.1f" % (n, by[n]) for n in dict.fromkeys(top)) + " (all %.1f)" % sum(by.values())
print(groups(seen, {}))
if "link:" in marks and "classify:" in marks:
    print(groups(marks["classify:"], marks["link:"]))
EOF
}
timed() {  # [--log FILE] COMMAND...
  local log=""
  if [ "$1" = --log ]; then log="$2"; shift 2; fi
  /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" & local tp=$!
  sampler "$tp" "$log" > "$work/threads" & local sp=$!
  wait "$tp" || true
  wait "$sp" || true
}
# (the last line: /usr/bin/time writes "Command exited with non-zero status N" first when a run exits 3, some plan FAILED)
cpu() { tail -1 "$work/time" | awk '{printf "wall %.1f s, cpu %.1f s", $1, $2 + $3}'; }
# The project's VM runs DAMON with a page-out scheme for file pages idle for about a minute (docs/PERFORMANCE.md,
# "Spark, tenth round"): a row that followed a minute or more without reading part of the archive read that part from
# the disk again. Each row reads its archive's files into the page cache first, outside its timing (WARM_PAGES=off: not).
warm_pages() { if [ "${WARM_PAGES:-on}" != off ]; then find "$@" -type f -print0 | xargs -0 -r cat > /dev/null; fi; }
threads() {
  echo "  threads (cpu s): $(head -1 "$work/threads")"
  if [ "$(wc -l < "$work/threads")" -gt 1 ]; then echo "  classify stage threads (cpu s): $(sed -n 2p "$work/threads")"; fi
}
# the first `rtsite classify` after a build dumps the launcher's class-data-sharing archive: not in the loop
# (WARM=off skips these warm-up runs, where a run of the same checkouts has just made the archives)
mapfile -t roots < "$work/roots-0"
if [ "${WARM:-on}" != off ]; then
for launcher in ./rtsite ${BASELINE:+"$BASELINE/rtsite"}; do
  rm -rf "$work/warm.db"* "$work/warm-out"
  "$launcher" classify "${roots[@]}" --db "$work/warm.db" --out "$work/warm-out" --no-progress --backend cpu > /dev/null 2>&1 || true
done
# and so does the first `rtsite spark classify` (from the fifth round on; an older checkout merely runs once more)
for launcher in ./rtsite ${BASELINE:+"$BASELINE/rtsite"}; do
  rm -rf "$work/warm-spark"
  "$launcher" spark classify "${roots[@]}" --out "$work/warm-spark" --master 'local[2]' --backend cpu "${seg[@]}" \
    > /dev/null 2>&1 || true
done
fi
# The calibration: fixed CPU work (a Python loop and numpy passes over 64 MB), its wall seconds (not CPU seconds: a
# host that runs the VM slower, or another process on the core, lengthens the wall as it lengthens the rows'), run
# twice: by one process ("t1", the host's speed) and by one process per core at once ("tN", the slowest of them).
# tN / t1 ≈ 1 when every core is free; ≈ 2 on 2 cores when another process takes one (local[1] does not notice
# it, local[2] loses half its slots), which t1 alone does not show. Prints "t1 tN".
calibrate() {
  python3 - <<'EOF'
import os, time
import numpy as np
def work():
    a = np.ones(8 << 20)  # 64 MB
    x = 0
    for i in range(5_000_000):
        x += i * i
    for _ in range(40):
        a.sum()
t = time.perf_counter(); work(); t1 = time.perf_counter() - t
t = time.perf_counter()
kids = []
for _ in range(os.cpu_count()):
    pid = os.fork()
    if pid == 0:
        work()
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
print("%.3f %.3f" % (t1, time.perf_counter() - t))
EOF
}
# the CPU seconds of a thread group in the sampler's output: line 1 (whole process) or 2 (the classify stage)
groupcpu() { sed -n "${2}p" "$work/threads" | grep -oE "(^|, )$1 [0-9.]+" | awk '{print $NF}' | head -1; }
# one line per row for the summary at the end: repeat, archive, run, classify stage (s), Spark's classification
# job alone (s), plans (from the digest), digest, calibration t1 before the row (s), after it (s), classification CPU
# (s: Spark, the classify stage's rtsite-spark-classify threads; rtsite classify, its rtsite-classify threads),
# calibration tN before the row, after it
rows="$work/rows-$(date -u +%Y%m%dT%H%M%S).tsv"
: > "$rows"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" "${5:-}" \
  "$(cut -d' ' -f2 <<< "$6")" "$(cut -d' ' -f1 <<< "$6")" "${7% *}" "${8% *}" "${9:-}" "${7#* }" "${8#* }" >> "$rows"; }
masters="${MASTERS:-1 2}"
cal="$(calibrate)"
echo "calibration (t1 tN): $cal s"
for r in $(seq 1 "$repeats"); do
 # the rows of this repeat (archive index and run), every second repeat in the reverse order (ABBA)
 plan=()
 for a in "${!archives[@]}"; do
  if [ "${SINGLE:-on}" != off ]; then
   for j in 1 2; do plan+=("$a single:$j"); done
   if [ -n "${BASELINE:-}" ]; then for j in 1 2; do plan+=("$a baseline-single:$j"); done; fi
  fi
  for m in $masters; do plan+=("$a spark:$m"); done
  if [ -n "${BASELINE:-}" ]; then for m in $masters; do plan+=("$a baseline:$m"); done; fi
 done
 if [ $((r % 2)) -eq 0 ]; then
  mapfile -t plan < <(printf '%s\n' "${plan[@]}" | tac)
 fi
 shown=""
 for row in "${plan[@]}"; do
  a="${row%% *}"; run="${row#* }"; kind="${run%:*}"; m="${run#*:}"
  mapfile -t roots < "$work/roots-$a"
  if [ "$shown" != "$a" ]; then echo "== repeat $r, ${archives[$a]}, load: $(cut -d' ' -f1-3 /proc/loadavg)"; shown="$a"; fi
  before="$cal"
  launcher="./rtsite"
  case "$kind" in baseline*) launcher="$BASELINE/rtsite" ;; esac
  case "$kind" in
   single | baseline-single)
    name="rtsite classify"; if [ "$kind" = baseline-single ]; then name="baseline classify"; fi
    rm -rf "$work/single.db" "$work/single.db-wal" "$work/single.db-shm" "$work/single-out"
    warm_pages "${roots[@]}"
    timed "$launcher" classify "${roots[@]}" --db "$work/single.db" --out "$work/single-out" -j "$m" --no-progress \
      --backend cpu "${seg[@]}" > "$work/single.log" 2>&1 || true
    cal="$(calibrate)"
    d="$(digest "$work/single.db")"
    ccpu="$(groupcpu rtsite-classify 1)"
    echo "$name -j $m: classify $(num 'done:' "$work/single.log") s, $(cpu), digest $d," \
      "classification cpu ${ccpu:-?} s, calibration (t1 tN) $before / $cal s"
    record "$r" "$a" "$name -j $m" "$(num 'done:' "$work/single.log")" "" "$d" "$before" "$cal" "$ccpu"
    ;;
   *)
    rm -rf "$work/spark-out"
    rm -f "$work/spark.log"
    warm_pages "${roots[@]}"
    timed --log "$work/spark.log" "$launcher" spark classify "${roots[@]}" --out "$work/spark-out" --master "local[$m]" \
      --backend cpu "${seg[@]}" > "$work/spark.log" 2> "$work/spark.err" || true
    cal="$(calibrate)"
    steps="$(grep -o 'select.*tables [0-9.]* s' "$work/spark.log" || true)"
    d="$(digest "$work/spark-out/results.json")"
    ccpu="$(groupcpu rtsite-spark-cl 2)"
    echo "$kind local[$m]: session $(num 'spark:' "$work/spark.log") s, index $(num 'index:' "$work/spark.log") s," \
      "link $(num 'link:' "$work/spark.log") s, classify $(num 'classify:' "$work/spark.log") s${steps:+ ($steps)}," \
      "$(cpu), digest $d, classification cpu ${ccpu:-?} s, calibration (t1 tN) $before / $cal s"
    record "$r" "$a" "$kind local[$m]" "$(num 'classify:' "$work/spark.log")" \
      "$(sed -nE 's/.*classify ([0-9.]+) s, tables.*/\1/p' <<< "$steps")" "$d" "$before" "$cal" "$ccpu"
    ;;
  esac
  threads
 done
done
cp "$rows" "$work/rows.tsv"
echo "rows: $rows (several runs together: rtsite-benchmarks/scripts/spark_bench_summary.py ROWS...)"
python3 "$here/rtsite-benchmarks/scripts/spark_bench_summary.py" "$rows"
