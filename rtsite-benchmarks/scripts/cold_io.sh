#!/usr/bin/env bash
# What the disk does during one cold run of a command (issue 16 item 3, "Indexing, seventh round: cold" in
# docs/PERFORMANCE.md): drops the page cache (needs root), runs the command, and prints the deltas of the
# block device's /proc/diskstats (reads completed, merged, sectors read, ms reading, ms busy) and of
# /proc/vmstat (pgpgin, pgmajfault), with the run's wall and a timeline of reads per 100 ms.
#   DEV=vda rtsite-benchmarks/scripts/cold_io.sh COMMAND ARGS...
#   (WARM=1: do not drop the page cache; TIMELINE=0: no timeline)
# e.g. flock /tmp/rtsite-bench.lock rtsite-benchmarks/scripts/cold_io.sh ./rtsite index /tmp/a20k/data --db /tmp/x/r.db \
#        --report /tmp/x/rep --no-progress
# Whatever else reads the disk meanwhile is counted too: run it on a quiet machine, or say what else ran.
set -euo pipefail
DEV="${DEV:-$(lsblk -no pkname "$(findmnt -no source /)" 2>/dev/null || echo vda)}"
[ -n "$DEV" ] || DEV=vda
disk() { awk -v d="$DEV" '$3 == d {print $4, $5, $6, $7, $13}' /proc/diskstats; }
vm() { awk '$1 == "pgpgin" || $1 == "pgmajfault" {printf "%s ", $2} END {print ""}' /proc/vmstat; }
if [ "${WARM:-0}" != 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
tl=$(mktemp)
if [ "${TIMELINE:-1}" = 1 ]; then
  # bash builtins only (a process started every 100 ms would take CPU from the run measured)
  ( exec 3<> <(:); while :; do
      read -r -a c < /proc/stat # cpu user nice system idle iowait (jiffies)
      while read -r -a f; do [ "${f[2]}" = "$DEV" ] && printf '%s %s %s %s %s %s %s %s %s\n' "${EPOCHREALTIME/./}" \
        "${f[3]}" "${f[4]}" "${f[5]}" "${f[6]}" "${f[12]}" $((c[1] + c[2])) "${c[3]}" $((c[4] + c[5])); done < /proc/diskstats
      read -r -t 0.1 -u 3 || true; done ) > "$tl" &
  sampler=$!
fi
read -r r0 m0 s0 t0 b0 <<< "$(disk)"; read -r p0 f0 <<< "$(vm)"
w0=$(date +%s%N)
"$@" > /dev/null
w1=$(date +%s%N)
read -r r1 m1 s1 t1 b1 <<< "$(disk)"; read -r p1 f1 <<< "$(vm)"
if [ -n "${sampler:-}" ]; then kill "$sampler"; wait "$sampler" 2>/dev/null || true; fi
wall=$(( (w1 - w0) / 1000000 ))
echo "start_epoch_ms $((w0 / 1000000))"
reads=$((r1 - r0)); kib=$(( (s1 - s0) / 2 ))
printf 'wall_ms %d  reads %d  merged %d  KiB_read %d  KiB_per_read %.1f  ms_reading %d  ms_busy %d  pgpgin_KiB %d  pgmajfault %d  reads_per_s %.0f\n' \
  "$wall" "$reads" $((m1 - m0)) "$kib" "$(echo "$kib / ($reads + 0.0001)" | bc -l)" $((t1 - t0)) $((b1 - b0)) \
  $((p1 - p0)) $((f1 - f0)) "$(echo "$reads * 1000 / $wall" | bc -l)"
if [ "${TIMELINE:-1}" = 1 ]; then
  echo "timeline (ms from start: reads, KiB, and the CPUs' user, system, idle + iowait jiffies in the 100 ms before)"
  awk -v w0="$w0" 'NR > 1 {printf "  %6d: %5d %7d  u%3d s%3d i%3d\n", ($1 * 1000 - w0) / 1e6, $2 - r, ($4 - s) / 2, $7 - u,
    $8 - y, $9 - i} {r = $2; s = $4; u = $7; y = $8; i = $9}' "$tl"
fi
rm -f "$tl"
