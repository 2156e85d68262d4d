package org.rtsite.inference;

import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;

/**
 * Moving a CT into the network's space and labels back. The network grid is an {@link ImageGrid} whose
 * {@code axisK, axisJ, axisI} are the tensor's spatial axes 0, 1, 2, so its i-fastest storage is exactly the
 * tensor's C order. It is defined in patient space from the CT's corners only, so the same patient
 * content stored in any voxel order (flipped axes with matching direction cosines) yields the same input.
 */
final class Resampling {
    /** Nearest-neighbour rounding is biased by this much so that exact ties round the same way whatever the CT's voxel order. */
    private static final double TIE_BIAS = 1e-6;

    private Resampling() {
    }

    /**
     * The grid at {@code spacing} along {@code axes} (tensor axes 0, 1, 2) covering the CT's voxel centres.
     * Like TotalSegmentator's resampling, the spacing is kept exact and the voxel count rounded.
     */
    static ImageGrid networkGrid(ImageGrid ct, Vec3[] axes, double[] spacing) {
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int c = 0; c < 8; c++) {
            Vec3 p = ct.toPatient((c & 1) == 0 ? 0 : ct.nx() - 1, (c & 2) == 0 ? 0 : ct.ny() - 1, (c & 4) == 0 ? 0 : ct.nz() - 1);
            for (int a = 0; a < 3; a++) {
                double t = p.dot(axes[a]);
                lo[a] = Math.min(lo[a], t);
                hi[a] = Math.max(hi[a], t);
            }
        }
        int[] n = new int[3];
        Vec3 origin = Vec3.ZERO;
        for (int a = 0; a < 3; a++) {
            // biased like the nearest-neighbour rounding, so that flipped storage of the same CT cannot round differently
            n[a] = Math.max(1, (int) Math.floor((hi[a] - lo[a]) / spacing[a] + 0.5 + TIE_BIAS) + 1);
            origin = origin.plus(axes[a].times(lo[a]));
        }
        return new ImageGrid(n[2], n[1], n[0], spacing[2], spacing[1], spacing[0], origin, axes[2], axes[1], axes[0]);
    }

    /** Trilinear CT values on {@code target}, edge-replicated outside the CT, normalized by {@code norm}. */
    static float[] sampleNormalized(CtVolume ct, ImageGrid target, ModelSpec.CtNormalization norm) {
        ImageGrid src = ct.grid();
        short[] hu = ct.hu();
        Affine m = target.indexToPatient().then(src.patientToIndex());
        double[] a = new double[12];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                a[r * 4 + c] = m.get(r, c);
            }
        }
        int nx = src.nx(), ny = src.ny(), nz = src.nz();
        int sxy = nx * ny;
        float[] out = new float[target.voxelCount()];
        int idx = 0;
        for (int k = 0; k < target.nz(); k++) {
            for (int j = 0; j < target.ny(); j++) {
                for (int i = 0; i < target.nx(); i++) {
                    double x = clamp(a[0] * i + a[1] * j + a[2] * k + a[3], nx - 1);
                    double y = clamp(a[4] * i + a[5] * j + a[6] * k + a[7], ny - 1);
                    double z = clamp(a[8] * i + a[9] * j + a[10] * k + a[11], nz - 1);
                    int x0 = Math.min((int) x, Math.max(nx - 2, 0));
                    int y0 = Math.min((int) y, Math.max(ny - 2, 0));
                    int z0 = Math.min((int) z, Math.max(nz - 2, 0));
                    double fx = x - x0, fy = y - y0, fz = z - z0;
                    int x1 = Math.min(x0 + 1, nx - 1), y1 = Math.min(y0 + 1, ny - 1), z1 = Math.min(z0 + 1, nz - 1);
                    int b00 = y0 * nx + z0 * sxy, b10 = y1 * nx + z0 * sxy, b01 = y0 * nx + z1 * sxy, b11 = y1 * nx + z1 * sxy;
                    double c00 = hu[b00 + x0] + fx * (hu[b00 + x1] - hu[b00 + x0]);
                    double c10 = hu[b10 + x0] + fx * (hu[b10 + x1] - hu[b10 + x0]);
                    double c01 = hu[b01 + x0] + fx * (hu[b01 + x1] - hu[b01 + x0]);
                    double c11 = hu[b11 + x0] + fx * (hu[b11 + x1] - hu[b11 + x0]);
                    double c0 = c00 + fy * (c10 - c00);
                    double c1 = c01 + fy * (c11 - c01);
                    out[idx++] = norm.apply(c0 + fz * (c1 - c0));
                }
            }
        }
        return out;
    }

    /** Labels of the network grid at every voxel of {@code target} (nearest neighbour; 0 outside). */
    static byte[] labelsNearest(byte[] labels, ImageGrid source, ImageGrid target) {
        Affine m = target.indexToPatient().then(source.patientToIndex());
        double[] a = new double[12];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                a[r * 4 + c] = m.get(r, c);
            }
        }
        int nx = source.nx(), ny = source.ny(), nz = source.nz();
        byte[] out = new byte[target.voxelCount()];
        int idx = 0;
        for (int k = 0; k < target.nz(); k++) {
            for (int j = 0; j < target.ny(); j++) {
                for (int i = 0; i < target.nx(); i++, idx++) {
                    int x = round(a[0] * i + a[1] * j + a[2] * k + a[3]);
                    int y = round(a[4] * i + a[5] * j + a[6] * k + a[7]);
                    int z = round(a[8] * i + a[9] * j + a[10] * k + a[11]);
                    // one voxel of tolerance at the rim: the network grid's voxel count is rounded
                    x = x == -1 ? 0 : x == nx ? nx - 1 : x;
                    y = y == -1 ? 0 : y == ny ? ny - 1 : y;
                    z = z == -1 ? 0 : z == nz ? nz - 1 : z;
                    if (x >= 0 && x < nx && y >= 0 && y < ny && z >= 0 && z < nz) {
                        out[idx] = labels[x + nx * (y + ny * z)];
                    }
                }
            }
        }
        return out;
    }

    private static int round(double v) {
        return (int) Math.floor(v + 0.5 + TIE_BIAS);
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : v > max ? max : v;
    }
}
