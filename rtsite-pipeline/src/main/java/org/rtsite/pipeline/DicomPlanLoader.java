package org.rtsite.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.rtsite.archive.DoseChoice;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtStructureSet;

/**
 * Reads what the linker decided for one plan: the CT series, the dose (summing BEAM doses, scaling a
 * FRACTION dose), the plan and the structure set. Holds nothing between calls, so a worker has at most
 * one plan's volumes in memory. Thread-safe.
 */
public final class DicomPlanLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DicomPlanLoader.class);
    private final CtSeriesReader ctReader;

    public DicomPlanLoader(CtSeriesReader ctReader) {
        this.ctReader = java.util.Objects.requireNonNull(ctReader, "ctReader");
    }

    public static DicomPlanLoader defaults() {
        return new DicomPlanLoader(CtSeriesReader.defaults());
    }

    /**
     * Loads one plan.
     *
     * @throws InvalidInputException when the bundle lacks a CT series or a dose, or a dose is not in Gy
     */
    public LoadedPlan load(PlanBundle bundle) {
        if (bundle.ctSeriesUid() == null || bundle.ctFiles().isEmpty()) {
            throw new InvalidInputException(what(bundle) + ": no CT series linked" + reasons(bundle));
        }
        if (bundle.dose() == null || bundle.dose().decision() == DoseChoice.Decision.NONE
                || bundle.dose().files().isEmpty()) {
            throw new InvalidInputException(what(bundle) + ": no dose linked"
                    + (bundle.dose() == null ? "" : " (" + bundle.dose().detail() + ")") + reasons(bundle));
        }
        // a dose without plan has no RTPLAN to read: its bundle's key is the RTDOSE
        RtPlan plan = bundle.planless() ? null : RtPlan.read(Path.of(bundle.planFile()));
        DoseVolume dose = readDose(bundle);
        RtStructureSet ss = bundle.structureSetFile() == null ? null
                : RtStructureSet.read(Path.of(bundle.structureSetFile()));
        CtSeries ct = ctReader.read(bundle.ctFiles().stream().map(Path::of).toList());
        return new LoadedPlan(bundle, plan, ct, dose, bundle.dose().decision() + ": " + bundle.dose().detail(), ss);
    }

    /** Every reason the linker recorded, so that a stored failure names each missing link and its cause. */
    static String reasons(PlanBundle b) {
        return b.reasons().isEmpty() ? "" : "; the linkage found: " + String.join("; ", b.reasons());
    }

    static String what(PlanBundle b) {
        return b.planless() ? "dose " + b.planFile() + " (no RTPLAN: " + b.missingPlan() + ")" : "plan " + b.planFile();
    }

    /** The chosen dose in Gy; BEAM doses on other grids are resampled onto the first one's grid before summing. */
    static DoseVolume readDose(PlanBundle bundle) {
        DoseChoice choice = bundle.dose();
        List<String> files = choice.files();
        DoseVolume sum = null;
        float[] acc = null;
        for (String f : files) {
            RtDose d = RtDose.read(Path.of(f));
            if (!"GY".equalsIgnoreCase(d.units()) && !"CGY".equalsIgnoreCase(d.units())) {
                throw new InvalidInputException("dose " + f + ": DoseUnits " + d.units()
                        + " is not absolute (GY or CGY); rtsite needs Gy");
            }
            if (sum == null) {
                acc = d.volume().gy(); // freshly read, owned by nobody else: sum in place
                sum = new DoseVolume(d.grid(), acc);
                continue;
            }
            DoseVolume v = d.volume();
            float[] add = v.grid().sameGeometry(sum.grid(), 1e-3) ? v.gy()
                    : DoseResampler.resample(v, sum.grid()).gy();
            if (add != v.gy()) {
                LOG.debug("dose {} resampled onto the grid of {} before summing", f, files.get(0));
            }
            for (int i = 0; i < acc.length; i++) {
                acc[i] += add[i];
            }
        }
        if (choice.scale() != 1) {
            float s = (float) choice.scale();
            if (!(choice.scale() > 0) || Double.isInfinite(choice.scale())) {
                throw new InvalidInputException(String.format(Locale.ROOT, "plan %s: dose scale %s is not positive",
                        bundle.planFile(), choice.scale()));
            }
            for (int i = 0; i < acc.length; i++) {
                acc[i] *= s;
            }
        }
        return sum;
    }
}
