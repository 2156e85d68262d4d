package org.rtsite.archive;

/** The references the index keeps per file, each from every item of its sequence. */
public enum RefKind {
    /** RTPLAN/RTDOSE (300C,0060) ReferencedStructureSetSequence > ReferencedSOPInstanceUID. */
    STRUCTURE_SET,
    /** RTDOSE/RTPLAN (300C,0002) ReferencedRTPlanSequence > ReferencedSOPInstanceUID. */
    PLAN,
    /** RTSTRUCT (3006,0010) > (3006,0012) > (3006,0014) > SeriesInstanceUID. */
    SERIES,
    /** RTSTRUCT (3006,0010) > (3006,0012) > (3006,0014) > (3006,0016) ContourImageSequence > ReferencedSOPInstanceUID. */
    CONTOUR_IMAGE,
    /** RTSTRUCT (3006,0010) > FrameOfReferenceUID. */
    FRAME_OF_REFERENCE,
    /** RTDOSE (300C,0002) > (300C,0020) > (300C,0004) > ReferencedBeamNumber: the beams a BEAM dose covers. */
    DOSE_BEAM,
    /** RTPLAN (300A,0070) FractionGroupSequence > (300C,0004) > ReferencedBeamNumber: the plan's treatment beams. */
    PLAN_BEAM
}
