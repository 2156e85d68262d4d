#!/usr/bin/env bash
# Seconds per fine-tuning step (forward, backward, Adam) of a package's network run two ways, alternating in one JVM:
# the whole batch in one pass on PyTorch's native 3-D convolutions (--micro-batch 0; oneDNN off, its backward pass
# is wrong above batch 1 in libtorch 2.7.1) and micro-batches of one patch on oneDNN's (--micro-batch 1, the
# default), docs/finetune.md. Not part of CI.
#   rtsite-benchmarks/scripts/finetune-step.sh [PACKAGE] [ROUNDS] [STEPS] [BATCH] [PATCH0 PATCH1 PATCH2] [THREADS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="${1:-models/phantom-total-pt}"; rounds="${2:-2}"; steps="${3:-3}"; batch="${4:-4}"
p0="${5:-64}"; p1="${6:-64}"; p2="${7:-32}"; threads="${8:-1}"
cd "$root"
. rtsite-benchmarks/scripts/inference-test-classpath.sh
inference_test_classpath
export OMP_NUM_THREADS="$threads"
uptime
java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.rtsite.inference.training.TrainStepTiming \
    "$pkg" "$rounds" "$steps" "$batch" "$p0" "$p1" "$p2"
uptime
