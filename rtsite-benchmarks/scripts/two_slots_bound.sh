#!/usr/bin/env bash
# What two task slots could give on this machine, beside what Spark's give, in the same minutes (issue 17;
# docs/PERFORMANCE.md, "Spark, ninth round"). In rotating order, each round:
#   A   one `rtsite classify -j 1` alone: one plan at a time, one engine thread (OMP_NUM_THREADS=1,
#       -XX:ActiveProcessorCount=1), the second core free for the JVM's own threads as in `local[1]`
#   B   two such processes at once on the same plans: a perfect two-slot scheduler (no coordination, no shared JVM);
#       2 x A / the slower of the two is the plans/s ratio it reaches
#   S1  `rtsite spark classify --master local[1]`      S2  the same with local[2]
# Prints each row's classification phase (`done: ... (X s)`, Spark's classify stage) and wall / user / sys s.
#   ROOT=/tmp/spark6-bench/clinical-16 SEGMENTER=models/phantom-total-pt ROUNDS=4 \
#     rtsite-benchmarks/scripts/two_slots_bound.sh
# ROWS="A B S1 S2" picks rows (e.g. ROWS="A B J2": J2 = `rtsite classify -j 2`, one JVM with two plans at once).
set -u
cd "$(dirname "$0")/../.."
root="${ROOT:?ROOT=an archive folder}"
work="${WORK:-/tmp/rtsite-two-slots}"
mkdir -p "$work"
seg=(); [ -n "${SEGMENTER:-}" ] && seg=(--segmenter "$SEGMENTER")
phase() { sed -n -e 's/^done: .*(\([0-9.]*\) s)$/\1/p' -e 's/^classify: .*(\([0-9.]*\) s: .*/\1/p' "$1"; }
cls() { # tag workers [env...]
  local tag=$1 j=$2; shift 2
  rm -rf "$work/$tag"*
  env "$@" /usr/bin/time -o "$work/$tag.time" -f "%e %U %S" ./rtsite classify "$root" --db "$work/$tag.db" \
    "${seg[@]}" -j "$j" --no-progress > "$work/$tag.out" 2>&1
  printf '%s phase %s wall/user/sys %s\n' "$tag" "$(phase "$work/$tag.out")" "$(cat "$work/$tag.time")"
}
one() { cls "$1" 1 OMP_NUM_THREADS=1 RTSITE_JAVA_OPTS="-XX:ActiveProcessorCount=1 ${RTSITE_JAVA_OPTS:-}"; }
spk() { # slots
  rm -rf "$work/s$1"
  /usr/bin/time -o "$work/s$1.time" -f "%e %U %S" ./rtsite spark classify "$root" --out "$work/s$1" \
    --master "local[$1]" --backend cpu "${seg[@]}" > "$work/s$1.out" 2>&1
  printf 'S%s phase %s wall/user/sys %s\n' "$1" "$(phase "$work/s$1.out")" "$(cat "$work/s$1.time")"
}
row() { case $1 in A) one alone ;; B) one p1 & one p2 & wait ;; J2) cls j2 2 ;; S1) spk 1 ;; S2) spk 2 ;; esac; }
./rtsite --version > /dev/null && ./rtsite spark --help > /dev/null 2>&1 # builds outside the rows
read -r -a rows <<< "${ROWS:-A B S1 S2}"
for r in $(seq 1 "${ROUNDS:-4}"); do
  order=("${rows[@]}")
  if [ $((r % 2)) = 0 ]; then order=(); for ((i = ${#rows[@]} - 1; i >= 0; i--)); do order+=("${rows[i]}"); done; fi
  for c in "${order[@]}"; do echo "== round $r $c $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; row "$c"; done
done
