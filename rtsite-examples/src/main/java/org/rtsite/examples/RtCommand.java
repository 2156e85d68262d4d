package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtStructureSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rtsite rt FILE|DIR...}: the RT facts rtsite reads from plans, doses, structure sets and CT series. */
@Command(name = "rt", mixinStandardHelpOptions = true,
        description = "Summarize RT objects as rtsite reads them: RTPLAN (beams, fractions, prescription), "
                + "RTDOSE (grid, units, summation, max), RTSTRUCT (ROIs, contours), or a folder of CT slices "
                + "(volume geometry).")
public final class RtCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "RT files, or folders holding one CT series")
    Path[] inputs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (Path p : inputs) {
            try {
                if (Files.isDirectory(p)) {
                    ct(out, p, CtSeriesReader.defaults().readDirectory(p));
                } else {
                    String modality = DicomReader.defaults().withStopBeforePixelData(true).read(p).dataset()
                            .getString(Tag.Modality, "").trim().toUpperCase(Locale.ROOT);
                    switch (modality) {
                        case "RTPLAN" -> plan(out, p, RtPlan.read(p));
                        case "RTDOSE" -> dose(out, p, RtDose.read(p));
                        case "RTSTRUCT" -> structures(out, p, RtStructureSet.read(p));
                        case "CT" -> ct(out, p, CtSeriesReader.defaults().read(java.util.List.of(p)));
                        default -> throw new RtsiteException("Modality '" + modality + "' is not an RT object rtsite reads");
                    }
                }
            } catch (RtsiteException e) {
                err.println("rtsite rt: " + p + ": " + e.getMessage());
                status = 1;
            }
            out.flush();
        }
        return status;
    }

    private static void plan(PrintWriter out, Path p, RtPlan plan) {
        out.printf(Locale.ROOT, "%s: %s '%s' (%s), %s, %d fraction(s), prescription %s Gy%n", p,
                plan.ion() ? "RT Ion Plan" : "RT Plan", plan.label(), plan.name(), plan.approvalStatus(),
                plan.fractions(), Double.isNaN(plan.prescriptionDoseGy()) ? "-" : fmt(plan.prescriptionDoseGy()));
        out.printf("  structure set %s, frame of reference %s%n", plan.referencedStructureSetUid(), plan.frameOfReferenceUid());
        for (RtPlan.Beam b : plan.beams()) {
            out.printf(Locale.ROOT, "  beam %d '%s' %s %s, %d control points, gantry %s°%n", b.number(), b.name(),
                    b.radiationType(), b.type(), b.controlPoints(),
                    Double.isNaN(b.gantryAngleDeg()) ? "-" : fmt(b.gantryAngleDeg()));
        }
    }

    private static void dose(PrintWriter out, Path p, RtDose d) {
        out.printf(Locale.ROOT, "%s: RT Dose %s %s %s, max %s, %d-bit × %s%n", p, d.summationType(), d.type(),
                d.units(), fmt(d.volume().max()), d.bitsAllocated(), fmt(d.gridScaling()));
        out.printf("  grid %s%n", d.grid().describe());
        out.printf("  plan %s, beams %s, frame of reference %s%n", d.referencedPlanUid(), d.referencedBeamNumbers(),
                d.frameOfReferenceUid());
    }

    private static void structures(PrintWriter out, Path p, RtStructureSet ss) {
        out.printf("%s: RT Structure Set '%s', %d ROIs, %d contours, frame of reference %s%n", p, ss.label(),
                ss.rois().size(), ss.contourCount(), ss.frameOfReferenceUid());
        for (RtStructureSet.Roi r : ss.rois()) {
            long closed = r.contours().stream().filter(c -> c.type().isClosed()).count();
            out.printf("  ROI %d '%s' %s: %d closed contour(s), %d point(s)%n", r.number(), r.name(),
                    r.interpretedType().isEmpty() ? "-" : r.interpretedType(), closed, r.points().size());
        }
    }

    private static void ct(PrintWriter out, Path p, CtSeries s) {
        ImageGrid g = s.volume().grid();
        out.printf("%s: CT series %s, %d slice(s), %s%n", p, s.seriesInstanceUid(), g.nz(), g.describe());
        out.printf("  axes %s %s %s, frame of reference %s%n", g.axisI(), g.axisJ(), g.axisK(), s.frameOfReferenceUid());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
