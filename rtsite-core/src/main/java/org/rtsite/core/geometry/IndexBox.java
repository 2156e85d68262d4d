package org.rtsite.core.geometry;

import org.rtsite.core.InvalidInputException;


/**
 * A box of voxel indices, lower bounds inclusive and upper bounds exclusive, as in
 * {@code for (k = k0; k < k1; k++)}.
 */
public record IndexBox(int i0, int j0, int k0, int i1, int j1, int k1) {

    public IndexBox {
        if (i0 < 0 || j0 < 0 || k0 < 0) {
            throw new InvalidInputException("negative lower bound in box " + str(i0, j0, k0, i1, j1, k1));
        }
        if (i1 < i0 || j1 < j0 || k1 < k0) {
            throw new InvalidInputException("upper bound below lower bound in box " + str(i0, j0, k0, i1, j1, k1));
        }
    }

    /** The whole of a grid. */
    public static IndexBox of(ImageGrid grid) {
        return new IndexBox(0, 0, 0, grid.nx(), grid.ny(), grid.nz());
    }

    public int nx() {
        return i1 - i0;
    }

    public int ny() {
        return j1 - j0;
    }

    public int nz() {
        return k1 - k0;
    }

    public long voxelCount() {
        return (long) nx() * ny() * nz();
    }

    public boolean isEmpty() {
        return voxelCount() == 0;
    }

    public boolean contains(int i, int j, int k) {
        return i >= i0 && i < i1 && j >= j0 && j < j1 && k >= k0 && k < k1;
    }

    /** True when this box lies within {@code other}. */
    public boolean within(IndexBox other) {
        return i0 >= other.i0 && j0 >= other.j0 && k0 >= other.k0
                && i1 <= other.i1 && j1 <= other.j1 && k1 <= other.k1;
    }

    @Override
    public String toString() {
        return str(i0, j0, k0, i1, j1, k1);
    }

    private static String str(int i0, int j0, int k0, int i1, int j1, int k1) {
        return "[" + i0 + ".." + i1 + ", " + j0 + ".." + j1 + ", " + k0 + ".." + k1 + ")";
    }
}
