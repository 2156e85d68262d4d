package org.rtsite.eval.seg;

/**
 * Exact squared Euclidean distance transform with anisotropic spacing, linear in the number of
 * voxels: one 1-D pass per axis, each the lower envelope of parabolas of Felzenszwalb and
 * Huttenlocher (2012). Distances are in millimetres squared; voxels with no feature anywhere in the
 * volume get {@link Float#POSITIVE_INFINITY}.
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * @param feature one byte per voxel, i fastest; non-zero marks a feature voxel
     * @return squared distance (mm²) from every voxel centre to the nearest feature voxel centre
     */
    public static float[] squared(byte[] feature, int nx, int ny, int nz, double dx, double dy, double dz) {
        int n = nx * ny * nz;
        if (feature.length != n) {
            throw new IllegalArgumentException("feature array has " + feature.length + " voxels, box " + nx + "×" + ny + "×" + nz + " needs " + n);
        }
        float[] d = new float[n];
        int longest = Math.max(nx, Math.max(ny, nz));
        double[] f = new double[longest];
        double[] out = new double[longest];
        int[] v = new int[longest];
        double[] z = new double[longest + 1];

        // x: distance to the nearest feature in the row, two sweeps
        for (int row = 0; row < ny * nz; row++) {
            int base = row * nx;
            int last = -1;
            for (int i = 0; i < nx; i++) {
                if (feature[base + i] != 0) {
                    last = i;
                }
                d[base + i] = last < 0 ? Float.POSITIVE_INFINITY : sq((i - last) * dx);
            }
            last = -1;
            for (int i = nx - 1; i >= 0; i--) {
                if (feature[base + i] != 0) {
                    last = i;
                }
                if (last >= 0) {
                    float s = sq((last - i) * dx);
                    if (s < d[base + i]) {
                        d[base + i] = s;
                    }
                }
            }
        }
        // y, then z: lower envelope of parabolas along each line
        if (ny > 1) {
            for (int k = 0; k < nz; k++) {
                for (int i = 0; i < nx; i++) {
                    line(d, i + nx * ny * k, nx, ny, dy, f, out, v, z);
                }
            }
        }
        if (nz > 1) {
            int plane = nx * ny;
            for (int p = 0; p < plane; p++) {
                line(d, p, plane, nz, dz, f, out, v, z);
            }
        }
        return d;
    }

    private static float sq(double x) {
        return (float) (x * x);
    }

    private static void line(float[] d, int start, int stride, int len, double s, double[] f, double[] out, int[] v, double[] z) {
        for (int q = 0, idx = start; q < len; q++, idx += stride) {
            f[q] = d[idx];
        }
        envelope(f, len, s * s, out, v, z);
        for (int q = 0, idx = start; q < len; q++, idx += stride) {
            d[idx] = (float) out[q];
        }
    }

    /** out[q] = min_p f[p] + s2·(q − p)², skipping infinite f. */
    static void envelope(double[] f, int len, double s2, double[] out, int[] v, double[] z) {
        int k = -1;
        for (int q = 0; q < len; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            double sx;
            while (true) {
                int p = v[k];
                sx = ((f[q] + s2 * q * q) - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));
                if (sx <= z[k] && k > 0) {
                    k--;
                } else {
                    break;
                }
            }
            if (sx <= z[k]) { // k == 0 and the new parabola dominates everywhere
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            k++;
            v[k] = q;
            z[k] = sx;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            for (int q = 0; q < len; q++) {
                out[q] = Double.POSITIVE_INFINITY;
            }
            return;
        }
        int j = 0;
        for (int q = 0; q < len; q++) {
            while (z[j + 1] < q) {
                j++;
            }
            int p = v[j];
            out[q] = f[p] + s2 * (q - p) * (q - p);
        }
    }
}
