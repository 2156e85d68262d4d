package org.rtsite.core.volume;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;

/**
 * All organ masks of one plan on one grid: label maps (one per segmentation task) and binary masks
 * (freely overlapping structures). Every map and mask must lie on exactly {@code grid}.
 */
public record OrganMasks(ImageGrid grid, List<LabelMap> labelMaps, List<BinaryMask> masks) {

    /** Grids must agree to this many millimetres; masks are never silently resampled. */
    public static final double GRID_TOLERANCE_MM = 1e-3;

    public OrganMasks {
        Objects.requireNonNull(grid, "grid");
        labelMaps = List.copyOf(labelMaps);
        masks = List.copyOf(masks);
        for (LabelMap m : labelMaps) {
            if (!m.grid().sameGeometry(grid, GRID_TOLERANCE_MM)) {
                throw new InvalidInputException("label map '" + m.task() + "' is on grid " + m.grid().describe()
                        + ", not on the CT grid " + grid.describe());
            }
        }
        for (BinaryMask m : masks) {
            if (!m.grid().sameGeometry(grid, GRID_TOLERANCE_MM)) {
                throw new InvalidInputException("mask '" + m.name() + "' is on grid " + m.grid().describe()
                        + ", not on the CT grid " + grid.describe());
            }
        }
    }
}
