package org.rtsite.archive;

import java.util.List;

/**
 * One plan with what it links to; or, with {@code missingPlan} set, one dose no plan claims (a
 * "planless dose": {@code planFile} is then the (first) RTDOSE file, the key of its result row, and
 * {@code planUid} is null).
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
 * @param missingPlan      null for a plan; for a planless dose, why no plan claims it (the plan UID it
 *                         references and that the archive lacks, or that it references none)
 */
public record PlanBundle(String planFile, String planUid, boolean ion, String patientId, String structureSetFile,
                         String ctSeriesUid, List<String> ctFiles, DoseChoice dose, List<Fallback> fallbacks,
                         List<Conflict> conflicts, Status status, List<String> reasons, String missingPlan) implements java.io.Serializable {

    public PlanBundle {
        ctFiles = List.copyOf(ctFiles);
        fallbacks = List.copyOf(fallbacks);
        conflicts = List.copyOf(conflicts);
        reasons = List.copyOf(reasons);
    }

    /** A plan's bundle. */
    public PlanBundle(String planFile, String planUid, boolean ion, String patientId, String structureSetFile,
                      String ctSeriesUid, List<String> ctFiles, DoseChoice dose, List<Fallback> fallbacks,
                      List<Conflict> conflicts, Status status, List<String> reasons) {
        this(planFile, planUid, ion, patientId, structureSetFile, ctSeriesUid, ctFiles, dose, fallbacks, conflicts,
                status, reasons, null);
    }

    /** Whether this is a dose without a plan (see {@code missingPlan}). */
    public boolean planless() {
        return missingPlan != null;
    }

    /**
     * Everything a curator needs to audit the links: the missing plan, every fallback and conflict,
     * as one line (null when there is nothing to say).
     */
    public String linkageNotes() {
        List<String> notes = new java.util.ArrayList<>();
        if (missingPlan != null) {
            notes.add("no RTPLAN: " + missingPlan);
        }
        fallbacks.forEach(f -> notes.add("fallback " + f.link() + " by " + f.rule() + ": " + f.detail()));
        conflicts.forEach(c -> notes.add(c.type() + ": " + c.detail()));
        return notes.isEmpty() ? null : String.join(" | ", notes);
    }

    public enum Status { COMPLETE, INCOMPLETE }

    public boolean complete() {
        return status == Status.COMPLETE;
    }
}
