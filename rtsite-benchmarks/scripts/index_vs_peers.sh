#!/usr/bin/env bash
# Archive indexing and header reading, side by side with honest peers, in one run (issue 16):
#   rtsite   `./rtsite index DATA --db NEW.db --report DIR --no-progress` (whole process: JVM start,
#            scan into SQLite, linkage, report); its own "scan: ... in X s" line is the header pass
#   pydicom  rtsite-benchmarks/scripts/pydicom_index.py DATA NEW.db 2 (2 processes, stop_before_pixels,
#            specific_tags, one SQLite transaction)
#   dcmdump  find DATA -type f | xargs -P2 -n 500 dcmdump -q -M +sb PixelData +P <the 8 linkage tags>
#            (-M: very long values are not loaded; +sb PixelData: parsing stops before Pixel Data, as
#            rtsite's header reader does; +P: only the searched tags are printed, to /dev/null)
# on synthetic archives (SyntheticArchive, seed 2026: 210 patients = 21,065 files; 1,000 patients =
# 100,252 files), warm (page cache holding the archive) and cold (page cache dropped before every run:
# `sync; echo 3 > /proc/sys/vm/drop_caches`, needs root; skipped, and said so, when not permitted).
# Rounds alternate the tools, and their order rotates from round to round. Prints every run, then a
# table of medians. Run from the repository root:
#   rtsite-benchmarks/scripts/index_vs_peers.sh            # ROUNDS=3 PATIENTS="210 1000" MODES="warm cold"
#   ROUNDS=1 PATIENTS=210 MODES=warm rtsite-benchmarks/scripts/index_vs_peers.sh
# BASE=/path/to/another/checkout adds its `./rtsite index` as a fourth tool ("base", e.g. main before a
# change; its launcher builds it on first use), in the same rotation. ARCHIVES="DIR..." indexes those
# folders instead of generating (PATIENTS is then ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-3}"
PATIENTS="${PATIENTS:-210 1000}"
MODES="${MODES:-warm cold}"
WORK="${WORK:-/tmp/rtsite-index-peers}"
TOOLS=(rtsite pydicom dcmdump)
if [ -n "${BASE:-}" ]; then
  TOOLS+=(base)
  "$BASE/rtsite" --version >/dev/null
fi
mkdir -p "$WORK"

jar=rtsite-benchmarks/target/benchmarks.jar
if [ -z "${ARCHIVES:-}" ] && ! (unzip -l "$jar" 2>/dev/null || true) | grep -q benchmarks/archive/GenerateArchive.class; then
  mvn -q -B -ntp -pl rtsite-benchmarks -am package -DskipTests
fi
./rtsite --version >/dev/null # builds the CLI on first use, outside the timed runs

can_drop=no
if (sync && echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then can_drop=yes; fi
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
now() { date +%s.%N; }

runs="$WORK/runs.tsv"
: > "$runs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "pydicom $(/usr/bin/python3 -c 'import pydicom; print(pydicom.__version__)'), $(dcmdump --version | head -1)"
echo "page cache drop permitted: $can_drop"

one() { # tool data mode -> appends "archive mode tool round wall header_pass"
  local tool=$1 data=$2 mode=$3 round=$4 files=$5 t0 t1 scan=""
  rm -rf "$WORK/db" && mkdir -p "$WORK/db"
  if [ "$mode" = cold ]; then drop; else warm "$data"; fi
  t0=$(now)
  case $tool in
    rtsite|base)
      launcher=./rtsite; [ "$tool" = base ] && launcher="$BASE/rtsite"
      scan=$($launcher index "$data" --db "$WORK/db/rtsite.db" --report "$WORK/db/report" --no-progress \
             | sed -n 's/^scan: .* in \([0-9.]*\) s$/\1/p') ;;
    pydicom)
      /usr/bin/python3 rtsite-benchmarks/scripts/pydicom_index.py "$data" "$WORK/db/py.db" 2 >/dev/null ;;
    dcmdump)
      find "$data" -type f -print0 | xargs -0 -P2 -n 500 dcmdump -q -M +sb PixelData +P SOPClassUID \
        +P SOPInstanceUID +P Modality +P PatientID +P StudyInstanceUID +P SeriesInstanceUID \
        +P FrameOfReferenceUID +P ImagePositionPatient >/dev/null 2>&1 || true ;;
  esac
  t1=$(now)
  local wall; wall=$(echo "$t1 - $t0" | bc -l)
  printf '%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n' "$files" "$mode" "$tool" "$round" "$wall" "${scan:--}" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$runs"
}

# one untimed run per rtsite build and archive first: the launcher trains its class-data-sharing archive
train() {
  for l in ./rtsite ${BASE:+"$BASE/rtsite"}; do
    rm -rf "$WORK/db" && mkdir -p "$WORK/db"
    $l index "$1" --db "$WORK/db/train.db" --report "$WORK/db/report" --no-progress > /dev/null
  done
}

printf 'files\tmode\ttool\tround\twall_s\tscan_s\tload\n'
if [ -n "${ARCHIVES:-}" ]; then
  set -- $ARCHIVES
else
  set --
  for p in $PATIENTS; do
    java -cp "$jar" org.rtsite.benchmarks.archive.GenerateArchive "$WORK/arch-$p" "$p" 95 >/dev/null
    set -- "$@" "$WORK/arch-$p/data"
  done
fi
for data in "$@"; do
  files=$(find "$data" -type f | wc -l)
  train "$data"
  for mode in $MODES; do
    if [ "$mode" = cold ] && [ "$can_drop" = no ]; then
      echo "cold runs skipped: /proc/sys/vm/drop_caches is not writable (run as root)"; continue
    fi
    for r in $(seq 1 "$ROUNDS"); do
      n=${#TOOLS[@]}
      for k in $(seq 0 $((n - 1))); do
        one "${TOOLS[$(( (k + r - 1) % n ))]}" "$data" "$mode" "$r" "$files"
      done
    done
  done
done

echo
echo "medians (wall = whole process; ratio = peer wall / rtsite wall, > 1: rtsite faster;"
echo "header pass: rtsite's scan line vs dcmdump's whole run)"
/usr/bin/python3 - "$runs" <<'PY'
import sys, statistics as st
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
keys = sorted({(int(r[0]), r[1]) for r in rows}, key=lambda k: (k[0], k[1] != "warm"))
print(f"{'files':>8} {'mode':5} {'rtsite s':>9} {'files/s':>8} {'pydicom s':>10} {'files/s':>8} {'ratio':>6}"
      f" {'rt scan s':>10} {'files/s':>8} {'dcmdump s':>10} {'files/s':>8} {'ratio':>6}")
for files, mode in keys:
    def med(tool, col=4):
        v = [float(r[col]) for r in rows if int(r[0]) == files and r[1] == mode and r[2] == tool and r[col] != "-"]
        return st.median(v) if v else float("nan")
    rt, py, dd, scan = med("rtsite"), med("pydicom"), med("dcmdump"), med("rtsite", 5)
    print(f"{files:8d} {mode:5} {rt:9.2f} {files/rt:8.0f} {py:10.2f} {files/py:8.0f} {py/rt:6.2f}"
          f" {scan:10.2f} {files/scan:8.0f} {dd:10.2f} {files/dd:8.0f} {dd/scan:6.2f}")
    base, bscan = med("base"), med("base", 5)
    if base == base:
        print(f"{'':8} {'':5} base: {base:.2f} s whole process ({files/base:.0f} files/s, pydicom/base {py/base:.2f}),"
              f" scan {bscan:.2f} s")
PY
