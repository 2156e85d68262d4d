#!/usr/bin/env bash
# Header-only parsing, files per second on one core: rtsite (JMH HeaderParseBenchmark) and pydicom
# (dcmread(stop_before_pixels=True, force=True)) on the same folder. Run from the repository root:
#   rtsite-dicom/scripts/bench-header.sh [FOLDER]
set -euo pipefail
folder="${1:-rtsite-dicom/src/test/resources/public-rt}"
mvn -q -B -ntp -pl rtsite-benchmarks -am package -DskipTests
echo "== pydicom $(/usr/bin/python3 -c 'import pydicom; print(pydicom.__version__)') on $folder"
taskset -c 0 /usr/bin/python3 - "$folder" <<'PY'
import pathlib, sys, time
import pydicom
files = sorted(p for p in pathlib.Path(sys.argv[1]).rglob("*.dcm") if "truncated" not in p.name)
def run(seconds):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for f in files:
            pydicom.dcmread(f, stop_before_pixels=True, force=True)
            n += 1
    return n / (time.perf_counter() - t0)
run(2)  # warm-up
rates = [run(2) for _ in range(5)]
print(f"pydicom files/s: {sum(rates)/len(rates):.0f} (runs: {', '.join(f'{r:.0f}' for r in rates)}; {len(files)} files)")
PY
echo "== rtsite (JMH, 1 fork, 1 thread, pinned to CPU 0)"
taskset -c 0 java -Djmh.ignoreLock=true -jar rtsite-benchmarks/target/benchmarks.jar 'dicom.HeaderParseBenchmark' -p folder="$folder" -rf text -rff /tmp/jmh-dicom-header.txt
