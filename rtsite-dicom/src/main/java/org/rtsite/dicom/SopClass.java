package org.rtsite.dicom;

/**
 * The SOP class UIDs (PS3.4, registry in PS3.6 A) rtsite reads, writes or refers to: the one place
 * they are spelled, so that the readers, the writers, the archive linker and the outputs cannot
 * disagree. Transfer syntax UIDs live in {@link TransferSyntax}.
 */
public final class SopClass {
    private SopClass() {
    }

    /** The root of every UID the standard itself registers (SOP classes, transfer syntaxes...). */
    public static final String DICOM_UID_ROOT = "1.2.840.10008.";

    public static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4";
    public static final String SECONDARY_CAPTURE_IMAGE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String RT_IMAGE = "1.2.840.10008.5.1.4.1.1.481.1";
    public static final String RT_DOSE = "1.2.840.10008.5.1.4.1.1.481.2";
    public static final String RT_STRUCTURE_SET = "1.2.840.10008.5.1.4.1.1.481.3";
    public static final String RT_PLAN = "1.2.840.10008.5.1.4.1.1.481.5";
    public static final String RT_ION_PLAN = "1.2.840.10008.5.1.4.1.1.481.8";

    /**
     * Detached Study Management (retired): the class that items of an RT Referenced Study Sequence
     * conventionally name, as planning systems write them.
     */
    public static final String DETACHED_STUDY_MANAGEMENT = "1.2.840.10008.3.1.2.3.1";

    /** RT Plan or RT Ion Plan. */
    public static boolean isPlan(String uid) {
        return RT_PLAN.equals(uid) || RT_ION_PLAN.equals(uid);
    }

    /** A UID under the standard's own root: a registered class or syntax, never an instance. */
    public static boolean isStandard(String uid) {
        return uid != null && uid.startsWith(DICOM_UID_ROOT);
    }
}
