#!/usr/bin/env python3
"""Summary of spark_bench.sh's rows (docs/PERFORMANCE.md, "Spark, seventh round").

  rtsite-benchmarks/scripts/spark_bench_summary.py ROWS.tsv [ROWS.tsv ...]

ROWS.tsv: the rows file each spark_bench.sh run leaves ($RTSITE_BENCH_DIR/rows-<time>.tsv, printed at its end);
several runs (e.g. one per archive size, each short enough for the benchmark lock) summarise together.

The target of issue 17 is local[2] / local[1] >= 1.8x on 2 cores. The project's VM changes speed by up to half within
minutes, so one pair of rows proves nothing; per archive size this prints:
  - every pair (local[1] and local[2] of the same run and repeat): the plain ratio of the classify stage and of
    its classification job; k2/k1, the calibration of the local[2] row over that of the local[1] row (the same
    single-thread work before and after each row: > 1 means the host was slower for local[2]); c2/c1, the
    classification CPU per plan of local[2] over local[1] (two plans at a time cost a few % more on a steady host);
    the pair is "CPU-comparable" when 0.97 <= c2/c1 <= 1.10 (the plans cost about the same CPU in both rows: two
    plans at a time cost a few % more on a steady host; outside that window the host's speed changed between the
    rows), and "calibration-comparable" when k2/k1 is within 5 % and in both rows free = t1 / tN >= 0.85 (the
    calibration by one process per core at once took at most 1/0.85 of its time alone: no other process held a core;
    rows files of runs before the all-cores calibration have no tN, and then only k2/k1 counts). On the project's VM
    the calibration did not follow the drift that c2/c1 shows (docs/PERFORMANCE.md, "Spark, seventh round"): it
    flags another process on a core, the CPU window judges the host;
  - the median of the pairs' plain ratios (stage, job); the median of the CPU-comparable and of the
    calibration-comparable pairs' plain ratios; the ABBA
    ratio (sum of local[1] over sum of local[2] across each run's repeats: a linear drift cancels in ABBA order);
  - the calibration-normalised ratio, median of (T1 / k1) / (T2 / k2): each row's time in units of its host's speed;
  - the CPU-normalised ratio, median of (T1 / C1) / (T2 / C2) = the cores kept busy with classification in local[2]
    over those in local[1]: it hides the extra CPU that two plans at a time cost, so it is an upper bound;
and between archive sizes the marginal plans/s (extra plans / extra seconds of the median stage, plain and
calibration-normalised) of each run and its local[2] / local[1] (a run of many more plans, fixed costs left out).
"""
import collections
import statistics
import sys

COMPARABLE = 0.05
FREE = 0.85
CPU_LOW, CPU_HIGH = 0.97, 1.10


def load(paths):
    rows = []
    for f, path in enumerate(paths):
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 10:
                continue
            r, a, run, stage, job, plans, digest, k0, k1, cpu = parts[:10]
            n0, n1 = (parts[10:12] + ["", ""])[:2]
            if not stage or not plans.isdigit():
                continue
            k = [float(x) for x in (k0, k1) if x]
            n = [float(x) for x in (n0, n1) if x]
            cal = sum(k) / len(k) if k else None
            rows.append(dict(block=(f, int(r)), file=f, repeat=int(r), run=run, plans=int(plans), digest=digest,
                             stage=float(stage), job=float(job) if job else None, cal=cal,
                             free=cal / (sum(n) / len(n)) if cal and n else None, cpu=float(cpu) if cpu else None))
    return rows


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, pattern="%.2fx"):
    return pattern % x if x is not None else "-"


def main(paths):
    rows = load(paths)
    if not rows:
        print("no rows")
        return
    print("== rows (run.repeat, plans, row: classify stage / its classification job s, calibration t1 s, "
          "free = t1 / tN, classification CPU s)")
    for x in sorted(rows, key=lambda x: (x["plans"], x["file"], x["repeat"], x["run"])):
        print("  %d.%d  %3d plans  %-24s %7.1f / %-7s cal %-6s free %-5s cpu %s" % (
            x["file"] + 1, x["repeat"], x["plans"], x["run"], x["stage"], fmt(x["job"], "%.1f"),
            fmt(x["cal"], "%.3f"), fmt(x["free"], "%.2f"), fmt(x["cpu"], "%.1f")))
    by = collections.defaultdict(dict)  # (plans, run) -> block -> row
    for x in rows:
        by[(x["plans"], x["run"])][x["block"]] = x
    sizes = sorted({x["plans"] for x in rows})
    for p in sizes:
        digests = {x["digest"] for x in rows if x["plans"] == p}
        print("== %d plans: digests %s" % (p, "equal " + digests.pop() if len(digests) == 1
                                           else "DIFFER " + " ".join(sorted(digests))))
        for kind in ("spark", "baseline"):
            ones, twos = by.get((p, kind + " local[1]"), {}), by.get((p, kind + " local[2]"), {})
            blocks = sorted(set(ones) & set(twos))
            if not blocks:
                continue
            stage, job, cal_n, cpu_n, comparable, comparable_job, same, same_job = [], [], [], [], [], [], [], []
            print("  %s local[2] / local[1], pair by pair:" % kind)
            for b in blocks:
                a, c = ones[b], twos[b]
                rs = a["stage"] / c["stage"]
                rj = a["job"] / c["job"] if a["job"] and c["job"] else None
                kk = c["cal"] / a["cal"] if a["cal"] and c["cal"] else None
                cc = c["cpu"] / a["cpu"] if a["cpu"] and c["cpu"] else None
                ok = kk is not None and abs(kk - 1) <= COMPARABLE and all(
                    x["free"] is None or x["free"] >= FREE for x in (a, c))
                stage.append(rs)
                job.append(rj)
                cal_n.append(rs * kk if kk else None)
                cpu_n.append(rs * cc if cc else None)
                if ok:
                    comparable.append(rs)
                    comparable_job.append(rj)
                cpu_ok = cc is not None and CPU_LOW <= cc <= CPU_HIGH
                if cpu_ok:
                    same.append(rs)
                    same_job.append(rj)
                print("    run %d repeat %d: stage %s, job %s; k2/k1 %s, c2/c1 %s%s%s; calibration-normalised %s, "
                      "CPU-normalised %s" % (b[0] + 1, b[1], fmt(rs), fmt(rj), fmt(kk, "%.3f"), fmt(cc, "%.3f"),
                                             " (calibration-comparable)" if ok else "",
                                             " (CPU-comparable)" if cpu_ok else "", fmt(rs * kk if kk else None),
                                             fmt(rs * cc if cc else None)))
            # ABBA: per run, sum over its repeats (a linear drift cancels over a block of ABBA repeats)
            abba = []
            for f in sorted({b[0] for b in blocks}):
                fb = [b for b in blocks if b[0] == f]
                if len(fb) >= 2:
                    abba.append("run %d %s (job %s)" % (f + 1, fmt(sum(ones[b]["stage"] for b in fb)
                                                                 / sum(twos[b]["stage"] for b in fb)),
                                                         fmt(sum(ones[b]["job"] or 0 for b in fb)
                                                             / sum(twos[b]["job"] or 1 for b in fb))))
            print("  %s, %d plans, %d pairs: median stage %s, job %s; CPU-comparable pairs (%d) median stage %s, job %s; "
                  "calibration-comparable pairs (%d) median stage %s, job %s" % (
                      kind, p, len(blocks), fmt(med(stage)), fmt(med(job)), len(same), fmt(med(same)),
                      fmt(med(same_job)), len(comparable), fmt(med(comparable)), fmt(med(comparable_job))))
            print("  %s, %d plans: calibration-normalised median stage %s; CPU-normalised median stage %s "
                  "(busy cores, an upper bound); ABBA sums: %s" % (kind, p, fmt(med(cal_n)), fmt(med(cpu_n)),
                                                                  "; ".join(abba) or "-"))
    ref = med([x["cal"] for x in rows])
    for lo, hi in zip(sizes, sizes[1:]):
        print("== marginal %d -> %d plans (median stage per size; normalised: each row at the median calibration "
              "%s s)" % (lo, hi, fmt(ref, "%.3f")))
        marg, margn = {}, {}
        for run in sorted({x["run"] for x in rows}):
            a, b = by.get((lo, run), {}), by.get((hi, run), {})
            if not a or not b:
                continue
            ta, tb = med([x["stage"] for x in a.values()]), med([x["stage"] for x in b.values()])
            na = med([x["stage"] * ref / x["cal"] for x in a.values() if x["cal"]])
            nb = med([x["stage"] * ref / x["cal"] for x in b.values() if x["cal"]])
            if tb > ta:
                marg[run] = (hi - lo) / (tb - ta)
            if na is not None and nb is not None and nb > na:
                margn[run] = (hi - lo) / (nb - na)
            print("  %-24s %.1f -> %.1f s: %s plans/s; normalised %s -> %s s: %s plans/s" % (
                run, ta, tb, fmt(marg.get(run), "%.3f"), fmt(na, "%.1f"), fmt(nb, "%.1f"), fmt(margn.get(run), "%.3f")))
        for kind in ("spark", "baseline"):
            one, two = kind + " local[1]", kind + " local[2]"
            if one in marg and two in marg:
                print("  %s local[2] / local[1], marginal: %s; normalised %s" % (
                    kind, fmt(marg[two] / marg[one]),
                    fmt(margn[two] / margn[one] if one in margn and two in margn else None)))
        if "spark local[2]" in marg and "rtsite classify -j 2" in marg:
            print("  spark local[2] against rtsite classify -j 2, seconds per added plan: %.2f against %.2f (%+.0f %%)" % (
                1 / marg["spark local[2]"], 1 / marg["rtsite classify -j 2"],
                100 * (marg["rtsite classify -j 2"] / marg["spark local[2]"] - 1)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: spark_bench_summary.py ROWS.tsv [ROWS.tsv ...]")
    main(sys.argv[1:])
