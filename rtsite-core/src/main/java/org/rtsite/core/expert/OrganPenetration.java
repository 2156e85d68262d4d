package org.rtsite.core.expert;

import org.rtsite.core.region.Region;

/**
 * How deep V85 reaches into one organ: the maximum, over the voxels of V85 ∩ organ, of the
 * distance from the voxel centre to the nearest voxel centre outside the organ (exact Euclidean
 * distance transform at the grid's anisotropic spacing; n voxels deep along an axis reads n ×
 * spacing, what a ruler from the organ's edge gives).
 *
 * @param name       the structure's name (or {@code pelvic_bowel}/{@code abdominal_bowel})
 * @param source     the label map's task, the mask's name, or {@code bowel_split}
 * @param region     the region it votes for
 * @param v85Voxels  |V85 ∩ organ|
 * @param depthMm    the penetration depth; exact up to the cap (max(4 × threshold, 20 mm)), else the cap
 * @param atLeast    true when depthMm is the cap: the organ is penetrated at least that deep
 * @param penetrated depthMm ≥ the protocol's threshold
 */
public record OrganPenetration(String name, String source, Region region, long v85Voxels, double depthMm,
                               boolean atLeast, boolean penetrated) {
}
