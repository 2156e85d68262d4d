#!/usr/bin/env bash
# The second seed paper's study in miniature (docs/finetune.md): phantom cohorts with a local contouring
# protocol, localized fine-tuning (LFT) of models/phantom-total-pt, VPM vs LFT on ExVal and GenEva with segeval.
# One core throughout. Not part of CI.
#   rtsite-benchmarks/scripts/finetune-study.sh [OUT] [TRAIN EXVAL GENEVA] [EPOCHS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/rtsite-finetune-study}"
ntrain="${2:-12}"; nexval="${3:-6}"; ngeneva="${4:-6}"; epochs="${5:-6}"
cd "$root"
rm -rf "$out"; mkdir -p "$out"
./rtsite --help >/dev/null                         # builds the command line if needed
export OMP_NUM_THREADS=1
opts="-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
cp="rtsite-examples/target/classes:rtsite-examples/target/lib/*"
uptime
start=$(date +%s)
java $opts -cp "$cp" org.rtsite.examples.FineTuneStudy cohorts "$out" "$ntrain" "$nexval" "$ngeneva"
t1=$(date +%s)
RTSITE_JAVA_OPTS="$opts" ./rtsite finetune -m models/phantom-total-pt -c "$out/train.csv" -l "$out/labels.csv" \
    -o "$out/lft" --epochs "$epochs" --folds 3 --lr 5e-4 --patch 64,64,32 --patches-per-case 4 --validation-patches 4
t2=$(date +%s)
java $opts -cp "$cp" org.rtsite.examples.FineTuneStudy predict "$out" models/phantom-total-pt "$out/lft"
t3=$(date +%s)
for cohort in exval geneva; do
  echo "== $cohort"
  RTSITE_JAVA_OPTS="$opts" ./rtsite segeval -c "$out/$cohort-cases.csv" -l "$out/labels.csv" -o "$out/segeval-$cohort" \
      --title "VPM vs LFT, $cohort"
done
t4=$(date +%s)
uptime
echo "seconds: cohorts $((t1-start)), finetune $((t2-t1)), predict $((t3-t2)), segeval $((t4-t3)), total $((t4-start))"
