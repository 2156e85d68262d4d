package org.rtsite.core.expert;

import java.util.Arrays;

/**
 * Exact squared Euclidean distance transform (Felzenszwalb–Huttenlocher lower envelope of
 * parabolas, one linear pass per axis) with anisotropic spacing, on a box, i fastest.
 */
final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * In place: on entry 0 at sources and +∞ elsewhere; on exit the squared distance (mm²) from
     * each voxel centre to the nearest source centre (+∞ when there is no source).
     */
    static void squared(double[] f, int nx, int ny, int nz, double dx, double dy, double dz) {
        int n = Math.max(nx, Math.max(ny, nz));
        double[] line = new double[n];
        double[] out = new double[n];
        int[] v = new int[n];
        double[] z = new double[n + 1];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                int base = (k * ny + j) * nx;
                System.arraycopy(f, base, line, 0, nx);
                pass(line, out, nx, dx, v, z);
                System.arraycopy(out, 0, f, base, nx);
            }
        }
        for (int k = 0; k < nz; k++) {
            for (int i = 0; i < nx; i++) {
                for (int j = 0; j < ny; j++) {
                    line[j] = f[(k * ny + j) * nx + i];
                }
                pass(line, out, ny, dy, v, z);
                for (int j = 0; j < ny; j++) {
                    f[(k * ny + j) * nx + i] = out[j];
                }
            }
        }
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                for (int k = 0; k < nz; k++) {
                    line[k] = f[(k * ny + j) * nx + i];
                }
                pass(line, out, nz, dz, v, z);
                for (int k = 0; k < nz; k++) {
                    f[(k * ny + j) * nx + i] = out[k];
                }
            }
        }
    }

    private static void pass(double[] f, double[] d, int n, double s, int[] v, double[] z) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double xq = q * s;
            double cut = 0;
            while (k >= 0) {
                double xp = v[k] * s;
                cut = ((f[q] + xq * xq) - (f[v[k]] + xp * xp)) / (2 * (xq - xp));
                if (cut <= z[k]) {
                    k--;
                } else {
                    break;
                }
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? Double.NEGATIVE_INFINITY : cut;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            Arrays.fill(d, 0, n, Double.POSITIVE_INFINITY);
            return;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            double x = q * s;
            while (z[k + 1] < x) {
                k++;
            }
            double dxv = x - v[k] * s;
            d[q] = dxv * dxv + f[v[k]];
        }
    }
}
