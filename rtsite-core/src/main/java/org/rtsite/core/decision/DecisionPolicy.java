package org.rtsite.core.decision;

import java.util.Objects;

/**
 * The decision tree's structural choices besides its thresholds, searched by calibration
 * (rtsite-eval {@code org.rtsite.eval.calibrate}). {@link #defaults()} is the paper's tree.
 *
 * @param landmark which structure's top marks the Head-and-Neck border in step 2b
 * @param useV50   whether step 4 (the V50 ranking) is tried when V85 overlaps no organ
 */
public record DecisionPolicy(Landmark landmark, boolean useV50) {

    /** The Head-and-Neck landmark of step 2b. */
    public enum Landmark {
        /** The paper: C7, or the thyroid when C7 is absent. */
        C7_THEN_THYROID,
        /** The thyroid, or C7 when the thyroid is absent. */
        THYROID_THEN_C7,
        /** C7 only. */
        C7_ONLY,
        /** The thyroid only. */
        THYROID_ONLY,
        /** No Head-and-Neck landmark rule. */
        NONE
    }

    public DecisionPolicy {
        Objects.requireNonNull(landmark, "landmark");
    }

    /** The paper's tree: C7 then thyroid, V50 used. */
    public static DecisionPolicy defaults() {
        return new DecisionPolicy(Landmark.C7_THEN_THYROID, true);
    }
}
