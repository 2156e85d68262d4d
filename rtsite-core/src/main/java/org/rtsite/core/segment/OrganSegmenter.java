package org.rtsite.core.segment;

import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.OrganMasks;

/**
 * Segments organs on a (cropped) CT. rtsite calls it once per plan with the z-cropped CT; the
 * returned masks must lie on exactly {@code ct.grid()}. Label and mask names are looked up in the
 * region dictionary (TotalSegmentator class names or aliases). rtsite-inference-djl implements it
 * with deep-learning models; users may plug in their own.
 */
@FunctionalInterface
public interface OrganSegmenter {
    OrganMasks segment(CtVolume ct);
}
