package org.rtsite.core.result;

/**
 * Most superior patient z (mm) of the landmark structures within the cropped CT; null when absent.
 *
 * @param hipTopZ     hip_left ∪ hip_right, where the bowel is split
 * @param c7TopZ      vertebrae_C7, the Head-and-Neck landmark
 * @param thyroidTopZ thyroid_gland, the landmark when C7 is absent
 */
public record Landmarks(Double hipTopZ, Double c7TopZ, Double thyroidTopZ) {
}
