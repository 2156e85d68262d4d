package org.rtsite.pipeline.output;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.result.SiteResult;
import org.rtsite.dicom.rt.RtStructureSet.Colour;

/**
 * One isodose surface to write as an ROI: its name, the dose level in Gy (voxels with dose ≥ level are inside)
 * and its display colour.
 */
public record IsodoseLevel(String roiName, double gy, Colour colour) {

    public IsodoseLevel {
        Objects.requireNonNull(roiName, "roiName");
        Objects.requireNonNull(colour, "colour");
        if (roiName.isBlank() || roiName.length() > 64) {
            throw new InvalidInputException("ROI name must be 1–64 characters (LO), got '" + roiName + "'");
        }
        if (!(gy > 0) || !Double.isFinite(gy)) {
            throw new InvalidInputException("isodose level of ROI '" + roiName + "' must be positive and finite, got "
                    + gy + " Gy");
        }
    }

    /** The classifier's two levels: {@code rtsite_V85} (red) and {@code rtsite_V50} (orange), at 85 % and 50 % of Dmax. */
    public static List<IsodoseLevel> of(SiteResult result) {
        return List.of(new IsodoseLevel("rtsite_V85", result.level85Gy(), new Colour(255, 0, 0)),
                new IsodoseLevel("rtsite_V50", result.level50Gy(), new Colour(255, 165, 0)));
    }
}
