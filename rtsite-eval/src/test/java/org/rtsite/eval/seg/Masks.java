package org.rtsite.eval.seg;

import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;

/** Analytic test shapes. */
final class Masks {
    private Masks() {
    }

    static ImageGrid grid(int nx, int ny, int nz, double dx, double dy, double dz) {
        return ImageGrid.axial(nx, ny, nz, dx, dy, dz, new Vec3(-10, 20, -30));
    }

    interface VoxelTest {
        boolean in(int i, int j, int k);
    }

    static BinaryMask of(String name, ImageGrid g, VoxelTest test) {
        long[] bits = BinaryMask.bitsFor(g);
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    if (test.in(i, j, k)) {
                        BinaryMask.set(bits, g.index(i, j, k));
                    }
                }
            }
        }
        return new BinaryMask(name, g, bits);
    }

    /** Axis-aligned box of voxels, inclusive lower and exclusive upper bounds. */
    static BinaryMask box(String name, ImageGrid g, int i0, int j0, int k0, int i1, int j1, int k1) {
        return of(name, g, (i, j, k) -> i >= i0 && i < i1 && j >= j0 && j < j1 && k >= k0 && k < k1);
    }

    /** Voxels whose centres lie within radius mm of (ci, cj, ck) (voxel coordinates). */
    static BinaryMask sphere(String name, ImageGrid g, double ci, double cj, double ck, double radiusMm) {
        return of(name, g, (i, j, k) -> {
            double x = (i - ci) * g.dx();
            double y = (j - cj) * g.dy();
            double z = (k - ck) * g.dz();
            return x * x + y * y + z * z <= radiusMm * radiusMm;
        });
    }
}
