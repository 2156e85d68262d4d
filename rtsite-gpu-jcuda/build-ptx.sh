#!/bin/sh
# Regenerates the committed PTX of the overlap kernel and the source digest that
# PtxFreshnessTest checks. Run from anywhere after editing src/main/cuda/overlap.cu.
set -eu
cd "$(dirname "$0")"
NVCC="${NVCC:-nvcc}"
OUT=src/main/resources/org/rtsite/gpu
"$NVCC" -ptx -arch=compute_75 -o "$OUT/overlap.ptx" src/main/cuda/overlap.cu
sha256sum src/main/cuda/overlap.cu | cut -d' ' -f1 > "$OUT/overlap.cu.sha256"
grep -m1 '^\.version' "$OUT/overlap.ptx"
echo "wrote $OUT/overlap.ptx and $OUT/overlap.cu.sha256"
