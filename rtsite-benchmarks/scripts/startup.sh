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
# BASELINE_CHECKOUT=DIR (optional) also times another checkout's own ./rtsite (e.g. a clone of main, built
# with its ./rtsite --version), launcher and all.
# EXTRA="-XX:TieredStopAtLevel=4" (optional) adds a row of the current build with those JVM options
# (RTSITE_JAVA_OPTS, which come after the launcher's and win: that EXTRA brings C2 back,
# "-XX:-UseTransparentHugePages" the small pages).
# PEER=0 leaves the pydicom + numpy peer out (it takes 5-10 s a round).
# Each row: wall, user and system CPU seconds and max RSS (GNU time); then min and median of each column
# per row; the machine's load average is printed before and after.
set -euo pipefail
plan="$1"; rounds="${2:-3}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
t() {
  local name="$1"; shift
  rm -rf "$work/db"* "$work/out"
  /usr/bin/time -f "$name	%e	%U	%S	%M" "$@" >/dev/null 2>>"$work/err" || { cat "$work/err" >&2; exit 1; }
  tail -1 "$work/err" | tee -a "$work/rows"
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(java -version 2>&1 | head -1)"
./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress >/dev/null  # trains the CDS archive
if [ -n "${BASELINE_CHECKOUT:-}" ]; then
  (cd "$BASELINE_CHECKOUT" && ./rtsite classify "$plan" --db "$work/db0" --out "$work/out0" --no-progress >/dev/null)
  rm -rf "$work/db0"* "$work/out0"
fi
printf 'what\twall_s\tuser_s\tsys_s\tmax_rss_kb\n'
for r in $(seq "$rounds"); do
  if [ -n "${BASELINE:-}" ]; then
    t "baseline classify" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli classify "$plan" --db "$work/db" --out "$work/out" --no-progress
    t "baseline --version" java -cp "$BASELINE/classes:$BASELINE/lib/*" org.rtsite.examples.RtsiteCli --version
  fi
  if [ -n "${BASELINE_CHECKOUT:-}" ]; then
    t "baseline checkout classify" bash -c 'cd "$1" && shift && exec ./rtsite "$@"' _ "$BASELINE_CHECKOUT" classify "$plan" --db "$work/db" --out "$work/out" --no-progress
  fi
  t "rtsite classify" ./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress
  if [ -n "${EXTRA:-}" ]; then
    RTSITE_JAVA_OPTS="$EXTRA" t "rtsite $EXTRA classify" ./rtsite classify "$plan" --db "$work/db" --out "$work/out" --no-progress
  fi
  t "rtsite --version" ./rtsite --version
  if [ "${PEER:-1}" != 0 ]; then
    t "pydicom+numpy" /usr/bin/python3 "$(dirname "$0")/pydicom_classify.py" "$plan" "$work/py.json"
  fi
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\nwhat\truns\twall min/median\tuser+sys min/median\tmax_rss_kb median\n'
awk -F'\t' '{ n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3 + $4; m[$1, n[$1]] = $5 }
  function sorted(a, k, cnt,   i, j, t, v) { for (i = 1; i <= cnt; i++) v[i] = a[k, i]
    for (i = 2; i <= cnt; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return v[1] "/" (cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2) }
  END { for (k in n) printf "%s\t%d\t%s\t%s\t%s\n", k, n[k], sorted(w, k, n[k]), sorted(c, k, n[k]),
          substr(sorted(m, k, n[k]), index(sorted(m, k, n[k]), "/") + 1) }' "$work/rows" | sort
