package org.rtsite.eval.seg;

import org.rtsite.core.InvalidInputException;


/**
 * The voxels within which true negatives are counted for specificity. Over a whole CT grid nearly
 * every voxel is a true negative and specificity is ≈ 1 for any mask, so the default is the
 * bounding box of reference ∪ test dilated by a margin, clamped to the grid.
 */
public record ReferenceRegion(Kind kind, double marginMm) {

    public static final ReferenceRegion WHOLE_GRID = new ReferenceRegion(Kind.WHOLE_GRID, 0);

    /** Bounding box of both masks dilated by 10 mm: the default. */
    public static final ReferenceRegion DEFAULT = boundingBox(10);

    public enum Kind { WHOLE_GRID, BOUNDING_BOX }

    public ReferenceRegion {
        if (!(marginMm >= 0) || !Double.isFinite(marginMm)) {
            throw new InvalidInputException("reference-region margin must be finite and ≥ 0 mm, got " + marginMm);
        }
    }

    public static ReferenceRegion boundingBox(double marginMm) {
        return new ReferenceRegion(Kind.BOUNDING_BOX, marginMm);
    }

    /** Parses {@code grid} or {@code bbox:MARGIN_MM} (e.g. {@code bbox:10}). */
    public static ReferenceRegion parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("grid")) {
            return WHOLE_GRID;
        }
        if (t.startsWith("bbox:")) {
            try {
                return boundingBox(Double.parseDouble(t.substring(5)));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("reference region '" + text + "': margin is not a number", e);
            }
        }
        throw new InvalidInputException("reference region '" + text + "' is neither 'grid' nor 'bbox:MARGIN_MM'");
    }

    @Override
    public String toString() {
        return kind == Kind.WHOLE_GRID ? "whole grid" : "bounding box of both masks + " + marginMm + " mm";
    }
}
