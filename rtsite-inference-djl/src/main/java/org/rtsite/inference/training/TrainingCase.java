package org.rtsite.inference.training;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.OrganMasks;

/**
 * One local case: a CT and its reference segmentation (RTSTRUCT contours rasterized on the CT grid, or NIfTI
 * label maps/masks), names as the institution draws them.
 */
public record TrainingCase(String id, CtVolume ct, OrganMasks reference) {
    public TrainingCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ct, "ct");
        Objects.requireNonNull(reference, "reference");
        if (!reference.grid().sameGeometry(ct.grid(), OrganMasks.GRID_TOLERANCE_MM)) {
            throw new InvalidInputException("case " + id + ": the reference is on grid " + reference.grid().describe()
                    + ", not on its CT's grid " + ct.grid().describe());
        }
    }
}
