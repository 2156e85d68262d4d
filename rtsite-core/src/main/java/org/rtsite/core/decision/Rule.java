package org.rtsite.core.decision;

/**
 * The steps of the decision tree (ALGORITHM.md §3), in the order they are tried. {@link #V85_RANK}
 * only ranks and never decides; every other rule can be the one that fired.
 */
public enum Rule {
    /** Step 1: rank regions by their organs' V85 scores. */
    V85_RANK,
    /** Step 2a: no dominant organ and brain Dice(V85) above the threshold → Cranial. */
    CRANIAL_DICE,
    /** Step 2b: no dominant organ and CoM85 superior to C7 (else thyroid) → Head and Neck. */
    HN_LANDMARK,
    /** Step 3: the V85 ranking. */
    V85_OVERLAP,
    /** Step 4: the V50 ranking. */
    V50_OVERLAP,
    /** Step 5: the region of the organ closest to CoM85 in its axial plane (else in 3-D). */
    PROXIMITY,
    /** Step 6: no label. */
    NONE
}
