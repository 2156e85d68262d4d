#!/usr/bin/env bash
# Whole-process time of a one-plan `rtsite classify` against the pydicom + numpy peer
# (pydicom_classify.py), alternating in the same run; also `rtsite --version`.
# docs/PERFORMANCE.md "Start-up". Run from the repository root after building (./rtsite --version):
#
#   rtsite-benchmarks/scripts/startup.sh PLAN_DIR [ROUNDS]
#
# PLAN_DIR: one plan's folder, e.g. from
#   java -cp 'rtsite-examples/target/lib/*' rtsite-benchmarks/scripts/WriteClinicalPlans.java /tmp/one 1 125
# BASELINE=DIR (optional) also times an older build the way the old launcher ran it
# (java -cp DIR/classes:DIR/lib/*), DIR holding that build's rtsite-examples/target classes/ and lib/.
# EXTRA="-XX:TieredStopAtLevel=4" (optional) adds a row of the current build with those JVM options
# (the launcher runs C1 only by default; that EXTRA brings C2 back).
# Each row: wall, user and system CPU seconds (GNU time); the machine's load average is printed.
set -euo pipefail
plan="$1"; rounds="${2:-3}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
t() { local name="$1"; shift; rm -rf "$work/db"* "$work/out"; /usr/bin/time -f "$name	%e	%U	%S" "$@" >/dev/null 2>>"$work/err" || { cat "$work/err" >&2; exit 1; }; tail -1 "$work/err"; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(java -version 2>&1 | head -1)"
./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress >/dev/null  # trains the CDS archive
printf 'what\twall_s\tuser_s\tsys_s\n'
for r in $(seq "$rounds"); do
  if [ -n "${BASELINE:-}" ]; then
    t "baseline classify" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli classify "$plan" --db "$work/db" --out "$work/out" --no-progress
    t "baseline --version" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli --version
  fi
  t "rtsite classify" ./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress
  if [ -n "${EXTRA:-}" ]; then
    RTSITE_JAVA_OPTS="$EXTRA" t "rtsite $EXTRA classify" ./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress
  fi
  t "rtsite --version" ./rtsite --version
  t "pydicom+numpy" /usr/bin/python3 "$(dirname "$0")/pydicom_classify.py" "$plan" "$work/py.json"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
