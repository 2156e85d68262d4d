#!/usr/bin/python3
"""JPEG 2000 variant of a corpus file: dcmtk has no JPEG 2000 encoder (dcmcjp2k is not in Debian),
so Pillow's OpenJPEG writes the lossless codestream and pydicom encapsulates it.
Usage: make-j2k.py IN.dcm OUT.dcm  (16-bit single-frame monochrome input)."""
import io
import sys

import numpy as np
import pydicom
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.uid import JPEG2000Lossless

src, dst = sys.argv[1], sys.argv[2]
ds = pydicom.dcmread(src)
pixels = ds.pixel_array.astype(np.uint16)
img = Image.fromarray(pixels, mode="I;16")
buf = io.BytesIO()
img.save(buf, format="JPEG2000", irreversible=False, no_jp2=True)
ds.PixelData = encapsulate([buf.getvalue()])
ds["PixelData"].VR = "OB"
ds["PixelData"].is_undefined_length = True
ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
ds.is_implicit_VR = False
ds.is_little_endian = True
ds.save_as(dst, write_like_original=False)
