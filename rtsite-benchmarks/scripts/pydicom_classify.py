#!/usr/bin/python3
"""One plan's overlap metrics with pydicom + numpy, as a competent user would write them.

The peer of `rtsite classify` on one plan folder (docs/PERFORMANCE.md, "End to end" and "Start-up"):
reads the CT series (pixels, rescaled to HU), the RTDOSE, the RTPLAN and the RTSTRUCT; z-crops the CT
to the slices within 50 % of Dmax (+2 slices, at least 10 cm); rasterizes every ROI on the CT grid
(vectorised even-odd scanline fill, holes by parity, every slice); resamples the dose trilinearly onto
the cropped CT grid; cuts to the V50 box; counts |O|, |O n V85|, |O n V50| per ROI and writes score
and Dice per organ as JSON. No region decision tree (a few comparisons, no measurable cost).
Axial CTs only (like every plan rtsite's benchmarks use). Prints stage times to stderr.

usage: pydicom_classify.py PLAN_DIR OUT.json
"""
import json
import os
import sys
import time

import numpy as np
import pydicom


def rasterize(roi_contours, x0, y0, dx, dy, nx, ny, zs):
    """Even-odd fill of every closed planar contour of one ROI; pixel centres inside are set."""
    mask = np.zeros((len(zs), ny, nx), dtype=bool)
    by_slice = {}
    for pts in roi_contours:
        k = int(np.argmin(np.abs(zs - pts[0, 2])))
        if abs(zs[k] - pts[0, 2]) > 0.5 * (zs[1] - zs[0] if len(zs) > 1 else 1):
            continue
        by_slice.setdefault(k, []).append(pts)
    for k, contours in by_slice.items():
        toggles = np.zeros((ny, nx + 1), dtype=np.int32)
        for pts in contours:
            px = (pts[:, 0] - x0) / dx
            py = (pts[:, 1] - y0) / dy
            x1, y1 = px, py
            x2, y2 = np.roll(px, -1), np.roll(py, -1)
            lo = max(int(np.floor(py.min())), 0)
            hi = min(int(np.ceil(py.max())), ny - 1)
            if hi < lo:
                continue
            rows = np.arange(lo, hi + 1, dtype=np.float64)
            up = (y1[:, None] <= rows[None, :]) != (y2[:, None] <= rows[None, :])
            e, r = np.nonzero(up)
            t = (rows[r] - y1[e]) / (y2[e] - y1[e])
            xc = x1[e] + t * (x2[e] - x1[e])
            col = np.clip(np.ceil(xc), 0, nx).astype(np.int64)
            np.add.at(toggles, (lo + r, col), 1)
        mask[k] = (np.cumsum(toggles[:, :nx], axis=1) & 1).astype(bool)
    return mask


def axis_weights(coords, origin, step, n):
    """Index and weight of the lower neighbour along one dose axis; -1 outside the grid."""
    f = (coords - origin) / step
    i = np.floor(f).astype(np.int64)
    w = f - i
    inside = (f >= 0) & (f <= n - 1)
    i = np.clip(i, 0, max(n - 2, 0))
    w = np.where(inside, f - i, 0.0)
    return i, w, inside


def main(plan_dir, out_json):
    t = {}
    t0 = time.perf_counter()
    cts, rs, rd, rp = [], None, None, None
    for root, _, files in os.walk(plan_dir):
        for f in files:
            ds = pydicom.dcmread(os.path.join(root, f), force=True)
            m = ds.get("Modality", "")
            if m == "CT":
                cts.append(ds)
            elif m == "RTSTRUCT":
                rs = ds
            elif m == "RTDOSE":
                rd = ds
            elif m == "RTPLAN":
                rp = ds
    cts.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    ct = np.stack([d.pixel_array.astype(np.int16) * np.int16(d.RescaleSlope) + np.int16(d.RescaleIntercept)
                   for d in cts])
    t["read CT"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    dose = rd.pixel_array.astype(np.float64) * float(rd.DoseGridScaling)
    if dose.ndim == 2:
        dose = dose[None]
    dz_off = np.asarray(rd.GridFrameOffsetVector, dtype=np.float64)
    d_origin = np.asarray(rd.ImagePositionPatient, dtype=np.float64)
    d_dy, d_dx = (float(v) for v in rd.PixelSpacing)
    _ = rp.get("FractionGroupSequence")  # read, like rtsite's loader
    t["read dose+plan"] = time.perf_counter() - t1

    x0, y0 = (float(v) for v in cts[0].ImagePositionPatient[:2])
    dy, dx = (float(v) for v in cts[0].PixelSpacing)
    zs = np.array([float(d.ImagePositionPatient[2]) for d in cts])
    ny, nx = ct.shape[1:]

    t2 = time.perf_counter()
    names = {r.ROINumber: r.ROIName for r in rs.StructureSetROISequence}
    masks = {}
    for rc in rs.ROIContourSequence:
        contours = [np.asarray(c.ContourData, dtype=np.float64).reshape(-1, 3)
                    for c in rc.get("ContourSequence", []) if c.get("ContourGeometricType", "") == "CLOSED_PLANAR"]
        if contours:
            masks[names[rc.ReferencedROINumber]] = rasterize(contours, x0, y0, dx, dy, nx, ny, zs)
    t["rasterize"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    dmax_file = dose.max()
    dzs = d_origin[2] + dz_off
    hot = dzs[(dose >= 0.5 * dmax_file).any(axis=(1, 2))]
    k_lo = max(int(np.searchsorted(zs, hot.min(), "left")) - 1 - 2, 0)
    k_hi = min(int(np.searchsorted(zs, hot.max(), "right")) + 2, len(zs) - 1)
    dzct = zs[1] - zs[0]
    while (k_hi - k_lo) * dzct < 100 and (k_lo > 0 or k_hi < len(zs) - 1):
        k_lo, k_hi = max(k_lo - 1, 0), min(k_hi + 1, len(zs) - 1)
    zc = zs[k_lo:k_hi + 1]
    # trilinear, separably: dose planes interpolated in z, then rows in y, then columns in x
    iz, wz, inz = axis_weights(zc, dzs[0], dzs[1] - dzs[0] if len(dzs) > 1 else 1, dose.shape[0])
    iy, wy, iny = axis_weights(y0 + dy * np.arange(ny), d_origin[1], d_dy, dose.shape[1])
    ix, wx, inx = axis_weights(x0 + dx * np.arange(nx), d_origin[0], d_dx, dose.shape[2])
    dz1 = np.minimum(iz + 1, dose.shape[0] - 1)
    a = dose[iz] * (1 - wz)[:, None, None] + dose[dz1] * wz[:, None, None]
    b = a[:, iy, :] * (1 - wy)[None, :, None] + a[:, np.minimum(iy + 1, dose.shape[1] - 1), :] * wy[None, :, None]
    c = b[:, :, ix] * (1 - wx) + b[:, :, np.minimum(ix + 1, dose.shape[2] - 1)] * wx
    c *= inz[:, None, None] & iny[None, :, None] & inx[None, None, :]
    dmax = c.max()
    v50 = c >= 0.5 * dmax
    zz, yy, xx = np.nonzero(v50)
    box = (slice(zz.min(), zz.max() + 1), slice(yy.min(), yy.max() + 1), slice(xx.min(), xx.max() + 1))
    v50b = v50[box]
    v85b = c[box] >= 0.85 * dmax
    n85, n50 = int(v85b.sum()), int(v50b.sum())
    organs = {}
    for name, m in masks.items():
        mb = m[k_lo:k_hi + 1][box]
        o = int(mb.sum())
        if o == 0:
            continue
        i85, i50 = int((mb & v85b).sum()), int((mb & v50b).sum())
        organs[name] = {"voxels": o, "score85": i85 / n85, "score50": i50 / n50,
                        "dice85": 2 * i85 / (o + n85), "dice50": 2 * i50 / (o + n50)}
    t["crop+resample+overlap"] = time.perf_counter() - t3
    with open(out_json, "w") as f:
        json.dump({"dmax": float(dmax), "v85": n85, "v50": n50, "organs": organs}, f, indent=1)
    t["total"] = time.perf_counter() - t0
    print(" ".join("%s %.3f s" % kv for kv in t.items()) + " | %d ROIs, CT %s" % (len(masks), ct.shape),
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
