package org.rtsite.dicom.archive;

import java.util.List;

/**
 * One plan with what it links to.
 *
 * @param planFile         the RTPLAN file
 * @param planUid          its SOP Instance UID
 * @param ion              whether it is an RT Ion Plan (by SOP Class)
 * @param patientId        the plan's PatientID
 * @param structureSetFile the linked RTSTRUCT, or null
 * @param ctSeriesUid      the linked image series, or null
 * @param ctFiles          its files in slice order (position along the slice normal, then InstanceNumber)
 * @param dose             the dose decision
 * @param fallbacks        every link made without an explicit reference
 * @param conflicts        every conflict met while linking this plan
 * @param status           COMPLETE when structure set, image series and dose are linked and no link
 *                         was refused; else INCOMPLETE
 * @param reasons          why INCOMPLETE (empty when COMPLETE)
 */
public record PlanBundle(String planFile, String planUid, boolean ion, String patientId, String structureSetFile,
                         String ctSeriesUid, List<String> ctFiles, DoseChoice dose, List<Fallback> fallbacks,
                         List<Conflict> conflicts, Status status, List<String> reasons) {

    public PlanBundle {
        ctFiles = List.copyOf(ctFiles);
        fallbacks = List.copyOf(fallbacks);
        conflicts = List.copyOf(conflicts);
        reasons = List.copyOf(reasons);
    }

    public enum Status { COMPLETE, INCOMPLETE }

    public boolean complete() {
        return status == Status.COMPLETE;
    }
}
