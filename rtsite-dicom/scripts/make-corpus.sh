#!/usr/bin/env bash
# Regenerates the transfer-syntax corpus in src/test/resources/corpus: rtsite writes fixtures
# (CorpusFixtures, explicit VR little endian), dcmtk converts them into every syntax rtsite reads,
# and dcmdump's view of each file is recorded beside it (*.dcmdump) for CorpusTest to compare.
# Needs dcmtk (dcmconv, dcmcrle, dcmcjpeg, dcmcjpls, dcmdump). Run from anywhere:
#   rtsite-dicom/scripts/make-corpus.sh
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
out="$module/src/test/resources/corpus"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && mvn -q -B -ntp -pl rtsite-dicom -am test-compile)
cp_="$module/target/classes:$module/target/test-classes:$root/rtsite-core/target/classes"
cp_="$cp_:$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar)"
java -cp "$cp_" org.rtsite.dicom.CorpusFixtures "$tmp"

rm -rf "$out" && mkdir -p "$out"
for base in ct16 ct16s ct8 rgb8 dose32 dose16 rtstruct latin1; do
  cp "$tmp/$base.dcm" "$out/$base.explicit-le.dcm"
  dcmconv +ti "$tmp/$base.dcm" "$out/$base.implicit-le.dcm"
  dcmconv +tb "$tmp/$base.dcm" "$out/$base.explicit-be.dcm"
  dcmconv +td "$tmp/$base.dcm" "$out/$base.deflated.dcm"
done
for base in ct16 ct16s ct8 rgb8 dose32; do
  dcmcrle "$tmp/$base.dcm" "$out/$base.rle.dcm"
done
dcmcjpeg +eb "$tmp/ct8.dcm" "$out/ct8.jpeg-baseline.dcm"
dcmcjpeg +el "$tmp/ct16.dcm" "$out/ct16.jpeg-lossless.dcm"
dcmcjpeg +e1 "$tmp/ct16.dcm" "$out/ct16.jpeg-lossless-sv1.dcm"
dcmcjpeg +el "$tmp/ct16s.dcm" "$out/ct16s.jpeg-lossless.dcm"
dcmcjpeg +e1 "$tmp/ct16s.dcm" "$out/ct16s.jpeg-lossless-sv1.dcm"
dcmcjpeg +e1 "$tmp/ct8.dcm" "$out/ct8.jpeg-lossless-sv1.dcm"
dcmcjpls +el "$tmp/ct16.dcm" "$out/ct16.jpeg-ls.dcm"
# multi-frame, 1 KiB fragments (several per frame): with the Basic Offset Table and with it left empty
dcmcjpeg +el +fs 1 "$tmp/dose16.dcm" "$out/dose16.jpeg-lossless-fragments.dcm"
dcmcjpeg +el +fs 1 -ot "$tmp/dose16.dcm" "$out/dose16.jpeg-lossless-fragments-no-bot.dcm"
dcmcrle "$tmp/dose16.dcm" "$out/dose16.rle.dcm"
# JPEG 2000: no dcmtk encoder in Debian; Pillow (OpenJPEG) encodes, pydicom encapsulates.
/usr/bin/python3 "$module/scripts/make-j2k.py" "$tmp/ct16.dcm" "$out/ct16.jpeg2000.dcm"
for f in "$out"/*.dcm; do
  dcmdump -Un +L "$f" > "${f%.dcm}.dcmdump"
done
echo "corpus: $(ls "$out"/*.dcm | wc -l) files in $out"
