package org.rtsite.core;

import java.util.Objects;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.OrganMasks;

/**
 * One plan to classify: the CT grid (with HU when available), the dose on its own grid, and a
 * mask source — ready masks on the CT grid, or a segmenter that rtsite calls with the cropped CT.
 * Exactly one of {@code masks} and {@code segmenter} is set.
 */
public record PlanInput(ImageGrid ctGrid, CtVolume ct, DoseVolume dose, OrganMasks masks, OrganSegmenter segmenter) {

    public PlanInput {
        Objects.requireNonNull(ctGrid, "ctGrid");
        Objects.requireNonNull(dose, "dose");
        if ((masks == null) == (segmenter == null)) {
            throw new InvalidInputException("give either organ masks or a segmenter, not "
                    + (masks == null ? "neither" : "both"));
        }
        if (ct != null && !ct.grid().equals(ctGrid)) {
            throw new InvalidInputException("CT volume grid " + ct.grid().describe() + " differs from ctGrid "
                    + ctGrid.describe());
        }
        if (segmenter != null && ct == null) {
            throw new InvalidInputException("a segmenter needs the CT's Hounsfield units");
        }
    }

    /** Ready masks on the CT grid; the HU are not needed. */
    public static PlanInput withMasks(ImageGrid ctGrid, DoseVolume dose, OrganMasks masks) {
        return new PlanInput(ctGrid, null, dose, Objects.requireNonNull(masks, "masks"), null);
    }

    /** Masks from a segmenter, which receives the z-cropped CT. */
    public static PlanInput withSegmenter(CtVolume ct, DoseVolume dose, OrganSegmenter segmenter) {
        return new PlanInput(ct.grid(), ct, dose, null, Objects.requireNonNull(segmenter, "segmenter"));
    }
}
