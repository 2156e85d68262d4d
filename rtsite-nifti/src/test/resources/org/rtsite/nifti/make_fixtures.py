"""Writes NIfTI-1 fixtures with numpy and struct only (no nibabel), and the expected LPS grids.

Usage: make_fixtures.py OUTDIR. For each file a line of expected.txt holds: name nx ny nz, the
12 numbers of the voxel -> LPS mm affine (row-major 3x4), then probes "i j k value" (scaled).
"""
import gzip
import struct
import sys

import numpy as np

CODES = {np.uint8: 2, np.int16: 4, np.int32: 8, np.float32: 16, np.float64: 64}


def rot(axis, deg):
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    x, y, z = np.asarray(axis, float) / np.linalg.norm(axis)
    return np.array([[c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
                     [y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s],
                     [z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)]])


def quat_to_rot(b, c, d):
    a = np.sqrt(max(0.0, 1.0 - (b * b + c * c + d * d)))
    return np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]])


def header(e, data, pixdim, sform=None, qform=None, slope=0.0, inter=0.0, units=2):
    h = bytearray(352)
    struct.pack_into(e + 'i', h, 0, 348)
    nx, ny, nz = data.shape[::-1]  # numpy array is [k, j, i]: i fastest on disk
    struct.pack_into(e + '8h', h, 40, 3, nx, ny, nz, 1, 1, 1, 1)
    struct.pack_into(e + 'hh', h, 70, CODES[data.dtype.type], data.dtype.itemsize * 8)
    struct.pack_into(e + '8f', h, 76, *pixdim)
    struct.pack_into(e + 'fff', h, 108, 352.0, slope, inter)
    struct.pack_into('B', h, 123, units)
    if qform is not None:
        b, c, d, qx, qy, qz = qform
        struct.pack_into(e + 'h', h, 252, 1)
        struct.pack_into(e + '6f', h, 256, b, c, d, qx, qy, qz)
    if sform is not None:
        struct.pack_into(e + 'h', h, 254, 1)
        struct.pack_into(e + '12f', h, 280, *np.asarray(sform, np.float32).ravel())
    h[344:348] = b'n+1\0'
    return bytes(h)


def write(path, hdr, data, e):
    body = hdr + data.astype(data.dtype.newbyteorder(e)).tobytes()
    if path.endswith('.gz'):
        with gzip.open(path, 'wb') as f:
            f.write(body)
    else:
        with open(path, 'wb') as f:
            f.write(body)


def expected(out, name, data, ras, unit, scale=(1.0, 0.0)):
    lps = np.diag([-unit, -unit, unit]) @ np.asarray(ras, np.float64)
    nz, ny, nx = data.shape
    probes = []
    rng = np.random.default_rng(len(name))
    for _ in range(6):
        k, j, i = rng.integers(nz), rng.integers(ny), rng.integers(nx)
        v = float(data[k, j, i])
        if scale[0] != 0:
            v = v * scale[0] + scale[1]
        probes.append('%d %d %d %.9g' % (i, j, k, v))
    out.write('%s %d %d %d %s %s\n' % (name, nx, ny, nz, ' '.join('%.9g' % x for x in lps.ravel()),
                                      ' '.join(probes)))


def main(outdir):
    rng = np.random.default_rng(7)
    with open(outdir + '/expected.txt', 'w') as out:
        # 1. oblique sform, anisotropic, int16 with scl_slope/inter, little endian
        d = rng.integers(-1000, 3000, size=(7, 6, 5)).astype(np.int16)
        lin = rot([1, 2, 3], 25) @ np.diag([0.9, 1.3, 2.5])
        s = np.hstack([lin, [[-40.5], [22.25], [-130.0]]]).astype(np.float32).astype(np.float64)
        write(outdir + '/oblique_int16_scaled.nii', header('<', d, [1, .9, 1.3, 2.5, 0, 0, 0, 0], sform=s,
                                                           slope=2.0, inter=-10.0), d, '<')
        expected(out, 'oblique_int16_scaled.nii', d, s, 1.0, (2.0, -10.0))
        # 2. flipped axes (x and y decreasing in RAS, as DICOM-converted CTs), gzip, uint8 labels
        d = rng.integers(0, 5, size=(4, 9, 8)).astype(np.uint8)
        s = np.array([[-0.75, 0, 0, 120.0], [0, -0.75, 0, 95.5], [0, 0, 3.0, -60.0]])
        write(outdir + '/flipped_uint8_labels.nii.gz', header('<', d, [1, .75, .75, 3, 0, 0, 0, 0], sform=s), d, '<')
        expected(out, 'flipped_uint8_labels.nii.gz', d, s, 1.0)
        # 3. qform only, qfac -1, rotated, big endian float32
        b, c, dd = 0.1, -0.2, 0.3
        r = quat_to_rot(b, c, dd)
        lin = r @ np.diag([1.1, 0.8, -2.0])  # qfac = -1 flips the third column
        q = np.hstack([lin, [[10.0], [-20.0], [30.0]]])
        d = rng.normal(size=(5, 4, 6)).astype(np.float32)
        write(outdir + '/qform_float32_be.nii', header('>', d, [-1, 1.1, 0.8, 2.0, 0, 0, 0, 0],
                                                       qform=(b, c, dd, 10.0, -20.0, 30.0)), d, '>')
        expected(out, 'qform_float32_be.nii', d, q, 1.0)
        # 4. float64 with the spatial unit in metres
        d = rng.normal(size=(3, 4, 5)).astype(np.float64)
        s = np.array([[0.001, 0, 0, 0.01], [0, 0.002, 0, -0.02], [0, 0, 0.004, 0.5]])
        write(outdir + '/metres_float64.nii', header('<', d, [1, .001, .002, .004, 0, 0, 0, 0], sform=s, units=1), d, '<')
        expected(out, 'metres_float64.nii', d, s, 1000.0)
        # 5. int32, gzip, axis-aligned
        d = rng.integers(-100000, 100000, size=(2, 3, 4)).astype(np.int32)
        s = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]])
        write(outdir + '/plain_int32.nii.gz', header('<', d, [1, 1, 1, 1, 0, 0, 0, 0], sform=s), d, '<')
        expected(out, 'plain_int32.nii.gz', d, s, 1.0)


if __name__ == '__main__':
    main(sys.argv[1])
