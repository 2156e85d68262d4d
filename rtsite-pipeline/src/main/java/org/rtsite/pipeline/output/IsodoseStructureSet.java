package org.rtsite.pipeline.output;

import org.rtsite.core.InvalidInputException;
import org.rtsite.dicom.rt.MarchingSquares;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.RtsiteOutputMarker;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;
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

    static final String RT_STRUCTURE_SET = "1.2.840.10008.5.1.4.1.1.481.3";
    static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String STUDY_ROOT = "1.2.840.10008.3.1.2.3.1";
    /** The ROIs' RTROIInterpretedType: a structure derived from the dose, not anatomy. */
    public static final String INTERPRETED_TYPE = "CONTROL";

    private static final int SOP_CLASS_UID = 0x00080016;
    private static final int SOP_INSTANCE_UID = 0x00080018;
    private static final int MODALITY = 0x00080060;
    private static final int MANUFACTURER = 0x00080070;
    private static final int SERIES_DESCRIPTION = 0x0008103E;
    private static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    private static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    private static final int PATIENT_ID = 0x00100020;
    private static final int STUDY_INSTANCE_UID = 0x0020000D;
    private static final int SERIES_INSTANCE_UID = 0x0020000E;
    private static final int SERIES_NUMBER = 0x00200011;
    private static final int INSTANCE_NUMBER = 0x00200013;
    private static final int FRAME_OF_REFERENCE_UID = 0x00200052;
    private static final int STRUCTURE_SET_LABEL = 0x30060002;
    private static final int STRUCTURE_SET_NAME = 0x30060004;
    private static final int STRUCTURE_SET_DATE = 0x30060008;
    private static final int STRUCTURE_SET_TIME = 0x30060009;
    private static final int REFERENCED_FRAME_OF_REFERENCE_SEQUENCE = 0x30060010;
    private static final int RT_REFERENCED_STUDY_SEQUENCE = 0x30060012;
    private static final int RT_REFERENCED_SERIES_SEQUENCE = 0x30060014;
    private static final int CONTOUR_IMAGE_SEQUENCE = 0x30060016;
    private static final int STRUCTURE_SET_ROI_SEQUENCE = 0x30060020;
    private static final int ROI_NUMBER = 0x30060022;
    private static final int REFERENCED_FRAME_OF_REFERENCE_UID = 0x30060024;
    private static final int ROI_NAME = 0x30060026;
    private static final int ROI_DISPLAY_COLOR = 0x3006002A;
    private static final int ROI_GENERATION_ALGORITHM = 0x30060036;
    private static final int ROI_CONTOUR_SEQUENCE = 0x30060039;
    private static final int CONTOUR_SEQUENCE = 0x30060040;
    private static final int CONTOUR_GEOMETRIC_TYPE = 0x30060042;
    private static final int NUMBER_OF_CONTOUR_POINTS = 0x30060046;
    private static final int CONTOUR_DATA = 0x30060050;
    private static final int RT_ROI_OBSERVATIONS_SEQUENCE = 0x30060080;
    private static final int OBSERVATION_NUMBER = 0x30060082;
    private static final int REFERENCED_ROI_NUMBER = 0x30060084;
    private static final int RT_ROI_INTERPRETED_TYPE = 0x300600A4;
    private static final int ROI_INTERPRETER = 0x300600A6;

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
                .putString(SOP_CLASS_UID, VR.UI, RT_STRUCTURE_SET)
                .putString(SOP_INSTANCE_UID, VR.UI, rs.sopInstanceUid())
                .putString(MODALITY, VR.CS, "RTSTRUCT")
                .putString(MANUFACTURER, VR.LO, RtsiteOutputMarker.MANUFACTURER)
                .putString(SERIES_DESCRIPTION, VR.LO, RtsiteOutputMarker.ISODOSE_SERIES_DESCRIPTION)
                .putString(STUDY_INSTANCE_UID, VR.UI, ct.studyInstanceUid())
                .putString(SERIES_INSTANCE_UID, VR.UI, RtWriter.newUid())
                .putInts(SERIES_NUMBER, VR.IS, 9001)
                .putInts(INSTANCE_NUMBER, VR.IS, 1)
                .putString(STRUCTURE_SET_LABEL, VR.SH, rs.label())
                .putString(STRUCTURE_SET_NAME, VR.LO, rs.name())
                .putString(STRUCTURE_SET_DATE, VR.DA, now.format(DateTimeFormatter.BASIC_ISO_DATE))
                .putString(STRUCTURE_SET_TIME, VR.TM, now.format(DateTimeFormatter.ofPattern("HHmmss")));
        b.putString(PATIENT_ID, VR.LO, ct.patientId());
        // Type 2 attributes of the Patient, General Study and RT Series modules: present, empty when unknown.
        b.putString(0x00100010, VR.PN).putString(0x00100030, VR.DA).putString(0x00100040, VR.CS)
                .putString(0x00080020, VR.DA).putString(0x00080030, VR.TM).putString(0x00080050, VR.SH)
                .putString(0x00080090, VR.PN).putString(0x00200010, VR.SH).putString(0x00081070, VR.PN);
        List<DicomDataset> frames = new ArrayList<>();
        for (RtStructureSet.ReferencedFrameOfReference f : rs.referencedFrames()) {
            List<DicomDataset> studies = new ArrayList<>();
            for (RtStructureSet.ReferencedSeries s : f.series()) {
                DicomDataset seriesItem = DicomDataset.builder()
                        .putString(SERIES_INSTANCE_UID, VR.UI, s.seriesInstanceUid())
                        .putSequence(CONTOUR_IMAGE_SEQUENCE, imageRefs(s.imageUids())).build();
                studies.add(DicomDataset.builder().putString(REFERENCED_SOP_CLASS_UID, VR.UI, STUDY_ROOT)
                        .putString(REFERENCED_SOP_INSTANCE_UID, VR.UI, s.studyInstanceUid())
                        .putSequence(RT_REFERENCED_SERIES_SEQUENCE, List.of(seriesItem)).build());
            }
            frames.add(DicomDataset.builder().putString(FRAME_OF_REFERENCE_UID, VR.UI, f.frameOfReferenceUid())
                    .putSequence(RT_REFERENCED_STUDY_SEQUENCE, studies).build());
        }
        b.putSequence(REFERENCED_FRAME_OF_REFERENCE_SEQUENCE, frames);
        List<DicomDataset> rois = new ArrayList<>();
        List<DicomDataset> contours = new ArrayList<>();
        List<DicomDataset> observations = new ArrayList<>();
        for (RtStructureSet.Roi r : rs.rois()) {
            rois.add(DicomDataset.builder().putInts(ROI_NUMBER, VR.IS, r.number())
                    .putString(REFERENCED_FRAME_OF_REFERENCE_UID, VR.UI, r.frameOfReferenceUid())
                    .putString(ROI_NAME, VR.LO, r.name())
                    .putString(ROI_GENERATION_ALGORITHM, VR.CS, r.generationAlgorithm()).build());
            List<DicomDataset> items = new ArrayList<>();
            for (Contour c : r.contours()) {
                items.add(DicomDataset.builder()
                        .putSequence(CONTOUR_IMAGE_SEQUENCE, imageRefs(c.referencedImageUids()))
                        .putString(CONTOUR_GEOMETRIC_TYPE, VR.CS, c.type().name())
                        .putInts(NUMBER_OF_CONTOUR_POINTS, VR.IS, c.pointCount())
                        .putDoubles(CONTOUR_DATA, VR.DS, c.xyz()).build());
            }
            RtStructureSet.Colour col = r.colour();
            contours.add(DicomDataset.builder().putInts(ROI_DISPLAY_COLOR, VR.IS, col.red(), col.green(), col.blue())
                    .putSequence(CONTOUR_SEQUENCE, items)
                    .putInts(REFERENCED_ROI_NUMBER, VR.IS, r.number()).build());
            observations.add(DicomDataset.builder().putInts(OBSERVATION_NUMBER, VR.IS, r.number())
                    .putInts(REFERENCED_ROI_NUMBER, VR.IS, r.number())
                    .putString(RT_ROI_INTERPRETED_TYPE, VR.CS, r.interpretedType())
                    .putString(ROI_INTERPRETER, VR.PN).build());
        }
        b.putSequence(STRUCTURE_SET_ROI_SEQUENCE, rois);
        b.putSequence(ROI_CONTOUR_SEQUENCE, contours);
        b.putSequence(RT_ROI_OBSERVATIONS_SEQUENCE, observations);
        DicomWriter.write(file, b.build());
    }

    private static List<DicomDataset> imageRefs(List<String> uids) {
        List<DicomDataset> refs = new ArrayList<>(uids.size());
        for (String uid : uids) {
            refs.add(DicomDataset.builder().putString(REFERENCED_SOP_CLASS_UID, VR.UI, CT_IMAGE)
                    .putString(REFERENCED_SOP_INSTANCE_UID, VR.UI, uid).build());
        }
        return refs;
    }

    /** 1 µm is far below any CT's resolution and keeps DS values short (16 characters at most). */
    private static double round(double mm) {
        return Math.round(mm * 1000) / 1000.0;
    }
}
