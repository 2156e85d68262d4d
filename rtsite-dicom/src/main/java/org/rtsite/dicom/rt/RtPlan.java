package org.rtsite.dicom.rt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;

/**
 * An RT Plan or RT Ion Plan (both have Modality RTPLAN; an ion plan's beams are in
 * IonBeamSequence): label, name, fractionation, beams, dose references and the referenced
 * structure set.
 */
public record RtPlan(String source, String sopInstanceUid, String patientId, boolean ion, String label, String name,
                     String approvalStatus, String frameOfReferenceUid, String referencedStructureSetUid,
                     List<String> referencedPlanUids, List<FractionGroup> fractionGroups, List<Beam> beams,
                     List<DoseReference> doseReferences) {

    public static final String ION_PLAN_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.481.8";

    public RtPlan {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        referencedPlanUids = List.copyOf(referencedPlanUids);
        fractionGroups = List.copyOf(fractionGroups);
        beams = List.copyOf(beams);
        doseReferences = List.copyOf(doseReferences);
    }

    /** One FractionGroupSequence item: fractions planned and the beams delivered in each (with their meterset). */
    public record FractionGroup(int number, int fractionsPlanned, List<Integer> beamNumbers, List<Double> beamMetersets,
                                List<Double> beamDosesGy) {
        public FractionGroup {
            beamNumbers = List.copyOf(beamNumbers);
            beamMetersets = List.copyOf(beamMetersets);
            beamDosesGy = List.copyOf(beamDosesGy);
        }
    }

    /**
     * One beam (BeamSequence or IonBeamSequence item). Gantry angle and nominal energy are those of the
     * first control point (NaN when absent); the isocentre is the first control point's (null when absent).
     */
    public record Beam(int number, String name, String type, String radiationType, String treatmentDeliveryType,
                       String machine, int controlPoints, double gantryAngleDeg, double nominalEnergy, Vec3 isocentre) {
    }

    /** One DoseReferenceSequence item; the prescription is NaN when not given, the ROI −1 when none is referenced. */
    public record DoseReference(int number, String structureType, String type, String description,
                                int referencedRoiNumber, double targetPrescriptionDoseGy, double deliveryMaximumDoseGy) {
    }

    /** Fractions planned in the first fraction group, or 0 when there is none. */
    public int fractions() {
        return fractionGroups.isEmpty() ? 0 : fractionGroups.get(0).fractionsPlanned();
    }

    /** The largest TargetPrescriptionDose of the dose references, NaN when none gives one. */
    public double prescriptionDoseGy() {
        double best = Double.NaN;
        for (DoseReference d : doseReferences) {
            if (!Double.isNaN(d.targetPrescriptionDoseGy()) && !(d.targetPrescriptionDoseGy() <= best)) {
                best = d.targetPrescriptionDoseGy();
            }
        }
        return best;
    }

    public static RtPlan read(Path file) {
        return of(DicomFile.read(file));
    }

    public static RtPlan of(DicomFile file) {
        RtObjects.requireModality(file, "RTPLAN");
        DicomDataset ds = file.dataset();
        boolean ion = ION_PLAN_SOP_CLASS.equals(ds.getString(RtTags.SOPClassUID)) || ds.contains(RtTags.IonBeamSequence);
        List<Beam> beams = new ArrayList<>();
        for (DicomDataset b : ds.getSequence(ion ? RtTags.IonBeamSequence : RtTags.BeamSequence)) {
            List<DicomDataset> cps = b.getSequence(ion ? RtTags.IonControlPointSequence : RtTags.ControlPointSequence);
            DicomDataset first = cps.isEmpty() ? null : cps.get(0);
            Vec3 iso = null;
            if (first != null) {
                double[] p = first.getDoubles(RtTags.IsocenterPosition);
                if (p.length == 3) {
                    iso = new Vec3(p[0], p[1], p[2]);
                }
            }
            beams.add(new Beam(b.getInt(RtTags.BeamNumber, -1), b.getString(RtTags.BeamName, ""),
                    b.getString(RtTags.BeamType, ""), b.getString(RtTags.RadiationType, ""),
                    b.getString(RtTags.TreatmentDeliveryType, ""), b.getString(RtTags.TreatmentMachineName, ""),
                    b.getInt(RtTags.NumberOfControlPoints, cps.size()),
                    first == null ? Double.NaN : RtObjects.doubleOr(first, RtTags.GantryAngle, Double.NaN),
                    first == null ? Double.NaN : RtObjects.doubleOr(first, RtTags.NominalBeamEnergy, Double.NaN),
                    iso));
        }
        List<FractionGroup> groups = new ArrayList<>();
        for (DicomDataset g : ds.getSequence(RtTags.FractionGroupSequence)) {
            List<Integer> numbers = new ArrayList<>();
            List<Double> metersets = new ArrayList<>();
            List<Double> doses = new ArrayList<>();
            for (DicomDataset rb : g.getSequence(RtTags.ReferencedBeamSequence)) {
                numbers.add(rb.getInt(RtTags.ReferencedBeamNumber, -1));
                metersets.add(RtObjects.doubleOr(rb, RtTags.BeamMeterset, Double.NaN));
                doses.add(RtObjects.doubleOr(rb, RtTags.BeamDose, Double.NaN));
            }
            groups.add(new FractionGroup(g.getInt(RtTags.FractionGroupNumber, -1),
                    g.getInt(RtTags.NumberOfFractionsPlanned, 0), numbers, metersets, doses));
        }
        List<DoseReference> refs = new ArrayList<>();
        for (DicomDataset d : ds.getSequence(RtTags.DoseReferenceSequence)) {
            refs.add(new DoseReference(d.getInt(RtTags.DoseReferenceNumber, -1),
                    d.getString(RtTags.DoseReferenceStructureType, ""), d.getString(RtTags.DoseReferenceType, ""),
                    d.getString(RtTags.DoseReferenceDescription, ""), d.getInt(RtTags.ReferencedROINumberInDoseRef, -1),
                    RtObjects.doubleOr(d, RtTags.TargetPrescriptionDose, Double.NaN),
                    RtObjects.doubleOr(d, RtTags.DeliveryMaximumDose, Double.NaN)));
        }
        DicomDataset ss = ds.getItem(RtTags.ReferencedStructureSetSequence);
        return new RtPlan(file.source(), RtObjects.sopInstanceUid(file), ds.getString(RtTags.PatientID), ion,
                ds.getString(RtTags.RTPlanLabel, ""), ds.getString(RtTags.RTPlanName, ""),
                ds.getString(RtTags.ApprovalStatus, ""), ds.getString(RtTags.FrameOfReferenceUID),
                ss == null ? null : ss.getString(RtTags.ReferencedSOPInstanceUID),
                RtObjects.referencedUids(ds.getSequence(RtTags.ReferencedRTPlanSequence)), groups, beams, refs);
    }
}
