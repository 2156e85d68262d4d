package org.rtsite.core.prepare;

import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.volume.DoseVolume;

/**
 * Trilinear resampling of a dose onto another grid, for any orientation of either grid. The
 * target-index → dose-index map is composed once; each row of target voxels then steps a constant
 * vector through the dose grid, so the hot loop allocates nothing. Target points outside the hull
 * of the dose grid's voxel centres get 0 (ALGORITHM.md §1.5).
 */
public final class DoseResampler {

    /** Tolerance, in dose-grid voxels, for points that fall on the hull up to rounding. */
    private static final double EDGE_EPS = 1e-6;

    private DoseResampler() {
    }

    /** The dose on every voxel of {@code target}. */
    public static DoseVolume resample(DoseVolume dose, ImageGrid target) {
        return new DoseVolume(target, resample(dose, target, IndexBox.of(target)));
    }

    /**
     * The box of {@code target} voxels that can receive dose: the bounding box of the dose grid's
     * corners in target index space, clamped to the target. Empty when the grids do not meet.
     */
    public static IndexBox footprint(ImageGrid doseGrid, ImageGrid target) {
        Affine a = doseGrid.indexToPatient().then(target.patientToIndex());
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int c = 0; c < 8; c++) {
            double i = (c & 1) == 0 ? 0 : doseGrid.nx() - 1;
            double j = (c & 2) == 0 ? 0 : doseGrid.ny() - 1;
            double k = (c & 4) == 0 ? 0 : doseGrid.nz() - 1;
            var p = a.apply(i, j, k);
            double[] v = {p.x(), p.y(), p.z()};
            for (int d = 0; d < 3; d++) {
                lo[d] = Math.min(lo[d], v[d]);
                hi[d] = Math.max(hi[d], v[d]);
            }
        }
        int[] n = {target.nx(), target.ny(), target.nz()};
        int[] b0 = new int[3];
        int[] b1 = new int[3];
        for (int d = 0; d < 3; d++) {
            b0[d] = (int) Math.max(0, Math.min(n[d], Math.ceil(lo[d] - 1e-6)));
            b1[d] = (int) Math.max(0, Math.min(n[d], Math.floor(hi[d] + 1e-6) + 1));
            if (b1[d] < b0[d]) {
                b1[d] = b0[d];
            }
        }
        return new IndexBox(b0[0], b0[1], b0[2], b1[0], b1[1], b1[2]);
    }

    /**
     * The dose on the voxels of {@code region} (a box of {@code target}), i fastest within the
     * region.
     */
    public static float[] resample(DoseVolume dose, ImageGrid target, IndexBox region) {
        if (!region.within(IndexBox.of(target))) {
            throw new InvalidInputException("region " + region + " is not within target grid " + target.describe());
        }
        ImageGrid dg = dose.grid();
        float[] src = dose.gy();
        Affine a = target.indexToPatient().then(dg.patientToIndex());
        int rnx = region.nx(), rny = region.ny(), rnz = region.nz();
        float[] out = new float[(int) region.voxelCount()];
        int nx = dg.nx(), ny = dg.ny(), nz = dg.nz();
        int sy = nx, sz = nx * ny;
        double[] hi = {nx - 1 + EDGE_EPS, ny - 1 + EDGE_EPS, nz - 1 + EDGE_EPS};
        double sx0 = a.get(0, 0), sx1 = a.get(1, 0), sx2 = a.get(2, 0);
        double[] step = {sx0, sx1, sx2};
        double[] base = new double[3];
        // Axial-to-axial (the usual case): a target row runs along one dose row, so blend that
        // row's four neighbouring dose lines in y and z once and interpolate only in x per voxel.
        boolean alongDoseRows = Math.abs(sx1) < 1e-12 && Math.abs(sx2) < 1e-12;
        double[] line = alongDoseRows ? new double[nx] : null;
        for (int k = 0; k < rnz; k++) {
            for (int j = 0; j < rny; j++) {
                int ti = region.i0(), tj = region.j0() + j, tk = region.k0() + k;
                base[0] = a.get(0, 0) * ti + a.get(0, 1) * tj + a.get(0, 2) * tk + a.get(0, 3);
                base[1] = a.get(1, 0) * ti + a.get(1, 1) * tj + a.get(1, 2) * tk + a.get(1, 3);
                base[2] = a.get(2, 0) * ti + a.get(2, 1) * tj + a.get(2, 2) * tk + a.get(2, 3);
                // The row meets the dose hull on one interval of t = i - i0: intersect the three slabs.
                double tMin = 0, tMax = rnx - 1;
                for (int d = 0; d < 3 && tMin <= tMax; d++) {
                    if (Math.abs(step[d]) < 1e-12) {
                        if (base[d] < -EDGE_EPS || base[d] > hi[d]) {
                            tMax = -1;
                        }
                    } else {
                        double t0 = (-EDGE_EPS - base[d]) / step[d];
                        double t1 = (hi[d] - base[d]) / step[d];
                        tMin = Math.max(tMin, Math.min(t0, t1));
                        tMax = Math.min(tMax, Math.max(t0, t1));
                    }
                }
                int from = (int) Math.ceil(tMin);
                int to = (int) Math.floor(tMax);
                int rowOut = rnx * (j + rny * k);
                if (alongDoseRows) {
                    if (from <= to) {
                        rowAlongDoseRow(src, nx, ny, nz, base, sx0, from, to, line, out, rowOut);
                    }
                    continue;
                }
                for (int t = from; t <= to; t++) {
                    double x = clamp(base[0] + t * sx0, nx - 1);
                    double y = clamp(base[1] + t * sx1, ny - 1);
                    double z = clamp(base[2] + t * sx2, nz - 1);
                    int x0 = Math.max(0, Math.min((int) x, nx - 2));
                    int y0 = Math.max(0, Math.min((int) y, ny - 2));
                    int z0 = Math.max(0, Math.min((int) z, nz - 2));
                    double fx = x - x0, fy = y - y0, fz = z - z0;
                    int ox = nx > 1 ? 1 : 0, oy = ny > 1 ? sy : 0, oz = nz > 1 ? sz : 0;
                    int p = x0 + sy * y0 + sz * z0;
                    double c00 = src[p] + fx * (src[p + ox] - src[p]);
                    double c10 = src[p + oy] + fx * (src[p + oy + ox] - src[p + oy]);
                    double c01 = src[p + oz] + fx * (src[p + oz + ox] - src[p + oz]);
                    double c11 = src[p + oz + oy] + fx * (src[p + oz + oy + ox] - src[p + oz + oy]);
                    double c0 = c00 + fy * (c10 - c00);
                    double c1 = c01 + fy * (c11 - c01);
                    out[rowOut + t] = (float) (c0 + fz * (c1 - c0));
                }
            }
        }
        return out;
    }

    private static void rowAlongDoseRow(float[] src, int nx, int ny, int nz, double[] base, double sx0, int from,
                                        int to, double[] line, float[] out, int rowOut) {
        int sy = nx, sz = nx * ny;
        double y = clamp(base[1], ny - 1), z = clamp(base[2], nz - 1);
        int y0 = Math.max(0, Math.min((int) y, ny - 2));
        int z0 = Math.max(0, Math.min((int) z, nz - 2));
        double fy = y - y0, fz = z - z0;
        int oy = ny > 1 ? sy : 0, oz = nz > 1 ? sz : 0;
        double xa = clamp(base[0] + from * sx0, nx - 1), xb = clamp(base[0] + to * sx0, nx - 1);
        int lo = Math.max(0, (int) Math.floor(Math.min(xa, xb)) - 1);
        int hi = Math.min(nx - 1, (int) Math.ceil(Math.max(xa, xb)) + 1);
        int p0 = sy * y0 + sz * z0;
        for (int x = lo; x <= hi; x++) {
            int p = p0 + x;
            double c0 = src[p] + fy * (src[p + oy] - src[p]);
            double c1 = src[p + oz] + fy * (src[p + oz + oy] - src[p + oz]);
            line[x] = c0 + fz * (c1 - c0);
        }
        int ox = nx > 1 ? 1 : 0;
        for (int t = from; t <= to; t++) {
            double x = clamp(base[0] + t * sx0, nx - 1);
            int x0 = Math.max(0, Math.min((int) x, nx - 2));
            double fx = x - x0;
            out[rowOut + t] = (float) (line[x0] + fx * (line[x0 + ox] - line[x0]));
        }
    }

    private static double clamp(double v, double max) {
        return v < 0 ? 0 : (v > max ? max : v);
    }
}
