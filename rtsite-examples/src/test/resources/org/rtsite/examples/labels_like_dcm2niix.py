#!/usr/bin/python3
"""Writes a label map the way a segmenter run on dcm2niix's NIfTI would: on that file's voxels, in its
index order, with its header (datatype set to uint8). Independent of rtsite's own re-indexing: the
labels come from a label map on the CT grid, matched voxel by voxel through the two sform affines.

usage: labels_like_dcm2niix.py CT_NII LABELS_NII OUT_NII [STEP | ras]
  STEP > 1 keeps every STEP-th voxel along each axis (a genuinely different, coarser grid);
  ras stores the voxels in RAS+ order instead, as nibabel's as_closest_canonical does (axes
  permuted and flipped, the same voxel centres).
Only numpy and the standard library: NIfTI-1, little endian, sform_code > 0.
"""
import gzip
import struct
import sys

import numpy as np

DTYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 256: np.int8, 512: np.uint16}


def read(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        raw = f.read()
    if struct.unpack_from("<i", raw, 0)[0] != 348:
        sys.exit(f"{path}: not a little-endian NIfTI-1 file")
    dim = struct.unpack_from("<8h", raw, 40)
    datatype = struct.unpack_from("<h", raw, 70)[0]
    vox_offset = int(struct.unpack_from("<f", raw, 108)[0])
    sform_code = struct.unpack_from("<h", raw, 254)[0]
    if sform_code <= 0:
        sys.exit(f"{path}: no sform")
    srow = np.array(struct.unpack_from("<12f", raw, 280), dtype=np.float64).reshape(3, 4)
    affine = np.vstack([srow, [0, 0, 0, 1]])
    shape = tuple(dim[1:4])
    n = shape[0] * shape[1] * shape[2]
    data = np.frombuffer(raw, dtype=DTYPES[datatype], count=n, offset=vox_offset).reshape(shape, order="F")
    return raw, shape, affine, data


def closest_canonical(data, affine):
    """The same voxels with axes permuted and flipped so that i, j, k run towards R, A, S."""
    world_axis = [int(np.argmax(np.abs(affine[:3, c]))) for c in range(3)]
    if sorted(world_axis) != [0, 1, 2]:
        sys.exit("oblique affine")
    order = [world_axis.index(w) for w in range(3)]
    data = np.transpose(data, order)
    new = np.eye(4)
    new[:3, 3] = affine[:3, 3]
    for w, c in enumerate(order):
        col = affine[:3, c]
        if col[w] < 0:
            new[:3, 3] += col * (data.shape[w] - 1)
            col = -col
            data = np.flip(data, axis=w)
        new[:3, w] = col
    return np.ascontiguousarray(data), new


def main():
    ct_path, labels_path, out_path = sys.argv[1:4]
    mode = sys.argv[4] if len(sys.argv) > 4 else "1"
    step = 1 if mode == "ras" else int(mode)
    ct_raw, ct_shape, ct_affine, _ = read(ct_path)
    _, lab_shape, lab_affine, labels = read(labels_path)

    shape = tuple((s + step - 1) // step for s in ct_shape)
    affine = ct_affine.copy()
    affine[:3, :3] *= step
    idx = np.indices(shape).reshape(3, -1)
    world = affine @ np.vstack([idx, np.ones(idx.shape[1])])
    src = (np.linalg.inv(lab_affine) @ world)[:3]
    near = np.rint(src)
    off = np.abs(src - near).max()
    if off > 1e-3:
        sys.exit(f"{labels_path} and {ct_path} do not share voxel centres (off by {off} voxels)")
    near = near.astype(np.int64)
    inside = np.all((near >= 0) & (near < np.array(lab_shape)[:, None]), axis=0)
    if not inside.all():
        sys.exit(f"{np.count_nonzero(~inside)} voxels of {ct_path} lie outside {labels_path}")
    out = labels[near[0], near[1], near[2]].astype(np.uint8).reshape(shape)
    if mode == "ras":
        out, affine = closest_canonical(out, affine)
        shape = out.shape

    header = bytearray(ct_raw[:348])
    struct.pack_into("<8h", header, 40, 3, *shape, 1, 1, 1, 1)
    struct.pack_into("<h", header, 70, 2)          # datatype uint8
    struct.pack_into("<h", header, 72, 8)          # bitpix
    struct.pack_into("<3f", header, 80, *np.linalg.norm(affine[:3, :3], axis=0))  # pixdim
    if mode == "ras":
        struct.pack_into("<h", header, 252, 0)     # qform_code: dcm2niix's quaternion no longer describes the voxels
    struct.pack_into("<f", header, 108, 352.0)     # vox_offset
    struct.pack_into("<2f", header, 112, 1.0, 0.0)  # scl_slope, scl_inter
    struct.pack_into("<2f", header, 124, 0.0, 0.0)  # cal_max, cal_min
    struct.pack_into("<12f", header, 280, *affine[:3].reshape(-1))
    with gzip.open(out_path, "wb") as f:
        f.write(bytes(header) + b"\0\0\0\0" + out.tobytes(order="F"))


if __name__ == "__main__":
    main()
