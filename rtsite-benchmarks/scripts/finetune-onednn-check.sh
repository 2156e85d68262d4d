#!/usr/bin/env bash
# Whether oneDNN's 3-D convolution backward pass gives a package network's gradients on this CPU, at batch 1 (what
# fine-tuning's default --micro-batch 1 runs) and at batch 2: per parameter, the largest difference between the
# gradients with oneDNN on and with PyTorch's native kernels, and central differences of the loss for the first
# entries of the stem's convolution and batch norm (docs/finetune.md, "Micro-batches"). Not part of CI.
#   rtsite-benchmarks/scripts/finetune-onednn-check.sh [PACKAGE] [PATCH0 PATCH1 PATCH2] [THREADS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="${1:-models/phantom-total-pt}"; p0="${2:-64}"; p1="${3:-64}"; p2="${4:-32}"; threads="${5:-2}"
cd "$root"
. rtsite-benchmarks/scripts/inference-test-classpath.sh
inference_test_classpath
export OMP_NUM_THREADS="$threads"
grep -m1 'model name' /proc/cpuinfo || true
for batch in 1 2; do
  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.rtsite.inference.training.OneDnnBatchCheck \
      "$pkg" "$batch" "$p0" "$p1" "$p2" stem.0.weight stem.1.weight
done
