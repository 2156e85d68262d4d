package org.rtsite.core.volume;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;

/** Absorbed dose in Gy on a grid (the RTDOSE grid, or the CT grid after resampling). The array is owned, not copied. */
public final class DoseVolume {
    private final ImageGrid grid;
    private final float[] gy;

    public DoseVolume(ImageGrid grid, float[] gy) {
        this.grid = Objects.requireNonNull(grid, "grid");
        this.gy = Objects.requireNonNull(gy, "gy");
        if (gy.length != grid.voxelCount()) {
            throw new InvalidInputException("dose has " + gy.length + " voxels but its grid " + grid.describe()
                    + " has " + grid.voxelCount());
        }
    }

    public ImageGrid grid() {
        return grid;
    }

    /** The voxels in Gy, i fastest; do not modify. */
    public float[] gy() {
        return gy;
    }

    public float get(int i, int j, int k) {
        return gy[grid.index(i, j, k)];
    }

    /** The maximum dose; NaN if any voxel is NaN. */
    public float max() {
        float m = 0;
        for (float v : gy) {
            if (Float.isNaN(v)) {
                return Float.NaN;
            }
            if (v > m) {
                m = v;
            }
        }
        return m;
    }
}
