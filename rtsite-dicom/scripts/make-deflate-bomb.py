#!/usr/bin/python3
"""Writes a deflate bomb: a DICOM file in Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99)
whose Pixel Data is a run of zeros that inflates far beyond what the compressed file suggests
(1.5 GiB of zeros compress to about 1.5 MB at zlib level 9). Tests use it to check that readers
refuse it quickly, naming the file and the limit, without running out of memory.

Usage: make-deflate-bomb.py TEMPLATE.dcm OUT.dcm [MIB_OF_ZEROS]   (default 1536 MiB)

Every element of TEMPLATE (read by pydicom) except Pixel Data is kept, so the bomb links like the
template (same UIDs); Pixel Data is written last as OB with the full run's length. The zeros are
streamed through zlib, so this script needs little memory (a few seconds of CPU for 1.5 GiB).
"""
import struct
import sys
import zlib

import pydicom
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset, write_file_meta_info

DEFLATED = "1.2.840.10008.1.2.1.99"


def main(template, out, mib):
    ds = pydicom.dcmread(template)
    if "PixelData" in ds:
        del ds.PixelData
    zeros = mib << 20
    meta = pydicom.dataset.FileMetaDataset(ds.file_meta)
    meta.TransferSyntaxUID = DEFLATED
    head = DicomBytesIO()
    head.is_little_endian = True
    head.is_implicit_VR = False
    write_dataset(head, ds)
    # Pixel Data, OB, 4-byte length: explicit VR little endian element header
    pixel_header = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OB", 0, zeros)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as PS3.5 A.5 requires
    with open(out, "wb") as f:
        f.write(b"\0" * 128 + b"DICM")
        mb = DicomBytesIO()
        mb.is_little_endian = True
        mb.is_implicit_VR = False
        write_file_meta_info(mb, meta, enforce_standard=True)
        f.write(mb.getvalue())
        f.write(z.compress(head.getvalue() + pixel_header))
        chunk = bytes(1 << 20)
        for _ in range(mib):
            f.write(z.compress(chunk))
        f.write(z.flush())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1536)
