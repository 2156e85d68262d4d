#!/usr/bin/env bash
# Plans/s of `rtsite classify` on one core against two (taskset -c 0 vs -c 0,1), default workers and
# explicit -j 1 / -j 2, alternating in the same run. docs/PERFORMANCE.md "CLI throughput".
# Run from the repository root after building (./rtsite --version):
#
#   rtsite-benchmarks/scripts/throughput.sh ARCHIVE [ROUNDS]
#
# ARCHIVE: a folder of plans, e.g. 20 clinical-size phantom plans (1.3 GB) from
#   java -cp 'rtsite-examples/target/lib/*' rtsite-benchmarks/scripts/WriteClinicalPlans.java /tmp/arch20 20 125
# It is indexed once; every run classifies all plans into a fresh copy of that index (page cache warm).
# BASELINE=DIR (optional) also times an older build (java -cp DIR/classes:DIR/lib/*), see startup.sh.
# Each row: classify phase (s, as printed by rtsite), plans/s, process wall, user, sys (s), max RSS (MB).
set -euo pipefail
arch="$1"; rounds="${2:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
./rtsite index "$arch" --db "$work/index.db" --report "$work/report" --no-progress >/dev/null
cp "$work/index.db" "$work/train.db"
./rtsite classify --db "$work/train.db" --out "$work/warm" --no-progress >/dev/null  # trains the CDS archive
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf 'run\tclassify_s\tplans_per_s\twall_s\tuser_s\tsys_s\tmaxrss_MB\n'
one() {  # NAME CPUS "CLASSIFY OPTIONS" COMMAND...
  local name="$1" cpus="$2" opts="$3"; shift 3
  rm -rf "$work/r.db"* "$work/out"; cp "$work/index.db" "$work/r.db"
  /usr/bin/time -o "$work/time" -f "%e	%U	%S	%M" taskset -c "$cpus" "$@" classify --db "$work/r.db" \
      --out "$work/out" --no-progress $opts > "$work/log"
  local line plans secs
  line="$(grep '^done:' "$work/log")"
  plans="$(sed -E 's/^done: ([0-9]+) plans, ([0-9]+) classified.*/\2/' <<< "$line")"
  secs="$(sed -E 's/.*\(([0-9.]+) s\)$/\1/' <<< "$line")"
  awk -v n="$name" -v p="$plans" -v s="$secs" -F'\t' '{printf "%s\t%s\t%.2f\t%s\t%s\t%s\t%d\n", n, s, p/s, $1, $2, $3, $4/1024}' "$work/time"
  sqlite3 "$work/r.db" "SELECT plan_file, labels, rule FROM plan_result ORDER BY plan_file" | md5sum | cut -c1-8 >> "$work/digests"
}
for r in $(seq "$rounds"); do
  one "1 core, default" 0 "" ./rtsite
  one "2 cores, default" 0,1 "" ./rtsite
  one "2 cores, -j 1" 0,1 "-j 1" ./rtsite
  one "2 cores, -j 2" 0,1 "-j 2" ./rtsite
  if [ -n "${BASELINE:-}" ]; then
    one "baseline 1 core" 0 "" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli
    one "baseline 2 cores" 0,1 "" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli
  fi
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); result digests (labels, rules): $(sort -u "$work/digests" | tr '\n' ' ')"
