package org.rtsite.core.overlap;

import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;

/**
 * Sums over the V85 voxels of an isodose box that give its centre of mass: the voxel count and
 * index sums (exact integers), and the dose and dose-weighted index sums (floating point).
 * Indices are box indices.
 */
public record V85Moments(long count, long sumI, long sumJ, long sumK,
                         double doseSum, double doseSumI, double doseSumJ, double doseSumK) {

    /** Geometric centroid of V85 in patient coordinates, or null when V85 is empty. */
    public Vec3 centroid(ImageGrid boxGrid) {
        if (count == 0) {
            return null;
        }
        return boxGrid.toPatient((double) sumI / count, (double) sumJ / count, (double) sumK / count);
    }

    /** Dose-weighted centroid Σ Dᵢ rᵢ / Σ Dᵢ over V85 in patient coordinates, or null when V85 is empty. */
    public Vec3 doseWeightedCentroid(ImageGrid boxGrid) {
        if (count == 0 || !(doseSum > 0)) {
            return null;
        }
        return boxGrid.toPatient(doseSumI / doseSum, doseSumJ / doseSum, doseSumK / doseSum);
    }
}
