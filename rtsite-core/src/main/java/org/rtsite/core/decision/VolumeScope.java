package org.rtsite.core.decision;

/** Where |O| in the Dice denominator is counted (ALGORITHM.md §1.7). */
public enum VolumeScope {
    /** Paper-faithful default: organ voxels inside the isodose box. */
    ISODOSE_BOX,
    /** Organ voxels over the whole cropped CT. */
    CROPPED_CT
}
