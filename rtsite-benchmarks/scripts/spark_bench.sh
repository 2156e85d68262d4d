#!/usr/bin/env bash
# Spark vs single machine on one archive (docs/PERFORMANCE.md, "Spark"). Not a test: run it by hand, on a
# quiet machine if the figures are to be quoted.
#   rtsite-benchmarks/scripts/spark_bench.sh [COPIES] [REPEATS]
# The archive: COPIES copies (default 20) of the quick-start archive (5 phantom plans each, new UIDs per
# copy), so 5 x COPIES plans. Then, REPEATS times (default 2), alternating in one loop:
#   rtsite classify ROOT -j 2 (fresh database)            the single-machine path, 2 workers
#   rtsite spark classify ROOT --master local[1] (fresh)  Spark, one core
#   rtsite spark classify ROOT --master local[2] (fresh)  Spark, two cores
# and prints each run's stage times (index, link, classify as the commands print them) and process wall.
# plans/s = plans / classify stage; Spark's per-plan overhead = (spark local[2] classify stage
# - rtsite classify -j 2 classify phase) / plans.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
copies="${1:-20}"
repeats="${2:-2}"
work="${RTSITE_BENCH_DIR:-/tmp/rtsite-spark-bench}"
root="$work/archive-$copies"
mkdir -p "$work"
cd "$here"
./rtsite --help > /dev/null          # builds the single-machine command line
./rtsite spark --help > /dev/null    # builds rtsite-spark
if [ ! -f "$root/.complete" ]; then
  rm -rf "$root"
  mkdir -p "$root"
  for i in $(seq 1 "$copies"); do
    ./rtsite quickstart --work "$work/qs-$i" > /dev/null
    mv "$work/qs-$i/archive" "$root/copy-$i"
    rm -rf "$work/qs-$i"
  done
  touch "$root/.complete"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "archive: $root ($copies copies of the quick-start archive, $(find "$root" -type f | wc -l) files)"
stage() { grep -o "$1.*(\([0-9.]*\) s)" "$2" | tail -1 | sed 's/.*(\([0-9.]*\) s)/\1/'; }
for r in $(seq 1 "$repeats"); do
  echo "== repeat $r, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$work/single.db" "$work/single.db-wal" "$work/single.db-shm" "$work/single-out"
  t0=$(date +%s.%N)
  ./rtsite classify "$root" --db "$work/single.db" --out "$work/single-out" -j 2 --no-progress --backend cpu \
    > "$work/single.log" 2>&1 || true
  t1=$(date +%s.%N)
  echo "rtsite classify -j 2:   classify $(stage 'done:' "$work/single.log") s, wall $(echo "$t1 - $t0" | bc) s" \
    "| $(grep 'done:' "$work/single.log")"
  for m in 1 2; do
    rm -rf "$work/spark-out-$m"
    t0=$(date +%s.%N)
    ./rtsite spark classify "$root" --out "$work/spark-out-$m" --master "local[$m]" --backend cpu \
      > "$work/spark-$m.log" 2> "$work/spark-$m.err" || true
    t1=$(date +%s.%N)
    echo "rtsite spark local[$m]: index $(stage 'index:' "$work/spark-$m.log") s, link $(stage 'link:' "$work/spark-$m.log") s," \
      "classify $(stage 'classify:' "$work/spark-$m.log") s, wall $(echo "$t1 - $t0" | bc) s" \
      "| $(grep 'classify:' "$work/spark-$m.log")"
  done
done
