package org.rtsite.dicom.rt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.rt.Contour.GeometricType;

/**
 * An RT Structure Set: its ROIs with all their contours, and what it references (frame of
 * reference, studies, series and images). ROIs keep the order of StructureSetROISequence.
 */
public record RtStructureSet(String source, String sopInstanceUid, String patientId, String label, String name,
                             List<ReferencedFrameOfReference> referencedFrames, List<Roi> rois) {

    public RtStructureSet {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        referencedFrames = List.copyOf(referencedFrames);
        rois = List.copyOf(rois);
    }

    /** A frame of reference the structure set is drawn in, and the series of it whose images carry contours. */
    public record ReferencedFrameOfReference(String frameOfReferenceUid, List<ReferencedSeries> series) {
        public ReferencedFrameOfReference {
            series = List.copyOf(series);
        }
    }

    /** One RTReferencedSeriesSequence item: its study, series and ContourImageSequence SOP instance UIDs. */
    public record ReferencedSeries(String studyInstanceUid, String seriesInstanceUid, List<String> imageUids) {
        public ReferencedSeries {
            imageUids = List.copyOf(imageUids);
        }
    }

    /** ROIDisplayColor, 0–255 per channel. */
    public record Colour(int red, int green, int blue) {
    }

    /**
     * One ROI: StructureSetROISequence's number, name, frame of reference and generation algorithm;
     * the RTROIObservationsSequence's interpreted type (empty when none); ROIContourSequence's colour
     * (null when none) and contours, POINT contours included.
     */
    public record Roi(int number, String name, String interpretedType, Colour colour, String frameOfReferenceUid,
                      String generationAlgorithm, List<Contour> contours) {
        public Roi {
            contours = List.copyOf(contours);
        }

        /** The ROI's POINT contours (markers, isocentres), each a single point. */
        public List<Contour> points() {
            return contours.stream().filter(c -> c.type() == GeometricType.POINT).toList();
        }

        /** The closed planar contours rasterized on {@code grid}; see {@link StructureRasterizer}. */
        public BinaryMask rasterize(ImageGrid grid) {
            return StructureRasterizer.rasterize(name, contours, grid);
        }

        /** Rasterized with a known contour spacing (usually the CT's slice spacing). */
        public BinaryMask rasterize(ImageGrid grid, double contourSpacingMm) {
            return StructureRasterizer.rasterize(name, contours, grid, contourSpacingMm);
        }
    }

    /** The first ROI of this name (case-insensitive). */
    public Optional<Roi> roi(String roiName) {
        return rois.stream().filter(r -> r.name.equalsIgnoreCase(roiName)).findFirst();
    }

    /** The referenced frame of reference UID: the first item's, or that of the first ROI when there is none. */
    public String frameOfReferenceUid() {
        for (ReferencedFrameOfReference f : referencedFrames) {
            if (f.frameOfReferenceUid() != null) {
                return f.frameOfReferenceUid();
            }
        }
        return rois.stream().map(Roi::frameOfReferenceUid).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** Every ContourImageSequence UID: the header's and each contour's, without repeats, in order of appearance. */
    public List<String> referencedImageUids() {
        java.util.LinkedHashSet<String> uids = new java.util.LinkedHashSet<>();
        for (ReferencedFrameOfReference f : referencedFrames) {
            for (ReferencedSeries s : f.series()) {
                uids.addAll(s.imageUids());
            }
        }
        for (Roi r : rois) {
            for (Contour c : r.contours()) {
                uids.addAll(c.referencedImageUids());
            }
        }
        return List.copyOf(uids);
    }

    public int contourCount() {
        return rois.stream().mapToInt(r -> r.contours().size()).sum();
    }

    public static RtStructureSet read(Path file) {
        return of(DicomFile.read(file));
    }

    public static RtStructureSet of(DicomFile file) {
        DicomDataset ds = file.dataset();
        RtObjects.requireModality(file, "RTSTRUCT");
        List<ReferencedFrameOfReference> frames = new ArrayList<>();
        for (DicomDataset f : ds.getSequence(Tag.ReferencedFrameOfReferenceSequence)) {
            List<ReferencedSeries> series = new ArrayList<>();
            for (DicomDataset study : f.getSequence(Tag.RTReferencedStudySequence)) {
                String studyUid = study.getString(Tag.ReferencedSOPInstanceUID);
                for (DicomDataset s : study.getSequence(Tag.RTReferencedSeriesSequence)) {
                    series.add(new ReferencedSeries(studyUid, s.getString(Tag.SeriesInstanceUID),
                            RtObjects.referencedUids(s.getSequence(Tag.ContourImageSequence))));
                }
            }
            frames.add(new ReferencedFrameOfReference(f.getString(Tag.FrameOfReferenceUID), series));
        }
        Map<Integer, String> types = new LinkedHashMap<>();
        for (DicomDataset o : ds.getSequence(Tag.RTROIObservationsSequence)) {
            int ref = o.getInt(Tag.ReferencedROINumber, Integer.MIN_VALUE);
            String type = o.getString(Tag.RTROIInterpretedType);
            if (ref != Integer.MIN_VALUE && type != null) {
                types.putIfAbsent(ref, type);
            }
        }
        Map<Integer, DicomDataset> contourItems = new LinkedHashMap<>();
        for (DicomDataset rc : ds.getSequence(Tag.ROIContourSequence)) {
            int ref = rc.getInt(Tag.ReferencedROINumber, Integer.MIN_VALUE);
            if (ref == Integer.MIN_VALUE) {
                throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, Tag.ReferencedROINumber,
                        "an ROIContourSequence item has no ReferencedROINumber");
            }
            contourItems.putIfAbsent(ref, rc);
        }
        List<Roi> rois = new ArrayList<>();
        for (DicomDataset r : ds.getSequence(Tag.StructureSetROISequence)) {
            int number = r.requireInt(Tag.ROINumber);
            DicomDataset rc = contourItems.get(number);
            Colour colour = null;
            List<Contour> contours = new ArrayList<>();
            if (rc != null) {
                int[] rgb = rc.getInts(Tag.ROIDisplayColor);
                if (rgb.length == 3) {
                    colour = new Colour(rgb[0], rgb[1], rgb[2]);
                }
                List<DicomDataset> items = rc.getSequence(Tag.ContourSequence);
                for (int c = 0; c < items.size(); c++) {
                    contours.add(contour(file.source(), number, c, items.get(c)));
                }
            }
            rois.add(new Roi(number, r.getString(Tag.ROIName, ""), types.getOrDefault(number, ""), colour,
                    r.getString(Tag.ReferencedFrameOfReferenceUID), r.getString(Tag.ROIGenerationAlgorithm, ""),
                    contours));
        }
        return new RtStructureSet(file.source(), RtObjects.sopInstanceUid(file), ds.getString(Tag.PatientID),
                ds.getString(Tag.StructureSetLabel, ""), ds.getString(Tag.StructureSetName, ""), frames, rois);
    }

    private static Contour contour(String source, int roi, int index, DicomDataset item) {
        String typeText = item.getString(Tag.ContourGeometricType, "");
        GeometricType type;
        try {
            type = GeometricType.valueOf(typeText.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.ContourGeometricType,
                    "ROI " + roi + " contour #" + index + ": unknown ContourGeometricType '" + typeText + "'", e);
        }
        double[] xyz = item.getDoubles(Tag.ContourData);
        if (xyz.length == 0 || xyz.length % 3 != 0) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.ContourData,
                    "ROI " + roi + " contour #" + index + ": ContourData has " + xyz.length
                            + " numbers, not a positive multiple of 3");
        }
        try {
            return new Contour(type, xyz, RtObjects.referencedUids(item.getSequence(Tag.ContourImageSequence)));
        } catch (InvalidInputException e) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.ContourData,
                    "ROI " + roi + " contour #" + index + ": " + e.getMessage(), e);
        }
    }
}
