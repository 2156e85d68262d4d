package org.rtsite.dicom.rt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;

/**
 * An RT Plan or RT Ion Plan (both have Modality RTPLAN; an ion plan's beams are in
 * IonBeamSequence): label, name, fractionation, beams, dose references and the referenced
 * structure set.
 */
public record RtPlan(String source, String sopInstanceUid, String patientId, boolean ion, String label, String name,
                     String approvalStatus, String frameOfReferenceUid, String referencedStructureSetUid,
                     List<String> referencedPlanUids, List<FractionGroup> fractionGroups, List<Beam> beams,
                     List<DoseReference> doseReferences) {

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
        boolean ion = SopClass.RT_ION_PLAN.equals(ds.getString(Tag.SOPClassUID)) || ds.contains(Tag.IonBeamSequence);
        List<Beam> beams = new ArrayList<>();
        for (DicomDataset b : ds.getSequence(ion ? Tag.IonBeamSequence : Tag.BeamSequence)) {
            List<DicomDataset> cps = b.getSequence(ion ? Tag.IonControlPointSequence : Tag.ControlPointSequence);
            DicomDataset first = cps.isEmpty() ? null : cps.get(0);
            Vec3 iso = null;
            if (first != null) {
                double[] p = first.getDoubles(Tag.IsocenterPosition);
                if (p.length == 3) {
                    iso = new Vec3(p[0], p[1], p[2]);
                }
            }
            beams.add(new Beam(b.getInt(Tag.BeamNumber, -1), b.getString(Tag.BeamName, ""),
                    b.getString(Tag.BeamType, ""), b.getString(Tag.RadiationType, ""),
                    b.getString(Tag.TreatmentDeliveryType, ""), b.getString(Tag.TreatmentMachineName, ""),
                    b.getInt(Tag.NumberOfControlPoints, cps.size()),
                    first == null ? Double.NaN : RtObjects.doubleOr(first, Tag.GantryAngle, Double.NaN),
                    first == null ? Double.NaN : RtObjects.doubleOr(first, Tag.NominalBeamEnergy, Double.NaN),
                    iso));
        }
        List<FractionGroup> groups = new ArrayList<>();
        for (DicomDataset g : ds.getSequence(Tag.FractionGroupSequence)) {
            List<Integer> numbers = new ArrayList<>();
            List<Double> metersets = new ArrayList<>();
            List<Double> doses = new ArrayList<>();
            for (DicomDataset rb : g.getSequence(Tag.ReferencedBeamSequence)) {
                numbers.add(rb.getInt(Tag.ReferencedBeamNumber, -1));
                metersets.add(RtObjects.doubleOr(rb, Tag.BeamMeterset, Double.NaN));
                doses.add(RtObjects.doubleOr(rb, Tag.BeamDose, Double.NaN));
            }
            groups.add(new FractionGroup(g.getInt(Tag.FractionGroupNumber, -1),
                    g.getInt(Tag.NumberOfFractionsPlanned, 0), numbers, metersets, doses));
        }
        List<DoseReference> refs = new ArrayList<>();
        for (DicomDataset d : ds.getSequence(Tag.DoseReferenceSequence)) {
            refs.add(new DoseReference(d.getInt(Tag.DoseReferenceNumber, -1),
                    d.getString(Tag.DoseReferenceStructureType, ""), d.getString(Tag.DoseReferenceType, ""),
                    d.getString(Tag.DoseReferenceDescription, ""), d.getInt(Tag.ReferencedROINumber, -1),
                    RtObjects.doubleOr(d, Tag.TargetPrescriptionDose, Double.NaN),
                    RtObjects.doubleOr(d, Tag.DeliveryMaximumDose, Double.NaN)));
        }
        DicomDataset ss = ds.getItem(Tag.ReferencedStructureSetSequence);
        return new RtPlan(file.source(), RtObjects.sopInstanceUid(file), ds.getString(Tag.PatientID), ion,
                ds.getString(Tag.RTPlanLabel, ""), ds.getString(Tag.RTPlanName, ""),
                ds.getString(Tag.ApprovalStatus, ""), ds.getString(Tag.FrameOfReferenceUID),
                ss == null ? null : ss.getString(Tag.ReferencedSOPInstanceUID),
                RtObjects.referencedUids(ds.getSequence(Tag.ReferencedRTPlanSequence)), groups, beams, refs);
    }
}
