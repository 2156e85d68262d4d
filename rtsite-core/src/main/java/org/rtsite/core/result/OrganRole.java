package org.rtsite.core.result;

/** How the region dictionary treats a structure. */
public enum OrganRole {
    /** Votes for its region. */
    REGION,
    /** Listed as Excluded: measured and reported, never labels. */
    EXCLUDED,
    /** Not in the dictionary: measured and reported, never labels. */
    UNMAPPED
}
