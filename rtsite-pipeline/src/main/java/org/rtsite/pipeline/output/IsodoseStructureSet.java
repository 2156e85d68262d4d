package org.rtsite.pipeline.output;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.MarchingSquares;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.dicom.rt.RtsiteOutputMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Isodose surfaces of a plan as an RT Structure Set drawn on the plan's CT series: one ROI per level,
 * one CLOSED_PLANAR contour per isoline and slice (marching squares on the CT grid, see
 * {@link MarchingSquares}), each contour referencing its slice, the whole set referencing the CT's
 * frame of reference, study and series. Holes are separate contours (even–odd, as planning systems
 * and rtsite's own rasterizer read them).
 *
 * <pre>{@code
 * RtStructureSet rs = IsodoseStructureSet.write(CtSeriesIdentity.of(ct), dose, IsodoseLevel.of(result), out);
 * }</pre>
 *
 * The dose may be on any grid; it is resampled (trilinear, as the classifier does) onto the CT grid one
 * slice at a time, so memory stays one slice of floats.
 */
public final class IsodoseStructureSet {

    private static final Logger LOG = LoggerFactory.getLogger(IsodoseStructureSet.class);

    /** The ROIs' RTROIInterpretedType: a structure derived from the dose, not anatomy. */
    public static final String INTERPRETED_TYPE = "CONTROL";

    private IsodoseStructureSet() {
    }

    /**
     * The structure set as a record (not written): ROIs numbered from 1 in the order of {@code levels}.
     *
     * @throws InvalidInputException when the dose does not meet the CT grid
     */
    public static RtStructureSet contour(CtSeriesIdentity ct, DoseVolume dose, List<IsodoseLevel> levels) {
        Objects.requireNonNull(ct, "ct");
        Objects.requireNonNull(dose, "dose");
        if (levels.isEmpty()) {
            throw new InvalidInputException("no isodose levels to contour");
        }
        ImageGrid g = ct.grid();
        IndexBox foot = DoseResampler.footprint(dose.grid(), g);
        if (foot.isEmpty()) {
            throw new InvalidInputException("dose grid " + dose.grid().describe() + " does not meet the CT grid "
                    + g.describe() + " of series " + ct.seriesInstanceUid());
        }
        List<List<Contour>> perLevel = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            perLevel.add(new ArrayList<>());
        }
        float[] slice = new float[g.nx() * g.ny()];
        for (int k = foot.k0(); k < foot.k1(); k++) {
            // The footprint's i, j box is resampled; the rest of the slice has no dose.
            float[] part = DoseResampler.resample(dose, g, new IndexBox(foot.i0(), foot.j0(), k, foot.i1(), foot.j1(), k + 1));
            java.util.Arrays.fill(slice, 0f);
            int w = foot.i1() - foot.i0();
            for (int j = foot.j0(); j < foot.j1(); j++) {
                System.arraycopy(part, (j - foot.j0()) * w, slice, foot.i0() + g.nx() * j, w);
            }
            List<String> image = List.of(ct.sopInstanceUids().get(k));
            for (int l = 0; l < levels.size(); l++) {
                for (double[] poly : MarchingSquares.isolines(slice, g.nx(), g.ny(), levels.get(l).gy())) {
                    int n = poly.length / 2;
                    double[] xyz = new double[3 * n];
                    for (int p = 0; p < n; p++) {
                        Vec3 v = g.toPatient(poly[2 * p], poly[2 * p + 1], k);
                        xyz[3 * p] = round(v.x());
                        xyz[3 * p + 1] = round(v.y());
                        xyz[3 * p + 2] = round(v.z());
                    }
                    perLevel.get(l).add(new Contour(Contour.GeometricType.CLOSED_PLANAR, xyz, image));
                }
            }
        }
        List<RtStructureSet.Roi> rois = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            IsodoseLevel level = levels.get(l);
            rois.add(new RtStructureSet.Roi(l + 1, level.roiName(), INTERPRETED_TYPE, level.colour(),
                    ct.frameOfReferenceUid(), "AUTOMATIC", perLevel.get(l)));
            LOG.debug("{} at {} Gy: {} contours", level.roiName(), level.gy(), perLevel.get(l).size());
        }
        RtStructureSet.ReferencedSeries series = new RtStructureSet.ReferencedSeries(ct.studyInstanceUid(),
                ct.seriesInstanceUid(), ct.sopInstanceUids());
        return new RtStructureSet(null, RtWriter.newUid(), ct.patientId(), "rtsite isodose",
                "rtsite isodose levels", List.of(new RtStructureSet.ReferencedFrameOfReference(ct.frameOfReferenceUid(),
                List.of(series))), rois);
    }

    /** Contours the levels and writes the RTSTRUCT to {@code file} (a new series in the CT's study). */
    public static RtStructureSet write(CtSeriesIdentity ct, DoseVolume dose, List<IsodoseLevel> levels, Path file) {
        RtStructureSet rs = contour(ct, dose, levels);
        write(rs, ct, file);
        return rs;
    }

    /** Writes a structure set made by {@link #contour} as a complete-enough RTSTRUCT in the CT's study. */
    public static void write(RtStructureSet rs, CtSeriesIdentity ct, Path file) {
        LocalDateTime now = LocalDateTime.now();
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, SopClass.RT_STRUCTURE_SET)
                .putString(Tag.SOPInstanceUID, VR.UI, rs.sopInstanceUid())
                .putString(Tag.Modality, VR.CS, "RTSTRUCT")
                .putString(Tag.Manufacturer, VR.LO, RtsiteOutputMarker.MANUFACTURER)
                .putString(Tag.SeriesDescription, VR.LO, RtsiteOutputMarker.ISODOSE_SERIES_DESCRIPTION)
                .putString(Tag.StudyInstanceUID, VR.UI, ct.studyInstanceUid())
                .putString(Tag.SeriesInstanceUID, VR.UI, RtWriter.newUid())
                .putInts(Tag.SeriesNumber, VR.IS, 9001)
                .putInts(Tag.InstanceNumber, VR.IS, 1)
                // Frame of Reference module: the CT's, which every contour is drawn in.
                .putString(Tag.FrameOfReferenceUID, VR.UI, ct.frameOfReferenceUid())
                .putString(Tag.PositionReferenceIndicator, VR.LO)
                .putString(Tag.StructureSetLabel, VR.SH, rs.label())
                .putString(Tag.StructureSetName, VR.LO, rs.name())
                .putString(Tag.StructureSetDate, VR.DA, now.format(DateTimeFormatter.BASIC_ISO_DATE))
                .putString(Tag.StructureSetTime, VR.TM, now.format(DateTimeFormatter.ofPattern("HHmmss")));
        b.putString(Tag.PatientID, VR.LO, ct.patientId());
        // Type 2 attributes of the Patient, General Study and RT Series modules: present, empty when unknown.
        b.putString(Tag.PatientName, VR.PN).putString(Tag.PatientBirthDate, VR.DA).putString(Tag.PatientSex, VR.CS)
                .putString(Tag.StudyDate, VR.DA).putString(Tag.StudyTime, VR.TM).putString(Tag.AccessionNumber, VR.SH)
                .putString(Tag.ReferringPhysicianName, VR.PN).putString(Tag.StudyID, VR.SH).putString(Tag.OperatorsName, VR.PN);
        List<DicomDataset> frames = new ArrayList<>();
        for (RtStructureSet.ReferencedFrameOfReference f : rs.referencedFrames()) {
            List<DicomDataset> studies = new ArrayList<>();
            for (RtStructureSet.ReferencedSeries s : f.series()) {
                DicomDataset seriesItem = DicomDataset.builder()
                        .putString(Tag.SeriesInstanceUID, VR.UI, s.seriesInstanceUid())
                        .putSequence(Tag.ContourImageSequence, RtWriter.imageRefs(s.imageUids())).build();
                studies.add(DicomDataset.builder().putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.DETACHED_STUDY_MANAGEMENT)
                        .putString(Tag.ReferencedSOPInstanceUID, VR.UI, s.studyInstanceUid())
                        .putSequence(Tag.RTReferencedSeriesSequence, List.of(seriesItem)).build());
            }
            frames.add(DicomDataset.builder().putString(Tag.FrameOfReferenceUID, VR.UI, f.frameOfReferenceUid())
                    .putSequence(Tag.RTReferencedStudySequence, studies).build());
        }
        b.putSequence(Tag.ReferencedFrameOfReferenceSequence, frames);
        List<DicomDataset> rois = new ArrayList<>();
        List<DicomDataset> contours = new ArrayList<>();
        List<DicomDataset> observations = new ArrayList<>();
        for (RtStructureSet.Roi r : rs.rois()) {
            rois.add(DicomDataset.builder().putInts(Tag.ROINumber, VR.IS, r.number())
                    .putString(Tag.ReferencedFrameOfReferenceUID, VR.UI, r.frameOfReferenceUid())
                    .putString(Tag.ROIName, VR.LO, r.name())
                    .putString(Tag.ROIGenerationAlgorithm, VR.CS, r.generationAlgorithm()).build());
            List<DicomDataset> items = new ArrayList<>();
            for (Contour c : r.contours()) {
                items.add(DicomDataset.builder()
                        .putSequence(Tag.ContourImageSequence, RtWriter.imageRefs(c.referencedImageUids()))
                        .putString(Tag.ContourGeometricType, VR.CS, c.type().name())
                        .putInts(Tag.NumberOfContourPoints, VR.IS, c.pointCount())
                        .putDoubles(Tag.ContourData, VR.DS, c.xyz()).build());
            }
            RtStructureSet.Colour col = r.colour();
            contours.add(DicomDataset.builder().putInts(Tag.ROIDisplayColor, VR.IS, col.red(), col.green(), col.blue())
                    .putSequence(Tag.ContourSequence, items)
                    .putInts(Tag.ReferencedROINumber, VR.IS, r.number()).build());
            observations.add(DicomDataset.builder().putInts(Tag.ObservationNumber, VR.IS, r.number())
                    .putInts(Tag.ReferencedROINumber, VR.IS, r.number())
                    .putString(Tag.RTROIInterpretedType, VR.CS, r.interpretedType())
                    .putString(Tag.ROIInterpreter, VR.PN).build());
        }
        b.putSequence(Tag.StructureSetROISequence, rois);
        b.putSequence(Tag.ROIContourSequence, contours);
        b.putSequence(Tag.RTROIObservationsSequence, observations);
        DicomWriter.write(file, b.build());
    }

    /** 1 µm is far below any CT's resolution and keeps DS values short (16 characters at most). */
    private static double round(double mm) {
        return Math.round(mm * 1000) / 1000.0;
    }
}
