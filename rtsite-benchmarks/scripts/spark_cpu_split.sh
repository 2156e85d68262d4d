#!/usr/bin/env bash
# Where the CPU of the classify stage goes, local[1] against local[2], by thread kind (docs/PERFORMANCE.md,
# "Spark, eighth round: the CPU of two plans at once"). Not a test; from the repository root of a built checkout:
#   rtsite-benchmarks/scripts/spark_cpu_split.sh ROOTS_FILE [REPEATS] [CONFIG...]
# ROOTS_FILE: archive roots, one a line (e.g. /tmp/spark6-bench/roots-0 after a spark_bench.sh run of clinical:16).
# CONFIG: LABEL=ENV (ENV: space-separated NAME=VALUE put in the environment of that run's launcher, e.g.
# "arenas=MALLOC_ARENA_MAX=16"; RTSITE_JAVA_OPTS=OPTION adds one JVM option, e.g.
# "pretouch=RTSITE_JAVA_OPTS=-XX:+AlwaysPreTouch"); default one config, "launcher=" (the launcher's own settings). Every repeat runs
# every config in local[1] and local[2], every second repeat in the reverse order (ABBA). SEGMENTER=PKG as in
# spark_bench.sh (default models/phantom-total-pt); LAUNCHER=DIR runs DIR/rtsite (default this checkout).
# Per run: the classify stage's CPU by thread kind (spark_cpu_split.py: CPU, user, sys, page faults, context
# switches, migrations, run-queue wait), `perf stat` software events of the whole process (task-clock, page faults,
# context switches, migrations, mmap / munmap / madvise / brk / futex calls, TLB flushes), the GC log's pause count and total,
# and a digest of every plan's status, labels, rule and Dmax (equal digests = equal results).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
rootsfile="${1:?usage: spark_cpu_split.sh ROOTS_FILE [REPEATS] [LABEL=ENV...]}"
repeats="${2:-1}"
shift $(( $# >= 2 ? 2 : 1 ))
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then configs=("launcher="); fi
work="${WORK:-/tmp/rtsite-cpu-split}"
mkdir -p "$work"
launcher="${LAUNCHER:-$here}/rtsite"
seg="$(cd "$here" && cd "$(dirname "${SEGMENTER:-models/phantom-total-pt}")" && pwd)/$(basename "${SEGMENTER:-models/phantom-total-pt}")"
mapfile -t roots < "$rootsfile"
"$launcher" spark --help > /dev/null
events="task-clock,page-faults,major-faults,context-switches,cpu-migrations,syscalls:sys_enter_mmap,syscalls:sys_enter_munmap,syscalls:sys_enter_madvise,syscalls:sys_enter_brk,syscalls:sys_enter_futex,tlb:tlb_flush"
out="$work/split-$(date -u +%Y%m%dT%H%M%S).txt"
echo "machine: $(nproc) cores; launcher $launcher; segmenter $seg; ${#roots[@]} root(s) from $rootsfile" | tee "$out"
for r in $(seq 1 "$repeats"); do
  plan=()
  for c in "${configs[@]}"; do for m in 1 2; do plan+=("$m $c"); done; done
  if [ $((r % 2)) -eq 0 ]; then mapfile -t plan < <(printf '%s\n' "${plan[@]}" | tac); fi
  for row in "${plan[@]}"; do
    m="${row%% *}"; c="${row#* }"; label="${c%%=*}"; envs="${c#*=}"
    rm -rf "$work/out" "$work/gc.log"
    # RTSITE_JAVA_OPTS=OPTION entries of a config add to the JVM options (one option each), the rest is environment
    jopts=""; rest=()
    for e in $envs; do case "$e" in RTSITE_JAVA_OPTS=*) jopts="$jopts ${e#RTSITE_JAVA_OPTS=}" ;; *) rest+=("$e") ;; esac; done
    env ${rest[@]+"${rest[@]}"} RTSITE_JAVA_OPTS="${RTSITE_JAVA_OPTS:-}$jopts -Xlog:gc:file=$work/gc.log" \
      perf stat -x, -o "$work/perf" -e "$events" -- \
      python3 "$here/rtsite-benchmarks/scripts/spark_cpu_split.py" "$work/log" -- \
      "$launcher" spark classify "${roots[@]}" --out "$work/out" --master "local[$m]" --backend cpu --segmenter "$seg" \
      > "$work/split" 2> "$work/err" || { echo "failed: $label local[$m]"; tail -5 "$work/err"; continue; }
    d="$(python3 -c '
import hashlib, json, sys
rows = [(r["plan_file"], r["status"], r["labels"], r["rule"], r["dmax_gy"]) for r in json.load(open(sys.argv[1]))]
print(hashlib.md5("\n".join(repr(tuple(x)) for x in sorted(rows)).encode()).hexdigest()[:8], len(rows))' "$work/out/results.json")"
    stage="$(grep '^classify:' "$work/log" | tail -1)"
    gc="$(awk '/Pause/ {n++; sub(/ms$/, "", $NF); t += $NF} END {printf "%d pauses, %.0f ms", n, t}' "$work/gc.log")"
    {
      echo "== repeat $r, $label ($envs), local[$m], load $(cut -d' ' -f1-3 /proc/loadavg), digest $d"
      echo "$stage"
      echo "gc (whole run): $gc"
      echo "perf (whole process): $(grep -v '^#' "$work/perf" | awk -F, 'NF > 2 {printf "%s %s; ", $3, $1}')"
      grep -v '^{' "$work/split"
      echo "json: $(grep '^{' "$work/split")"
    } | tee -a "$out"
  done
done
echo "results: $out"
