package org.rtsite.dicom.rt;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.VR;

/**
 * Writes the RT records back as DICOM files (explicit VR little endian, through
 * {@link DicomWriter}): a CT series, an RT Dose, an RT Structure Set, an RT (Ion) Plan. What the
 * readers read is written, so that write → read gives the record back; used for test fixtures and
 * for rtsite's own outputs. Only the attributes the records hold are written: the files are
 * readable by dcmtk and pydicom, but are not complete IODs for a planning system.
 */
public final class RtWriter {

    static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String RT_DOSE = "1.2.840.10008.5.1.4.1.1.481.2";
    static final String RT_STRUCTURE_SET = "1.2.840.10008.5.1.4.1.1.481.3";
    static final String RT_PLAN = "1.2.840.10008.5.1.4.1.1.481.5";
    private static final String STUDY_ROOT = "1.2.840.10008.3.1.2.3.1";
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int SAMPLES_PER_PIXEL = 0x00280002;
    private static final int PHOTOMETRIC = 0x00280004;
    private static final int FRAME_INCREMENT_POINTER = 0x00280009;
    private static final int CONTROL_POINT_INDEX = 0x300A0112;
    private static final int NUMBER_OF_CONTOUR_POINTS = 0x30060046;
    private static final int OBSERVATION_NUMBER = 0x30060082;

    private RtWriter() {
    }

    /** A fresh UID under the UUID root 2.25 (PS3.5 B.2). */
    public static String newUid() {
        UUID u = UUID.randomUUID();
        BigInteger hi = new BigInteger(Long.toUnsignedString(u.getMostSignificantBits()));
        BigInteger lo = new BigInteger(Long.toUnsignedString(u.getLeastSignificantBits()));
        return "2.25." + hi.shiftLeft(64).or(lo);
    }

    /**
     * One file per slice, {@code ct0000.dcm} onwards, in {@code dir} (created if needed). The grid's k axis
     * must be the slice normal (row × column), as {@link CtSeriesReader} builds it. Pixels are signed 16-bit
     * with RescaleSlope 1 and RescaleIntercept 0, so the HU are stored as they are.
     */
    public static List<Path> writeCtSeries(CtSeries series, Path dir) {
        CtVolume v = series.volume();
        ImageGrid g = v.grid();
        Vec3 normal = g.axisI().cross(g.axisJ()).normalized();
        if (!g.axisK().approx(normal, 1e-6)) {
            throw new InvalidInputException("CT grid's k axis " + g.axisK() + " is not the slice normal " + normal);
        }
        if (series.sopInstanceUids().size() != g.nz()) {
            throw new InvalidInputException(series.sopInstanceUids().size() + " SOP instance UIDs for "
                    + g.nz() + " slices");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create " + dir, e);
        }
        int plane = g.nx() * g.ny();
        List<Path> files = new ArrayList<>(g.nz());
        short[] hu = v.hu();
        for (int k = 0; k < g.nz(); k++) {
            ByteBuffer px = ByteBuffer.allocate(2 * plane).order(ByteOrder.LITTLE_ENDIAN);
            px.asShortBuffer().put(hu, k * plane, plane);
            Vec3 p = g.toPatient(0, 0, k);
            DicomDataset.Builder b = DicomDataset.builder()
                    .putString(RtTags.SOPClassUID, VR.UI, CT_IMAGE)
                    .putString(RtTags.SOPInstanceUID, VR.UI, series.sopInstanceUids().get(k))
                    .putString(RtTags.Modality, VR.CS, "CT")
                    .putString(RtTags.SeriesInstanceUID, VR.UI, series.seriesInstanceUid())
                    .putInts(RtTags.InstanceNumber, VR.IS, k + 1)
                    .putInts(RtTags.PixelRepresentation, VR.US, 1)
                    .putDoubles(RtTags.RescaleIntercept, VR.DS, 0)
                    .putDoubles(RtTags.RescaleSlope, VR.DS, 1)
                    .putBytes(PIXEL_DATA, VR.OW, px.array());
            imagePlane(b, g, p, 16);
            common(b, series.patientId(), series.studyInstanceUid(), series.frameOfReferenceUid());
            putIfPresent(b, RtTags.PatientPosition, VR.CS, series.patientPosition());
            Path f = dir.resolve(String.format("ct%04d.dcm", k));
            DicomWriter.write(f, b.build());
            files.add(f);
        }
        return files;
    }

    /** An RT Structure Set with every ROI, its observation (interpreted type), colour and contours. */
    public static void write(RtStructureSet ss, Path file) {
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(RtTags.SOPClassUID, VR.UI, RT_STRUCTURE_SET)
                .putString(RtTags.SOPInstanceUID, VR.UI, ss.sopInstanceUid())
                .putString(RtTags.Modality, VR.CS, "RTSTRUCT");
        common(b, ss.patientId(), null, null);
        putIfPresent(b, RtTags.StructureSetLabel, VR.SH, ss.label());
        putIfPresent(b, RtTags.StructureSetName, VR.LO, ss.name());
        List<DicomDataset> frames = new ArrayList<>();
        for (RtStructureSet.ReferencedFrameOfReference f : ss.referencedFrames()) {
            DicomDataset.Builder fb = DicomDataset.builder();
            putIfPresent(fb, RtTags.FrameOfReferenceUID, VR.UI, f.frameOfReferenceUid());
            List<DicomDataset> studies = new ArrayList<>();
            for (RtStructureSet.ReferencedSeries s : f.series()) {
                DicomDataset.Builder sb = DicomDataset.builder();
                putIfPresent(sb, RtTags.SeriesInstanceUID, VR.UI, s.seriesInstanceUid());
                sb.putSequence(RtTags.ContourImageSequence, imageRefs(s.imageUids()));
                DicomDataset.Builder st = DicomDataset.builder().putString(RtTags.ReferencedSOPClassUID, VR.UI, STUDY_ROOT);
                putIfPresent(st, RtTags.ReferencedSOPInstanceUID, VR.UI, s.studyInstanceUid());
                st.putSequence(RtTags.RTReferencedSeriesSequence, List.of(sb.build()));
                studies.add(st.build());
            }
            if (!studies.isEmpty()) {
                fb.putSequence(RtTags.RTReferencedStudySequence, studies);
            }
            frames.add(fb.build());
        }
        b.putSequence(RtTags.ReferencedFrameOfReferenceSequence, frames);
        List<DicomDataset> rois = new ArrayList<>();
        List<DicomDataset> contours = new ArrayList<>();
        List<DicomDataset> observations = new ArrayList<>();
        for (RtStructureSet.Roi r : ss.rois()) {
            DicomDataset.Builder rb = DicomDataset.builder().putInts(RtTags.ROINumber, VR.IS, r.number());
            putIfPresent(rb, RtTags.ReferencedFrameOfReferenceUID, VR.UI, r.frameOfReferenceUid());
            putIfPresent(rb, RtTags.ROIName, VR.LO, r.name());
            putIfPresent(rb, RtTags.ROIGenerationAlgorithm, VR.CS, r.generationAlgorithm());
            rois.add(rb.build());
            DicomDataset.Builder cb = DicomDataset.builder().putInts(RtTags.ReferencedROINumber, VR.IS, r.number());
            if (r.colour() != null) {
                cb.putInts(RtTags.ROIDisplayColor, VR.IS, r.colour().red(), r.colour().green(), r.colour().blue());
            }
            List<DicomDataset> items = new ArrayList<>();
            for (Contour c : r.contours()) {
                DicomDataset.Builder ib = DicomDataset.builder()
                        .putString(RtTags.ContourGeometricType, VR.CS, c.type().name())
                        .putInts(NUMBER_OF_CONTOUR_POINTS, VR.IS, c.pointCount())
                        .putDoubles(RtTags.ContourData, VR.DS, c.xyz());
                if (!c.referencedImageUids().isEmpty()) {
                    ib.putSequence(RtTags.ContourImageSequence, imageRefs(c.referencedImageUids()));
                }
                items.add(ib.build());
            }
            cb.putSequence(RtTags.ContourSequence, items);
            contours.add(cb.build());
            if (!r.interpretedType().isEmpty()) {
                observations.add(DicomDataset.builder().putInts(OBSERVATION_NUMBER, VR.IS, r.number())
                        .putInts(RtTags.ReferencedROINumber, VR.IS, r.number())
                        .putString(RtTags.RTROIInterpretedType, VR.CS, r.interpretedType()).build());
            }
        }
        b.putSequence(RtTags.StructureSetROISequence, rois);
        b.putSequence(RtTags.ROIContourSequence, contours);
        b.putSequence(RtTags.RTROIObservationsSequence, observations);
        DicomWriter.write(file, b.build());
    }

    /** An RT Plan, or an RT Ion Plan when {@link RtPlan#ion()}. */
    public static void write(RtPlan p, Path file) {
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(RtTags.SOPClassUID, VR.UI, p.ion() ? RtPlan.ION_PLAN_SOP_CLASS : RT_PLAN)
                .putString(RtTags.SOPInstanceUID, VR.UI, p.sopInstanceUid())
                .putString(RtTags.Modality, VR.CS, "RTPLAN");
        common(b, p.patientId(), null, p.frameOfReferenceUid());
        putIfPresent(b, RtTags.RTPlanLabel, VR.SH, p.label());
        putIfPresent(b, RtTags.RTPlanName, VR.LO, p.name());
        putIfPresent(b, RtTags.ApprovalStatus, VR.CS, p.approvalStatus());
        if (p.referencedStructureSetUid() != null) {
            b.putSequence(RtTags.ReferencedStructureSetSequence, List.of(DicomDataset.builder()
                    .putString(RtTags.ReferencedSOPClassUID, VR.UI, RT_STRUCTURE_SET)
                    .putString(RtTags.ReferencedSOPInstanceUID, VR.UI, p.referencedStructureSetUid()).build()));
        }
        if (!p.referencedPlanUids().isEmpty()) {
            List<DicomDataset> refs = new ArrayList<>();
            for (String uid : p.referencedPlanUids()) {
                refs.add(DicomDataset.builder().putString(RtTags.ReferencedSOPClassUID, VR.UI, RT_PLAN)
                        .putString(RtTags.ReferencedSOPInstanceUID, VR.UI, uid).build());
            }
            b.putSequence(RtTags.ReferencedRTPlanSequence, refs);
        }
        List<DicomDataset> groups = new ArrayList<>();
        for (RtPlan.FractionGroup g : p.fractionGroups()) {
            List<DicomDataset> beams = new ArrayList<>();
            for (int i = 0; i < g.beamNumbers().size(); i++) {
                DicomDataset.Builder rb = DicomDataset.builder().putInts(RtTags.ReferencedBeamNumber, VR.IS, g.beamNumbers().get(i));
                putIfFinite(rb, RtTags.BeamMeterset, g.beamMetersets().get(i));
                putIfFinite(rb, RtTags.BeamDose, g.beamDosesGy().get(i));
                beams.add(rb.build());
            }
            groups.add(DicomDataset.builder().putInts(RtTags.FractionGroupNumber, VR.IS, g.number())
                    .putInts(RtTags.NumberOfFractionsPlanned, VR.IS, g.fractionsPlanned())
                    .putInts(RtTags.NumberOfBeams, VR.IS, g.beamNumbers().size())
                    .putSequence(RtTags.ReferencedBeamSequence, beams).build());
        }
        b.putSequence(RtTags.FractionGroupSequence, groups);
        List<DicomDataset> beams = new ArrayList<>();
        for (RtPlan.Beam beam : p.beams()) {
            DicomDataset.Builder bb = DicomDataset.builder().putInts(RtTags.BeamNumber, VR.IS, beam.number())
                    .putInts(RtTags.NumberOfControlPoints, VR.IS, beam.controlPoints());
            putIfPresent(bb, RtTags.BeamName, VR.LO, beam.name());
            putIfPresent(bb, RtTags.BeamType, VR.CS, beam.type());
            putIfPresent(bb, RtTags.RadiationType, VR.CS, beam.radiationType());
            putIfPresent(bb, RtTags.TreatmentDeliveryType, VR.CS, beam.treatmentDeliveryType());
            putIfPresent(bb, RtTags.TreatmentMachineName, VR.SH, beam.machine());
            DicomDataset.Builder cp = DicomDataset.builder().putInts(CONTROL_POINT_INDEX, VR.IS, 0);
            putIfFinite(cp, RtTags.GantryAngle, beam.gantryAngleDeg());
            putIfFinite(cp, RtTags.NominalBeamEnergy, beam.nominalEnergy());
            if (beam.isocentre() != null) {
                Vec3 iso = beam.isocentre();
                cp.putDoubles(RtTags.IsocenterPosition, VR.DS, iso.x(), iso.y(), iso.z());
            }
            bb.putSequence(p.ion() ? RtTags.IonControlPointSequence : RtTags.ControlPointSequence, List.of(cp.build()));
            beams.add(bb.build());
        }
        b.putSequence(p.ion() ? RtTags.IonBeamSequence : RtTags.BeamSequence, beams);
        List<DicomDataset> refs = new ArrayList<>();
        for (RtPlan.DoseReference d : p.doseReferences()) {
            DicomDataset.Builder db = DicomDataset.builder().putInts(RtTags.DoseReferenceNumber, VR.IS, d.number());
            putIfPresent(db, RtTags.DoseReferenceStructureType, VR.CS, d.structureType());
            putIfPresent(db, RtTags.DoseReferenceType, VR.CS, d.type());
            putIfPresent(db, RtTags.DoseReferenceDescription, VR.LO, d.description());
            if (d.referencedRoiNumber() >= 0) {
                db.putInts(RtTags.ReferencedROINumberInDoseRef, VR.IS, d.referencedRoiNumber());
            }
            putIfFinite(db, RtTags.TargetPrescriptionDose, d.targetPrescriptionDoseGy());
            putIfFinite(db, RtTags.DeliveryMaximumDose, d.deliveryMaximumDoseGy());
            refs.add(db.build());
        }
        b.putSequence(RtTags.DoseReferenceSequence, refs);
        DicomWriter.write(file, b.build());
    }

    /**
     * An RT Dose as a multi-frame image with GridFrameOffsetVector in the relative form. Stored values are
     * unsigned integers of the record's bit depth times its DoseGridScaling; a dose that does not fit
     * (negative, or above the largest stored value times the scaling) is refused.
     */
    public static void write(RtDose d, Path file) {
        ImageGrid g = d.grid();
        Vec3 normal = g.axisI().cross(g.axisJ()).normalized();
        double along = g.axisK().dot(normal);
        if (Math.abs(Math.abs(along) - 1) > 1e-6) {
            throw new InvalidInputException("dose grid's k axis " + g.axisK() + " is not along the frame normal " + normal);
        }
        double perGy = d.units().equals("CGY") ? 100 / d.gridScaling() : 1 / d.gridScaling();
        long maxStored = d.bitsAllocated() == 16 ? 0xFFFFL : 0xFFFFFFFFL;
        if (d.bitsAllocated() != 16 && d.bitsAllocated() != 32) {
            throw new InvalidInputException("RT Dose bits must be 16 or 32, got " + d.bitsAllocated());
        }
        float[] gy = d.volume().gy();
        ByteBuffer px = ByteBuffer.allocate(gy.length * d.bitsAllocated() / 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < gy.length; i++) {
            long s = Math.round(gy[i] * perGy);
            if (s < 0 || s > maxStored || Float.isNaN(gy[i])) {
                throw new InvalidInputException("dose " + gy[i] + " at voxel " + i + " does not fit " + d.bitsAllocated()
                        + "-bit unsigned storage at DoseGridScaling " + d.gridScaling());
            }
            if (d.bitsAllocated() == 16) {
                px.putShort((short) s);
            } else {
                px.putInt((int) s);
            }
        }
        double[] offsets = new double[g.nz()];
        for (int k = 0; k < offsets.length; k++) {
            offsets[k] = k * g.dz() * along;
        }
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(RtTags.SOPClassUID, VR.UI, RT_DOSE)
                .putString(RtTags.SOPInstanceUID, VR.UI, d.sopInstanceUid())
                .putString(RtTags.Modality, VR.CS, "RTDOSE")
                .putInts(RtTags.NumberOfFrames, VR.IS, g.nz())
                .putBytes(FRAME_INCREMENT_POINTER, VR.AT, new byte[] {0x04, 0x30, 0x0C, 0x00})
                .putInts(RtTags.PixelRepresentation, VR.US, 0)
                .putDoubles(RtTags.GridFrameOffsetVector, VR.DS, offsets)
                .putDoubles(RtTags.DoseGridScaling, VR.DS, d.gridScaling())
                .putBytes(PIXEL_DATA, VR.OW, px.array());
        imagePlane(b, g, g.origin(), d.bitsAllocated());
        common(b, d.patientId(), null, d.frameOfReferenceUid());
        putIfPresent(b, RtTags.DoseUnits, VR.CS, d.units());
        putIfPresent(b, RtTags.DoseType, VR.CS, d.type());
        putIfPresent(b, RtTags.DoseSummationType, VR.CS, d.summationType());
        if (d.referencedPlanUid() != null) {
            List<DicomDataset> beams = new ArrayList<>();
            for (int n : d.referencedBeamNumbers()) {
                beams.add(DicomDataset.builder().putInts(RtTags.ReferencedBeamNumber, VR.IS, n).build());
            }
            List<DicomDataset> groups = new ArrayList<>();
            if (!d.referencedFractionGroups().isEmpty() || !beams.isEmpty()) {
                // The record flattens the groups' beams; all beams go to the first group.
                List<Integer> numbers = d.referencedFractionGroups().isEmpty() ? List.of(-1) : d.referencedFractionGroups();
                for (int i = 0; i < numbers.size(); i++) {
                    DicomDataset.Builder gb = DicomDataset.builder();
                    if (numbers.get(i) >= 0) {
                        gb.putInts(RtTags.ReferencedFractionGroupNumber, VR.IS, numbers.get(i));
                    }
                    if (i == 0 && !beams.isEmpty()) {
                        gb.putSequence(RtTags.ReferencedBeamSequence, beams);
                    }
                    groups.add(gb.build());
                }
            }
            DicomDataset.Builder pb = DicomDataset.builder().putString(RtTags.ReferencedSOPClassUID, VR.UI, RT_PLAN)
                    .putString(RtTags.ReferencedSOPInstanceUID, VR.UI, d.referencedPlanUid());
            if (!groups.isEmpty()) {
                pb.putSequence(RtTags.ReferencedFractionGroupSequence, groups);
            }
            b.putSequence(RtTags.ReferencedRTPlanSequence, List.of(pb.build()));
        }
        DicomWriter.write(file, b.build());
    }

    /** Image Plane and the single-sample grey-scale pixel description, shared by CT slices and RT Dose frames. */
    private static void imagePlane(DicomDataset.Builder b, ImageGrid g, Vec3 position, int bits) {
        b.putDoubles(RtTags.ImagePositionPatient, VR.DS, position.x(), position.y(), position.z())
                .putDoubles(RtTags.ImageOrientationPatient, VR.DS, g.axisI().x(), g.axisI().y(), g.axisI().z(),
                        g.axisJ().x(), g.axisJ().y(), g.axisJ().z())
                .putDoubles(RtTags.PixelSpacing, VR.DS, g.dy(), g.dx())
                .putDoubles(RtTags.SliceThickness, VR.DS, g.dz())
                .putInts(SAMPLES_PER_PIXEL, VR.US, 1)
                .putString(PHOTOMETRIC, VR.CS, "MONOCHROME2")
                .putInts(RtTags.Rows, VR.US, g.ny())
                .putInts(RtTags.Columns, VR.US, g.nx())
                .putInts(RtTags.BitsAllocated, VR.US, bits)
                .putInts(RtTags.BitsStored, VR.US, bits)
                .putInts(RtTags.HighBit, VR.US, bits - 1);
    }

    private static void common(DicomDataset.Builder b, String patientId, String studyUid, String frameUid) {
        putIfPresent(b, RtTags.PatientID, VR.LO, patientId);
        putIfPresent(b, RtTags.StudyInstanceUID, VR.UI, studyUid);
        putIfPresent(b, RtTags.FrameOfReferenceUID, VR.UI, frameUid);
    }

    private static List<DicomDataset> imageRefs(List<String> uids) {
        List<DicomDataset> refs = new ArrayList<>(uids.size());
        for (String uid : uids) {
            refs.add(DicomDataset.builder().putString(RtTags.ReferencedSOPClassUID, VR.UI, CT_IMAGE)
                    .putString(RtTags.ReferencedSOPInstanceUID, VR.UI, uid).build());
        }
        return refs;
    }

    private static void putIfPresent(DicomDataset.Builder b, int tag, VR vr, String value) {
        if (value != null && !value.isEmpty()) {
            b.putString(tag, vr, value);
        }
    }

    private static void putIfFinite(DicomDataset.Builder b, int tag, double value) {
        if (Double.isFinite(value)) {
            b.putDoubles(tag, VR.DS, value);
        }
    }
}
