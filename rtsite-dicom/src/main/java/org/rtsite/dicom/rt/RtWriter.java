package org.rtsite.dicom.rt;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;

/**
 * Writes the RT records back as DICOM files (explicit VR little endian, through
 * {@link DicomWriter}): a CT series, an RT Dose, an RT Structure Set, an RT (Ion) Plan. What the
 * readers read is written, so that write → read gives the record back; used for test fixtures and
 * for rtsite's own outputs and the sample archive. Each object is placed in a study and its own series
 * ({@link SeriesPlacement}) and carries every Type 1 and Type 2 attribute of its IOD's mandatory modules,
 * so that dicom3tools' {@code dciodvfy} finds no error in it (docs/dicom.md, "Conformance"). What the
 * record does not hold is written empty where the standard allows (Type 2), and otherwise as a fixed,
 * documented value: an RT Plan's beams get open jaws, no wedges or blocks, and a meterset weight running
 * from 0 to 1 over their control points; the values say nothing about the real plan's delivery.
 */
public final class RtWriter {

    /** DoseSummationType values under which ReferencedFractionGroupSequence is required (and allowed). */
    private static final java.util.Set<String> PART_OF_PLAN_SUMMATIONS = java.util.Set.of("FRACTION", "BEAM", "BRACHY",
            "FRACTION_SESSION", "BEAM_SESSION", "BRACHY_SESSION", "CONTROL_POINT");
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

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
        // A series record read from an archive always has its UIDs; one built in memory may lack them.
        return writeCtSeries(series, new SeriesPlacement(orNew(series.studyInstanceUid()),
                orNew(series.seriesInstanceUid()), 1), dir);
    }

    /**
     * As {@link #writeCtSeries(CtSeries, Path)}, in the placement's study and series (which replace the
     * record's UIDs).
     */
    public static List<Path> writeCtSeries(CtSeries series, SeriesPlacement placement, Path dir) {
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
                    .putString(Tag.SOPClassUID, VR.UI, SopClass.CT_IMAGE)
                    .putString(Tag.SOPInstanceUID, VR.UI, series.sopInstanceUids().get(k))
                    .putString(Tag.Modality, VR.CS, "CT")
                    .putInts(Tag.InstanceNumber, VR.IS, k + 1)
                    // Rewritten from a record, not straight from a scanner: DERIVED, SECONDARY.
                    .putString(Tag.ImageType, VR.CS, "DERIVED", "SECONDARY", "AXIAL")
                    .putString(Tag.Laterality, VR.CS)
                    .putString(Tag.KVP, VR.DS)
                    .putString(Tag.AcquisitionNumber, VR.IS)
                    .putInts(Tag.PixelRepresentation, VR.US, 1)
                    .putDoubles(Tag.RescaleIntercept, VR.DS, 0)
                    .putDoubles(Tag.RescaleSlope, VR.DS, 1)
                    .putBytes(Tag.PixelData, VR.OW, px.array());
            imagePlane(b, g, p, 16);
            common(b, series.patientId(), placement, series.frameOfReferenceUid());
            putIfPresent(b, Tag.PatientPosition, VR.CS, series.patientPosition());
            Path f = dir.resolve(String.format("ct%04d.dcm", k));
            DicomWriter.write(f, b.build());
            files.add(f);
        }
        return files;
    }

    /**
     * An RT Structure Set as a new series in the study of the first CT series it references (a new study
     * when it references none); see {@link #write(RtStructureSet, SeriesPlacement, Path)}.
     */
    public static void write(RtStructureSet ss, Path file) {
        String study = ss.referencedFrames().stream().flatMap(f -> f.series().stream())
                .map(RtStructureSet.ReferencedSeries::studyInstanceUid).filter(u -> u != null && !u.isEmpty())
                .findFirst().orElseGet(RtWriter::newUid);
        write(ss, SeriesPlacement.newSeries(study, 1), file);
    }

    /** An RT Structure Set with every ROI, its observation (interpreted type), colour and contours. */
    public static void write(RtStructureSet ss, SeriesPlacement placement, Path file) {
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, SopClass.RT_STRUCTURE_SET)
                .putString(Tag.SOPInstanceUID, VR.UI, ss.sopInstanceUid())
                .putString(Tag.Modality, VR.CS, "RTSTRUCT");
        common(b, ss.patientId(), placement, ss.frameOfReferenceUid());
        LocalDateTime now = LocalDateTime.now();
        // StructureSetLabel is Type 1: a record without a label gets the set's name, else "RTSTRUCT".
        b.putString(Tag.StructureSetLabel, VR.SH, firstNonEmpty(ss.label(), ss.name(), "RTSTRUCT"));
        putIfPresent(b, Tag.StructureSetName, VR.LO, ss.name());
        b.putString(Tag.StructureSetDate, VR.DA, now.format(DA)).putString(Tag.StructureSetTime, VR.TM, now.format(TM));
        List<DicomDataset> frames = new ArrayList<>();
        for (RtStructureSet.ReferencedFrameOfReference f : ss.referencedFrames()) {
            DicomDataset.Builder fb = DicomDataset.builder();
            putIfPresent(fb, Tag.FrameOfReferenceUID, VR.UI, f.frameOfReferenceUid());
            List<DicomDataset> studies = new ArrayList<>();
            for (RtStructureSet.ReferencedSeries s : f.series()) {
                DicomDataset.Builder sb = DicomDataset.builder();
                putIfPresent(sb, Tag.SeriesInstanceUID, VR.UI, s.seriesInstanceUid());
                sb.putSequence(Tag.ContourImageSequence, imageRefs(s.imageUids()));
                DicomDataset.Builder st = DicomDataset.builder()
                        .putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.DETACHED_STUDY_MANAGEMENT);
                putIfPresent(st, Tag.ReferencedSOPInstanceUID, VR.UI, s.studyInstanceUid());
                st.putSequence(Tag.RTReferencedSeriesSequence, List.of(sb.build()));
                studies.add(st.build());
            }
            if (!studies.isEmpty()) {
                fb.putSequence(Tag.RTReferencedStudySequence, studies);
            }
            frames.add(fb.build());
        }
        b.putSequence(Tag.ReferencedFrameOfReferenceSequence, frames);
        List<DicomDataset> rois = new ArrayList<>();
        List<DicomDataset> contours = new ArrayList<>();
        List<DicomDataset> observations = new ArrayList<>();
        for (RtStructureSet.Roi r : ss.rois()) {
            DicomDataset.Builder rb = DicomDataset.builder().putInts(Tag.ROINumber, VR.IS, r.number());
            putIfPresent(rb, Tag.ReferencedFrameOfReferenceUID, VR.UI, r.frameOfReferenceUid());
            putIfPresent(rb, Tag.ROIName, VR.LO, r.name());
            putType2(rb, Tag.ROIGenerationAlgorithm, VR.CS, r.generationAlgorithm());
            rois.add(rb.build());
            DicomDataset.Builder cb = DicomDataset.builder().putInts(Tag.ReferencedROINumber, VR.IS, r.number());
            if (r.colour() != null) {
                cb.putInts(Tag.ROIDisplayColor, VR.IS, r.colour().red(), r.colour().green(), r.colour().blue());
            }
            List<DicomDataset> items = new ArrayList<>();
            for (Contour c : r.contours()) {
                DicomDataset.Builder ib = DicomDataset.builder()
                        .putString(Tag.ContourGeometricType, VR.CS, c.type().name())
                        .putInts(Tag.NumberOfContourPoints, VR.IS, c.pointCount())
                        .putDoubles(Tag.ContourData, VR.DS, c.xyz());
                if (!c.referencedImageUids().isEmpty()) {
                    ib.putSequence(Tag.ContourImageSequence, imageRefs(c.referencedImageUids()));
                }
                items.add(ib.build());
            }
            cb.putSequence(Tag.ContourSequence, items);
            contours.add(cb.build());
            DicomDataset.Builder ob = DicomDataset.builder().putInts(Tag.ObservationNumber, VR.IS, r.number())
                    .putInts(Tag.ReferencedROINumber, VR.IS, r.number());
            putType2(ob, Tag.RTROIInterpretedType, VR.CS, r.interpretedType());
            observations.add(ob.putString(Tag.ROIInterpreter, VR.PN).build());
        }
        b.putSequence(Tag.StructureSetROISequence, rois);
        b.putSequence(Tag.ROIContourSequence, contours);
        b.putSequence(Tag.RTROIObservationsSequence, observations);
        DicomWriter.write(file, b.build());
    }

    /** An RT Plan written on its own: a new series in a new study. */
    public static void write(RtPlan p, Path file) {
        write(p, SeriesPlacement.newStudy(1), file);
    }

    /** An RT Plan, or an RT Ion Plan when {@link RtPlan#ion()}, in the given study and series. */
    public static void write(RtPlan p, SeriesPlacement placement, Path file) {
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, p.ion() ? SopClass.RT_ION_PLAN : SopClass.RT_PLAN)
                .putString(Tag.SOPInstanceUID, VR.UI, p.sopInstanceUid())
                .putString(Tag.Modality, VR.CS, "RTPLAN");
        common(b, p.patientId(), placement, p.frameOfReferenceUid());
        // RTPlanLabel is Type 1: a record without a label gets the plan's name, else "RTPLAN".
        b.putString(Tag.RTPlanLabel, VR.SH, firstNonEmpty(p.label(), p.name(), "RTPLAN"));
        putIfPresent(b, Tag.RTPlanName, VR.LO, p.name());
        b.putString(Tag.RTPlanDate, VR.DA).putString(Tag.RTPlanTime, VR.TM)
                // A plan on a structure set is drawn on the patient; only such a plan may reference one.
                .putString(Tag.RTPlanGeometry, VR.CS, p.referencedStructureSetUid() != null ? "PATIENT" : "TREATMENT_DEVICE");
        // The Approval module is optional; once written, a reviewed plan needs its (Type 2C) review attributes.
        putIfPresent(b, Tag.ApprovalStatus, VR.CS, p.approvalStatus());
        if ("APPROVED".equals(p.approvalStatus()) || "REJECTED".equals(p.approvalStatus())) {
            b.putString(Tag.ReviewDate, VR.DA).putString(Tag.ReviewTime, VR.TM).putString(Tag.ReviewerName, VR.PN);
        }
        if (p.referencedStructureSetUid() != null) {
            b.putSequence(Tag.ReferencedStructureSetSequence, List.of(DicomDataset.builder()
                    .putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.RT_STRUCTURE_SET)
                    .putString(Tag.ReferencedSOPInstanceUID, VR.UI, p.referencedStructureSetUid()).build()));
        }
        if (!p.referencedPlanUids().isEmpty()) {
            List<DicomDataset> refs = new ArrayList<>();
            for (String uid : p.referencedPlanUids()) {
                refs.add(DicomDataset.builder().putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.RT_PLAN)
                        .putString(Tag.ReferencedSOPInstanceUID, VR.UI, uid).build());
            }
            b.putSequence(Tag.ReferencedRTPlanSequence, refs);
        }
        List<DicomDataset> groups = new ArrayList<>();
        for (RtPlan.FractionGroup g : p.fractionGroups()) {
            List<DicomDataset> beams = new ArrayList<>();
            for (int i = 0; i < g.beamNumbers().size(); i++) {
                DicomDataset.Builder rb = DicomDataset.builder().putInts(Tag.ReferencedBeamNumber, VR.IS, g.beamNumbers().get(i));
                putIfFinite(rb, Tag.BeamMeterset, g.beamMetersets().get(i));
                putIfFinite(rb, Tag.BeamDose, g.beamDosesGy().get(i));
                beams.add(rb.build());
            }
            DicomDataset.Builder gb = DicomDataset.builder().putInts(Tag.FractionGroupNumber, VR.IS, g.number())
                    .putInts(Tag.NumberOfFractionsPlanned, VR.IS, g.fractionsPlanned())
                    .putInts(Tag.NumberOfBeams, VR.IS, g.beamNumbers().size())
                    .putInts(Tag.NumberOfBrachyApplicationSetups, VR.IS, 0);
            if (!beams.isEmpty()) {
                gb.putSequence(Tag.ReferencedBeamSequence, beams);
            }
            groups.add(gb.build());
        }
        b.putSequence(Tag.FractionGroupSequence, groups);
        List<DicomDataset> beams = new ArrayList<>();
        for (RtPlan.Beam beam : p.beams()) {
            DicomDataset.Builder bb = DicomDataset.builder().putInts(Tag.BeamNumber, VR.IS, beam.number())
                    .putInts(Tag.NumberOfControlPoints, VR.IS, beam.controlPoints());
            putIfPresent(bb, Tag.BeamName, VR.LO, beam.name());
            putIfPresent(bb, Tag.BeamType, VR.CS, beam.type());
            putIfPresent(bb, Tag.RadiationType, VR.CS, beam.radiationType());
            putIfPresent(bb, Tag.TreatmentDeliveryType, VR.CS, beam.treatmentDeliveryType());
            putType2(bb, Tag.TreatmentMachineName, VR.SH, beam.machine());
            if (!p.ion()) {
                deliveryDevices(bb);
            }
            bb.putSequence(p.ion() ? Tag.IonControlPointSequence : Tag.ControlPointSequence, controlPoints(beam, p.ion()));
            beams.add(bb.build());
        }
        b.putSequence(p.ion() ? Tag.IonBeamSequence : Tag.BeamSequence, beams);
        List<DicomDataset> refs = new ArrayList<>();
        for (RtPlan.DoseReference d : p.doseReferences()) {
            DicomDataset.Builder db = DicomDataset.builder().putInts(Tag.DoseReferenceNumber, VR.IS, d.number());
            putIfPresent(db, Tag.DoseReferenceStructureType, VR.CS, d.structureType());
            putIfPresent(db, Tag.DoseReferenceType, VR.CS, d.type());
            putIfPresent(db, Tag.DoseReferenceDescription, VR.LO, d.description());
            if (d.referencedRoiNumber() >= 0) {
                db.putInts(Tag.ReferencedROINumber, VR.IS, d.referencedRoiNumber());
            }
            putIfFinite(db, Tag.TargetPrescriptionDose, d.targetPrescriptionDoseGy());
            putIfFinite(db, Tag.DeliveryMaximumDose, d.deliveryMaximumDoseGy());
            refs.add(db.build());
        }
        if (!refs.isEmpty()) {
            b.putSequence(Tag.DoseReferenceSequence, refs);
        }
        DicomWriter.write(file, b.build());
    }

    /** An RT Dose written on its own: a new series in a new study. */
    public static void write(RtDose d, Path file) {
        write(d, SeriesPlacement.newStudy(1), file);
    }

    /**
     * An RT Dose as a multi-frame image with GridFrameOffsetVector in the relative form, in the given study
     * and series. Stored values are unsigned integers of the record's bit depth times its DoseGridScaling; a
     * dose that does not fit (negative, or above the largest stored value times the scaling) is refused.
     */
    public static void write(RtDose d, SeriesPlacement placement, Path file) {
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
                .putString(Tag.SOPClassUID, VR.UI, SopClass.RT_DOSE)
                .putString(Tag.SOPInstanceUID, VR.UI, d.sopInstanceUid())
                .putString(Tag.Modality, VR.CS, "RTDOSE")
                .putInts(Tag.InstanceNumber, VR.IS, 1)
                .putInts(Tag.NumberOfFrames, VR.IS, g.nz())
                .putBytes(Tag.FrameIncrementPointer, VR.AT, new byte[] {0x04, 0x30, 0x0C, 0x00})
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putDoubles(Tag.GridFrameOffsetVector, VR.DS, offsets)
                .putDoubles(Tag.DoseGridScaling, VR.DS, d.gridScaling())
                .putBytes(Tag.PixelData, VR.OW, px.array());
        imagePlane(b, g, g.origin(), d.bitsAllocated());
        common(b, d.patientId(), placement, d.frameOfReferenceUid());
        putIfPresent(b, Tag.DoseUnits, VR.CS, d.units());
        putIfPresent(b, Tag.DoseType, VR.CS, d.type());
        putIfPresent(b, Tag.DoseSummationType, VR.CS, d.summationType());
        if (d.referencedPlanUid() != null) {
            List<DicomDataset> beams = new ArrayList<>();
            for (int n : d.referencedBeamNumbers()) {
                beams.add(DicomDataset.builder().putInts(Tag.ReferencedBeamNumber, VR.IS, n).build());
            }
            List<DicomDataset> groups = new ArrayList<>();
            // The standard allows fraction groups and beams only in a dose of a part of the plan (not PLAN).
            if (d.summationType() != null && PART_OF_PLAN_SUMMATIONS.contains(d.summationType())
                    && (!d.referencedFractionGroups().isEmpty() || !beams.isEmpty())) {
                // The record flattens the groups' beams; all beams go to the first group.
                List<Integer> numbers = d.referencedFractionGroups().isEmpty() ? List.of(-1) : d.referencedFractionGroups();
                for (int i = 0; i < numbers.size(); i++) {
                    DicomDataset.Builder gb = DicomDataset.builder();
                    if (numbers.get(i) >= 0) {
                        gb.putInts(Tag.ReferencedFractionGroupNumber, VR.IS, numbers.get(i));
                    }
                    if (i == 0 && !beams.isEmpty()) {
                        gb.putSequence(Tag.ReferencedBeamSequence, beams);
                    }
                    groups.add(gb.build());
                }
            }
            DicomDataset.Builder pb = DicomDataset.builder().putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.RT_PLAN)
                    .putString(Tag.ReferencedSOPInstanceUID, VR.UI, d.referencedPlanUid());
            if (!groups.isEmpty()) {
                pb.putSequence(Tag.ReferencedFractionGroupSequence, groups);
            }
            b.putSequence(Tag.ReferencedRTPlanSequence, List.of(pb.build()));
        }
        DicomWriter.write(file, b.build());
    }

    /** Image Plane and the single-sample grey-scale pixel description, shared by CT slices and RT Dose frames. */
    private static void imagePlane(DicomDataset.Builder b, ImageGrid g, Vec3 position, int bits) {
        b.putDoubles(Tag.ImagePositionPatient, VR.DS, position.x(), position.y(), position.z())
                .putDoubles(Tag.ImageOrientationPatient, VR.DS, g.axisI().x(), g.axisI().y(), g.axisI().z(),
                        g.axisJ().x(), g.axisJ().y(), g.axisJ().z())
                .putDoubles(Tag.PixelSpacing, VR.DS, g.dy(), g.dx())
                .putDoubles(Tag.SliceThickness, VR.DS, g.dz())
                .putInts(Tag.SamplesPerPixel, VR.US, 1)
                .putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2")
                .putInts(Tag.Rows, VR.US, g.ny())
                .putInts(Tag.Columns, VR.US, g.nx())
                .putInts(Tag.BitsAllocated, VR.US, bits)
                .putInts(Tag.BitsStored, VR.US, bits)
                .putInts(Tag.HighBit, VR.US, bits - 1);
    }

    /**
     * Patient, General Study, (RT or General) Series, General Equipment and Frame of Reference: what the
     * record does not know is written empty (Type 2).
     */
    private static void common(DicomDataset.Builder b, String patientId, SeriesPlacement placement, String frameUid) {
        putType2(b, Tag.PatientID, VR.LO, patientId);
        b.putString(Tag.PatientName, VR.PN).putString(Tag.PatientBirthDate, VR.DA).putString(Tag.PatientSex, VR.CS);
        b.putString(Tag.StudyInstanceUID, VR.UI, placement.studyInstanceUid())
                .putString(Tag.ReferringPhysicianName, VR.PN).putString(Tag.StudyID, VR.SH)
                .putString(Tag.AccessionNumber, VR.SH);
        LocalDateTime study = placement.studyDateTime();
        if (study == null) {
            b.putString(Tag.StudyDate, VR.DA).putString(Tag.StudyTime, VR.TM);
        } else {
            b.putString(Tag.StudyDate, VR.DA, study.format(DA)).putString(Tag.StudyTime, VR.TM, study.format(TM));
        }
        b.putString(Tag.SeriesInstanceUID, VR.UI, placement.seriesInstanceUid())
                .putInts(Tag.SeriesNumber, VR.IS, placement.seriesNumber())
                .putString(Tag.OperatorsName, VR.PN)
                .putString(Tag.Manufacturer, VR.LO, RtsiteOutputMarker.MANUFACTURER);
        if (frameUid != null && !frameUid.isEmpty()) {
            b.putString(Tag.FrameOfReferenceUID, VR.UI, frameUid).putString(Tag.PositionReferenceIndicator, VR.LO);
        }
    }

    /**
     * RT Beams' Type 1 delivery devices the record does not hold: X and Y jaws (one pair each), no wedges,
     * compensators, boli or blocks; monitor units at 1000 mm.
     */
    private static void deliveryDevices(DicomDataset.Builder bb) {
        bb.putString(Tag.PrimaryDosimeterUnit, VR.CS, "MU")
                .putDoubles(Tag.SourceAxisDistance, VR.DS, 1000)
                .putSequence(Tag.BeamLimitingDeviceSequence, List.of(
                        DicomDataset.builder().putString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMX")
                                .putInts(Tag.NumberOfLeafJawPairs, VR.IS, 1).build(),
                        DicomDataset.builder().putString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMY")
                                .putInts(Tag.NumberOfLeafJawPairs, VR.IS, 1).build()))
                .putInts(Tag.NumberOfWedges, VR.IS, 0)
                .putInts(Tag.NumberOfCompensators, VR.IS, 0)
                .putInts(Tag.NumberOfBoli, VR.IS, 0)
                .putInts(Tag.NumberOfBlocks, VR.IS, 0)
                .putDoubles(Tag.FinalCumulativeMetersetWeight, VR.DS, 1);
    }

    /**
     * The beam's control points: the first holds what the record knows (gantry angle, energy, isocentre)
     * plus fixed machine angles of 0 and open jaws (±200 mm); the meterset weight runs from 0 to 1.
     */
    private static List<DicomDataset> controlPoints(RtPlan.Beam beam, boolean ion) {
        int n = Math.max(beam.controlPoints(), 1);
        List<DicomDataset> cps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DicomDataset.Builder cp = DicomDataset.builder().putInts(Tag.ControlPointIndex, VR.IS, i)
                    .putDoubles(Tag.CumulativeMetersetWeight, VR.DS, n == 1 ? 0 : (double) i / (n - 1));
            if (i == 0) {
                putIfFinite(cp, Tag.NominalBeamEnergy, beam.nominalEnergy());
                putIfFinite(cp, Tag.GantryAngle, beam.gantryAngleDeg());
                cp.putString(Tag.GantryRotationDirection, VR.CS, "NONE");
                if (!ion) {
                    cp.putDoubles(Tag.BeamLimitingDeviceAngle, VR.DS, 0)
                            .putString(Tag.BeamLimitingDeviceRotationDirection, VR.CS, "NONE")
                            .putSequence(Tag.BeamLimitingDevicePositionSequence, List.of(
                                    DicomDataset.builder().putString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMX")
                                            .putDoubles(Tag.LeafJawPositions, VR.DS, -200, 200).build(),
                                    DicomDataset.builder().putString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMY")
                                            .putDoubles(Tag.LeafJawPositions, VR.DS, -200, 200).build()));
                }
                cp.putDoubles(Tag.PatientSupportAngle, VR.DS, 0)
                        .putString(Tag.PatientSupportRotationDirection, VR.CS, "NONE")
                        .putDoubles(Tag.TableTopEccentricAngle, VR.DS, 0)
                        .putString(Tag.TableTopEccentricRotationDirection, VR.CS, "NONE")
                        .putString(Tag.TableTopVerticalPosition, VR.DS)
                        .putString(Tag.TableTopLongitudinalPosition, VR.DS)
                        .putString(Tag.TableTopLateralPosition, VR.DS);
                if (beam.isocentre() != null) {
                    Vec3 iso = beam.isocentre();
                    cp.putDoubles(Tag.IsocenterPosition, VR.DS, iso.x(), iso.y(), iso.z());
                } else {
                    cp.putString(Tag.IsocenterPosition, VR.DS);
                }
            }
            cps.add(cp.build());
        }
        return cps;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        throw new InvalidInputException("no non-empty value among " + java.util.Arrays.toString(values));
    }

    private static void putType2(DicomDataset.Builder b, int tag, VR vr, String value) {
        if (value != null && !value.isEmpty()) {
            b.putString(tag, vr, value);
        } else {
            b.putString(tag, vr);
        }
    }

    private static String orNew(String uid) {
        return uid == null || uid.isEmpty() ? newUid() : uid;
    }

    /** ContourImageSequence items: one (ReferencedSOPClassUID CT Image, ReferencedSOPInstanceUID) per CT slice UID. */
    public static List<DicomDataset> imageRefs(List<String> uids) {
        List<DicomDataset> refs = new ArrayList<>(uids.size());
        for (String uid : uids) {
            refs.add(DicomDataset.builder().putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.CT_IMAGE)
                    .putString(Tag.ReferencedSOPInstanceUID, VR.UI, uid).build());
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
