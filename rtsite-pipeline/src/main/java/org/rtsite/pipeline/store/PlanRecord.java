package org.rtsite.pipeline.store;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.result.SiteResult;

/**
 * What one classification attempt of one plan produced: the result (null when it failed) or the error.
 *
 * @param planFile   the RTPLAN file (key of the store)
 * @param planUid    its SOP Instance UID
 * @param patientId  its PatientID
 * @param maskSource name of the mask source used
 * @param result     the classifier's result, or null when {@code error} is set
 * @param unmatched  structure names the region dictionary did not know
 * @param error      why the plan failed, or null
 * @param loadMs     DICOM reading time
 * @param masksMs    mask preparation time (rasterization, NIfTI reading)
 * @param classifyMs classifier time
 * @param missingPlan for a dose without plan (planFile is then the RTDOSE), why no plan claims it; else null
 * @param linkage    the linkage's fallbacks and conflicts (and missing plan) in one line, for audit; or null
 */
public record PlanRecord(String planFile, String planUid, String patientId, String maskSource, SiteResult result,
                         List<String> unmatched, String error, double loadMs, double masksMs, double classifyMs,
                         String missingPlan, String linkage) {

    /** A record without linkage notes. */
    public PlanRecord(String planFile, String planUid, String patientId, String maskSource, SiteResult result,
                      List<String> unmatched, String error, double loadMs, double masksMs, double classifyMs) {
        this(planFile, planUid, patientId, maskSource, result, unmatched, error, loadMs, masksMs, classifyMs, null, null);
    }

    public PlanRecord {
        Objects.requireNonNull(planFile, "planFile");
        unmatched = List.copyOf(unmatched);
        if ((result == null) == (error == null)) {
            throw new InvalidInputException("a plan record has either a result or an error, not "
                    + (result == null ? "neither" : "both"));
        }
    }

    public boolean ok() {
        return result != null;
    }
}
