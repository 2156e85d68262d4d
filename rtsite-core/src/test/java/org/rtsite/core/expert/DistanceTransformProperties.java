package org.rtsite.core.expert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact EDT equals brute force on random volumes, shapes and anisotropic spacings. */
class DistanceTransformProperties {

    @Test
    void equalsBruteForce() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1, 9), doubles().between(0.3, 3.0),
                doubles().between(0.3, 3.0)).checkAssert((seed, size, dy, dz) -> {
            Random rnd = new Random(seed);
            int nx = 1 + rnd.nextInt(size), ny = 1 + rnd.nextInt(size), nz = 1 + rnd.nextInt(size);
            double dx = 0.3 + 2.7 * rnd.nextDouble();
            double density = rnd.nextDouble() * 0.5;
            int n = nx * ny * nz;
            double[] f = new double[n];
            boolean[] source = new boolean[n];
            for (int v = 0; v < n; v++) {
                source[v] = rnd.nextDouble() < density;
                f[v] = source[v] ? 0 : Double.POSITIVE_INFINITY;
            }
            DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz);
            for (int k = 0; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        double best = Double.POSITIVE_INFINITY;
                        for (int kk = 0; kk < nz; kk++) {
                            for (int jj = 0; jj < ny; jj++) {
                                for (int ii = 0; ii < nx; ii++) {
                                    if (source[(kk * ny + jj) * nx + ii]) {
                                        double a = (i - ii) * dx, b = (j - jj) * dy, c = (k - kk) * dz;
                                        best = Math.min(best, a * a + b * b + c * c);
                                    }
                                }
                            }
                        }
                        double got = f[(k * ny + j) * nx + i];
                        if (best == Double.POSITIVE_INFINITY) {
                            assertEquals(Double.POSITIVE_INFINITY, got);
                        } else {
                            assertEquals(best, got, 1e-9 * (1 + best), "voxel " + i + "," + j + "," + k);
                        }
                    }
                }
            }
        });
    }
}
