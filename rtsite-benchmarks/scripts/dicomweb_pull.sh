#!/usr/bin/env bash
# DICOMweb pull benchmark (docs/PERFORMANCE.md, "DICOMweb pull"): instances/s that `rtsite pull` fetches from a
# local Orthanc (DICOMweb plugin) holding the quick-start archive, against curl fetching the same instances over
# the same WADO-RS API, (a) one request per instance, 2 at a time (one curl process, --parallel-max 2),
# (b) one multipart request per series, 2 at a time (xargs -P2; bytes saved as they come, not split into files). Rounds alternate the three, each into a fresh folder,
# and every timing includes the process start and the QIDO listing.
#   [ARCHIVE=DIR] rtsite-benchmarks/scripts/dicomweb_pull.sh [ROUNDS]      (needs: orthanc, orthanc-dicomweb, curl, python3)
# ARCHIVE: upload that folder's *.dcm files instead of the quick-start archive (421 instances).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-5}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); dicom=$(port)
plugin=$(dpkg -L orthanc-dicomweb | grep '/plugins/.*\.so$' | head -1)
mkdir -p "$work/storage"
cat > "$work/orthanc.json" <<JSON
{"Name": "bench", "StorageDirectory": "$work/storage", "IndexDirectory": "$work/storage", "HttpPort": $http,
 "DicomPort": $dicom, "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": ["$plugin"],
 "DicomWeb": {"Enable": true, "Root": "/dicom-web/"}}
JSON
/usr/sbin/Orthanc "$work/orthanc.json" > "$work/orthanc.log" 2>&1 & pid=$!
base="http://127.0.0.1:$http"
for _ in $(seq 100); do curl -sf "$base/system" >/dev/null && break; sleep 0.1; done
if [ -n "${ARCHIVE:-}" ]; then
  src="$ARCHIVE"   # any folder of DICOM files, e.g. a part of a SyntheticArchive (docs/PERFORMANCE.md)
else
  (cd "$here" && ./rtsite quickstart --work "$work/q" >/dev/null)
  src="$work/q/archive"
fi
find "$src" -type f -print0 | xargs -0 -P2 -I{} curl -sf -o /dev/null -X POST --data-binary @{} "$base/instances" || true  # files Orthanc refuses (not DICOM) stay out
n=$(curl -s "$base/statistics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["CountInstances"])')
ex="$here/rtsite-examples/target"
web="$base/dicom-web"
accept='Accept: multipart/related; type="application/dicom"; transfer-syntax=*'
echo "instances on the server: $n; $(nproc) cores; $(uptime | sed 's/.*load/load/')"
now() { date +%s.%N; }
rate() { python3 -c "import sys; print('%.1f' % ($1 / ($3 - $2)))"; }
for r in $(seq "$rounds"); do
  t0=$(now)
  java -cp "$ex/classes:$ex/lib/*" org.rtsite.examples.RtsiteCli pull --dicomweb "$web" --into "$work/rt$r" \
    --no-progress > "$work/rt$r.log"
  t1=$(now)
  got=$(find "$work/rt$r" -name '*.dcm' | wc -l)
  inproc=$(grep -o '[0-9.]* instances/s' "$work/rt$r.log")
  mkdir -p "$work/ci$r"
  t2=$(now)
  # one curl process, 2 transfers at a time over kept-alive connections (faster than a curl per instance)
  curl -s "$web/instances?limit=100000" | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    sop = d["00080018"]["Value"][0]
    print("url = \"%s/studies/%s/series/%s/instances/%s\"\noutput = \"%s/%s.part\"" % (sys.argv[1],
          d["0020000D"]["Value"][0], d["0020000E"]["Value"][0], sop, sys.argv[2], sop))' "$web" "$work/ci$r" \
    > "$work/ci$r.cfg"
  curl -s --fail --parallel --parallel-max 2 -H "$accept" -K "$work/ci$r.cfg"
  t3=$(now)
  gotc=$(ls "$work/ci$r" | wc -l)
  mkdir -p "$work/cs$r"
  t4=$(now)
  curl -s "$web/series" | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    print("/studies/%s/series/%s" % (d["0020000D"]["Value"][0], d["0020000E"]["Value"][0]))' \
    | xargs -P2 -I{} sh -c 'curl -sf -H "$1" -o "$2/$(basename {}).multipart" "$3{}"' _ "$accept" "$work/cs$r" "$web"
  t5=$(now)
  echo "round $r: rtsite pull $got instances $(rate "$got" "$t0" "$t1")/s (in-process: $inproc) |" \
       "curl --parallel-max 2 per instance $gotc $(rate "$gotc" "$t2" "$t3")/s | curl -P2 per series $(rate "$n" "$t4" "$t5")/s"
done
echo "$(uptime | sed 's/.*load/load/')"
