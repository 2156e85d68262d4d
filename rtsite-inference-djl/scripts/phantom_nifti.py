"""Reads FineTuneStudy organs cases (gzipped NIfTI-1) onto the phantom network's grid, for the scripts beside it."""
import gzip
import struct

import numpy as np
import torch
import torch.nn.functional as F


def read_nifti(path):
    """The volume (array in i, j, k order) and its srow affine; enough for FineTuneStudy's files."""
    b = gzip.open(path).read()
    dims = struct.unpack('<8h', b[40:56])
    dt = struct.unpack('<h', b[70:72])[0]
    off = int(struct.unpack('<f', b[108:112])[0])
    slope, inter = struct.unpack('<2f', b[112:120])
    srow = np.array(struct.unpack('<12f', b[280:328])).reshape(3, 4)
    shape = dims[1:1 + dims[0]]
    dtype = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 512: np.uint16, 256: np.int8}[dt]
    a = np.frombuffer(b, dtype=dtype, offset=off, count=int(np.prod(shape))).reshape(shape[::-1]).T
    if slope != 0.0:
        a = a * slope + inter
    return a, srow


def network_grid(path, label):
    """The volume resampled to 3 mm (trilinear; a label map nearest) with RAS tensor axes (growing right, anterior,
    superior): FineTuneStudy's NIfTI files have i growing to the left and j to posterior."""
    a, s = read_nifti(path)
    a = a[::-1, ::-1, :].copy()
    t = torch.from_numpy(a.astype(np.float32))[None, None]
    size = [int(round(a.shape[i] * abs(s[i, i]) / 3.0)) for i in range(3)]
    if label:
        t = F.interpolate(t, size=size, mode='nearest')
        return np.rint(t[0, 0].numpy())
    return F.interpolate(t, size=size, mode='trilinear', align_corners=False)[0, 0].numpy()
