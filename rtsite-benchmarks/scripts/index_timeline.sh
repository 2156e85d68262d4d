#!/usr/bin/env bash
# A timeline of one whole `rtsite index` process, launcher included (issue 16 item 3, "Indexing, eighth round" in
# docs/PERFORMANCE.md): `perf record -a` samples every CPU at 999 Hz (cpu-clock) and records every fork, exec and exit,
# then index_timeline.py prints the processes the launcher started with their exec/exit times, the phases (first and
# last sample of each kind of JVM thread), the CPU of each thread kind, and a 100 ms timeline of both cores (what ran,
# what was idle). Needs root (perf -a; cold: the page cache is dropped first).
#   MODE=cold|warm [LAUNCHER=./rtsite] rtsite-benchmarks/scripts/index_timeline.sh DATA [more index options]
# e.g. /work/briefs/quiet.sh env MODE=cold rtsite-benchmarks/scripts/index_timeline.sh /tmp/perfindex/a20k/data
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=$1; shift
MODE="${MODE:-cold}"
LAUNCHER="${LAUNCHER:-$(cd "$here/../.." && pwd)/rtsite}"
WORK="${WORK:-/tmp/rtsite-index-timeline}"
mkdir -p "$WORK"
"$LAUNCHER" --version > /dev/null # builds on first use, outside the run
rm -rf "$WORK/db" && mkdir -p "$WORK/db"
if [ "$MODE" = cold ]; then
  sync; echo 3 > /proc/sys/vm/drop_caches
  # perf's own binary and libraries back in, so that only the launcher's run comes from the disk
  perf record -o /dev/null -- true > /dev/null 2>&1 || true
else
  find "$data" -type f -print0 | xargs -0 cat > /dev/null
fi
perf record -q -a -F 999 -e cpu-clock -e sched:sched_process_exec -e sched:sched_process_exit \
  -e sched:sched_process_fork -o "$WORK/perf.data" -- \
  "$LAUNCHER" index "$data" --db "$WORK/db/r.db" --report "$WORK/db/report" --no-progress "$@" > "$WORK/out.txt" 2>&1
grep -E '^(scan|linkage):' "$WORK/out.txt" || true
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
perf script -i "$WORK/perf.data" -F comm,pid,tid,cpu,time,event,trace 2>/dev/null | python3 "$here/index_timeline.py"
