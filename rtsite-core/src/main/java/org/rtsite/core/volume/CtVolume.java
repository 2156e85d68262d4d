package org.rtsite.core.volume;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;

/**
 * CT numbers in Hounsfield units on a grid. The array is owned by the volume, not copied:
 * volumes are large and rtsite never needs two copies of one.
 */
public final class CtVolume {
    private final ImageGrid grid;
    private final short[] hu;

    public CtVolume(ImageGrid grid, short[] hu) {
        this.grid = Objects.requireNonNull(grid, "grid");
        this.hu = Objects.requireNonNull(hu, "hu");
        if (hu.length != grid.voxelCount()) {
            throw new InvalidInputException("CT has " + hu.length + " voxels but its grid " + grid.describe()
                    + " has " + grid.voxelCount());
        }
    }

    public ImageGrid grid() {
        return grid;
    }

    /** The voxels, i fastest; do not modify. */
    public short[] hu() {
        return hu;
    }

    public short get(int i, int j, int k) {
        return hu[grid.index(i, j, k)];
    }
}
