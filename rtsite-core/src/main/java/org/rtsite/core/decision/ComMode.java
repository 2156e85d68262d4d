package org.rtsite.core.decision;

/** How CoM85 is computed (ALGORITHM.md §1.7). */
public enum ComMode {
    /** The paper's centroid of the V85 voxels. */
    GEOMETRIC,
    /** Σ Dᵢ rᵢ / Σ Dᵢ over V85, the paper's proposed future work. */
    DOSE_WEIGHTED
}
