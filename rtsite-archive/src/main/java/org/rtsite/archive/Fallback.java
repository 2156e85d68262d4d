package org.rtsite.archive;

/**
 * A link made without an explicit reference, because the reference was missing.
 *
 * @param link   what was linked: STRUCTURE_SET, CT_SERIES or DOSE
 * @param rule   how: FRAME_OF_REFERENCE, STUDY or CONTOUR_IMAGES (the structure set's image references)
 * @param detail the UID matched and why the reference was considered missing
 */
public record Fallback(String link, String rule, String detail) implements java.io.Serializable {
}
