package org.rtsite.core.expert;

import org.rtsite.core.region.Region;

/**
 * The greatest linear dimension of V85 ∩ region in the plane the protocol measures in: the larger
 * of the two in-plane extents (left–right or anterior–posterior, and superior–inferior) of the
 * projection of V85 ∩ (the region's organs) onto that plane.
 *
 * @param region   the region
 * @param lengthMm the length
 * @param labelled whether the region was labelled (one of its organs penetrated)
 */
public record RegionLength(Region region, double lengthMm, boolean labelled) {
}
