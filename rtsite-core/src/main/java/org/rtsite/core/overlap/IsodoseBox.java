package org.rtsite.core.overlap;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;

/**
 * What an {@link OverlapBackend} counts over: the dose and the organ masks cut to the isodose box
 * (the bounding box of V50 on the CT grid), with the two dose levels in Gy. A voxel is in V85 when
 * {@code dose >= level85} and in V50 when {@code dose >= level50}, compared in float so that every
 * backend draws the same boundary.
 *
 * <p>Sources are numbered: label maps first (in order), then binary masks. Arrays are owned, not
 * copied; every array covers exactly {@code grid}.
 *
 * @param grid      the box's grid (a sub-grid of the cropped CT grid)
 * @param dose      dose in Gy, one float per box voxel, i fastest
 * @param level85   the V85 threshold in Gy (0.85·Dmax)
 * @param level50   the V50 threshold in Gy (0.50·Dmax)
 * @param labelMaps one unsigned byte label per box voxel, per label map
 * @param masks     box-sized bit sets (see {@link BinaryMask}), per binary mask
 */
public record IsodoseBox(ImageGrid grid, float[] dose, float level85, float level50,
                         List<byte[]> labelMaps, List<long[]> masks) {

    public IsodoseBox {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(dose, "dose");
        labelMaps = List.copyOf(labelMaps);
        masks = List.copyOf(masks);
        int n = grid.voxelCount();
        if (dose.length != n) {
            throw new InvalidInputException("box dose has " + dose.length + " voxels, box grid has " + n);
        }
        if (!(level85 >= level50) || !(level50 > 0)) {
            throw new InvalidInputException("isodose levels must satisfy level85 >= level50 > 0, got "
                    + level85 + " and " + level50);
        }
        for (int m = 0; m < labelMaps.size(); m++) {
            if (labelMaps.get(m).length != n) {
                throw new InvalidInputException("box label map " + m + " has " + labelMaps.get(m).length
                        + " voxels, box grid has " + n);
            }
        }
        int words = BinaryMask.wordsFor(n);
        for (int m = 0; m < masks.size(); m++) {
            if (masks.get(m).length != words) {
                throw new InvalidInputException("box mask " + m + " has " + masks.get(m).length
                        + " words, box grid needs " + words);
            }
        }
    }

    /** Label maps plus masks. */
    public int sourceCount() {
        return labelMaps.size() + masks.size();
    }

    /** Width of source {@code s}'s histogram: 256 for a label map, 2 for a mask (1 = inside). */
    public int binsOf(int s) {
        return s < labelMaps.size() ? LabelMap.MAX_LABEL + 1 : 2;
    }
}
