package org.rtsite.core.result;

/**
 * The z-crop on the CT grid.
 *
 * @param k0       first kept slice (inclusive)
 * @param k1       last kept slice + 1
 * @param lengthMm slices × slice spacing
 * @param zMinMm   lowest patient z of the kept slices' centres
 * @param zMaxMm   highest patient z of the kept slices' centres
 */
public record CropExtent(int k0, int k1, double lengthMm, double zMinMm, double zMaxMm) {
}
