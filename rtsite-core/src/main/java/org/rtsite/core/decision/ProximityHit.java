package org.rtsite.core.decision;

import org.rtsite.core.region.Region;

/**
 * The organ closest to CoM85, for the PROXIMITY rule.
 *
 * @param organ      the structure name as the masks call it
 * @param region     its region
 * @param distanceMm distance from CoM85 to the organ's nearest voxel centre
 * @param inPlane    true when measured in CoM85's axial plane, false for the 3-D fallback
 */
public record ProximityHit(String organ, Region region, double distanceMm, boolean inPlane) {
}
