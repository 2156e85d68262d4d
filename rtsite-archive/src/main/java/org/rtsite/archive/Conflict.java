package org.rtsite.archive;

import java.util.List;

/**
 * Evidence that a link is unsafe. A conflict never silently picks one candidate: the link it
 * concerns is refused (and the plan incomplete), except {@link Type#PATIENT_ID_MISMATCH} (the two objects
 * share a study or frame of reference) and {@link Type#FRAME_OF_REFERENCE_MISMATCH}, where the
 * link is kept and reported.
 *
 * @param type   what kind of conflict
 * @param detail the UIDs and values involved
 * @param files  the files involved
 */
public record Conflict(Type type, String detail, List<String> files) implements java.io.Serializable {

    public Conflict {
        files = List.copyOf(files);
    }

    public enum Type {
        /** A reference resolves to an object of another patient (other PatientID, study and frame of reference). */
        CROSS_PATIENT_REFERENCE,
        /** PatientID differs, but study or frame of reference are shared: linked, and reported. */
        PATIENT_ID_MISMATCH,
        /** Several files carry one SOP Instance UID with different content. */
        DUPLICATE_SOP_UID,
        /** Several distinct series share one Series Instance UID and contour references cannot tell them apart. */
        DUPLICATE_SERIES_UID,
        /** A fallback found several candidates (e.g. several structure sets on one frame of reference). */
        AMBIGUOUS_FALLBACK,
        /** Explicit references resolve to several objects where one is needed. */
        AMBIGUOUS_REFERENCE,
        /** A reference resolves to an object of the wrong modality. */
        WRONG_MODALITY,
        /** A UID that is a DICOM-standard UID (e.g. a SOP Class UID with a suffix), not an instance: a vendor placeholder. */
        PLACEHOLDER_REFERENCE,
        /** A structure set's frame of reference differs from that of the image series it references: linked, reported. */
        FRAME_OF_REFERENCE_MISMATCH,
        /** Doses of the plan cannot be combined (several PLAN doses, a beam covered twice, ...). */
        DOSE_CONFLICT
    }
}
