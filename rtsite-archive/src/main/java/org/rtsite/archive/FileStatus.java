package org.rtsite.archive;

/** Outcome of reading one file's header. */
public enum FileStatus {
    /** A DICOM file with a SOP Instance UID. */
    DICOM,
    /** Not DICOM (no DICM prefix and no plausible first element), or DICOM without a SOP Instance UID. */
    NOT_DICOM,
    /** Looked like DICOM but could not be read: I/O error or malformed data. */
    UNREADABLE,
    /** An isodose RTSTRUCT that rtsite wrote (an output): indexed, never linked to a plan. */
    RTSITE_OUTPUT
}
