package org.rtsite.core.result;

import org.rtsite.core.region.Region;

/**
 * Overlap of one structure with the isodose volumes (ALGORITHM.md §1.7).
 *
 * @param name       the structure's name in its source
 * @param source     the label map's task (e.g. {@code total}), the binary mask's name, or
 *                   {@code bowel_split} for the split bowel
 * @param canonical  the dictionary's name for it (null when unmapped)
 * @param region     the region it votes for (null when excluded or unmapped)
 * @param role       region, excluded or unmapped
 * @param voxels     |O|, inside the isodose box or over the cropped CT (see the config's volumeScope)
 * @param v85Voxels  |O ∩ V85|
 * @param v50Voxels  |O ∩ V50|
 * @param score85    |O ∩ V85| / |V85|
 * @param score50    |O ∩ V50| / |V50|
 * @param dice85     2|O ∩ V85| / (|O| + |V85|)
 * @param dice50     2|O ∩ V50| / (|O| + |V50|)
 */
public record OrganMetrics(String name, String source, String canonical, Region region, OrganRole role,
                           long voxels, long v85Voxels, long v50Voxels,
                           double score85, double score50, double dice85, double dice50) {

    /** Scores and Dice from counts; an empty isodose volume gives 0. */
    public static OrganMetrics of(String name, String source, String canonical, Region region, OrganRole role,
                                  long voxels, long v85Voxels, long v50Voxels, long v85, long v50) {
        return new OrganMetrics(name, source, canonical, region, role, voxels, v85Voxels, v50Voxels,
                ratio(v85Voxels, v85), ratio(v50Voxels, v50),
                ratio(2 * v85Voxels, voxels + v85), ratio(2 * v50Voxels, voxels + v50));
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** True when the structure may label the plan. */
    public boolean votes() {
        return role == OrganRole.REGION;
    }
}
