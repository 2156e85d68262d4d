package org.rtsite.pipeline;

import java.util.Objects;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtStructureSet;

/**
 * One plan's objects in memory: the CT series (with its HU volume), the dose the linkage chose (in Gy,
 * on its own grid, already summed or scaled), the plan and the structure set (null when not linked).
 *
 * @param bundle       what the linker found
 * @param plan         the RTPLAN
 * @param ct           the CT series
 * @param dose         the dose in Gy on the (first) dose file's grid
 * @param doseDetail   how the dose was formed, in words
 * @param structureSet the RTSTRUCT, or null
 */
public record LoadedPlan(PlanBundle bundle, RtPlan plan, CtSeries ct, DoseVolume dose, String doseDetail,
                         RtStructureSet structureSet) {

    public LoadedPlan {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(ct, "ct");
        Objects.requireNonNull(dose, "dose");
    }
}
