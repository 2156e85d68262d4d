package org.rtsite.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicom.DataDictionary;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomElement;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.RtsiteOutputMarker;

/** Reads the tag subset linkage needs from one file, in one header-only read. */
final class HeaderExtractor {

    /** Top-level elements the linker uses; the reader stops after the highest (300C,0060). */
    static final int[] TAGS = {
            Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.PatientID, Tag.StudyInstanceUID,
            Tag.SeriesInstanceUID, Tag.InstanceNumber, Tag.ImagePositionPatient, Tag.ImageOrientationPatient,
            Tag.FrameOfReferenceUID, Tag.NumberOfFrames, Tag.Rows, Tag.Columns, Tag.PixelSpacing,
            Tag.RescaleIntercept, Tag.RescaleSlope, Tag.DoseGridScaling, Tag.DoseSummationType, Tag.GridFrameOffsetVector, Tag.ReferencedFrameOfReferenceSequence,
            Tag.FractionGroupSequence, Tag.ReferencedRTPlanSequence, Tag.ReferencedStructureSetSequence,
            Tag.Manufacturer, Tag.SeriesDescription};

    private static final DicomReader READER = DicomReader.defaults().withStopBeforePixelData(true).withOnlyTags(TAGS);
    /** Second read, only for structure sets whose header lists no contour images (see {@link #contourLevelImages}). */
    private static final DicomReader CONTOURS = DicomReader.defaults().withStopBeforePixelData(true)
            .withOnlyTags(Tag.ROIContourSequence);

    private HeaderExtractor() {
    }

    static IndexedFile read(Path path, long size, long mtime) {
        return parse(path, size, mtime, prefetch(path, size));
    }

    /** A file opened and its first bytes read ({@link #prefetch}), or why it could not be. */
    record Fetched(DicomReader.Prefetched file, RuntimeException failure) {
    }

    /**
     * The I/O half of {@link #read}: opens the file and reads the bytes its header needs first, so that a
     * scan can keep many reads in flight on a cold disk and parse on as many threads as cores. A failure
     * is kept for {@link #parse} to report, as {@link #read} would.
     */
    static Fetched prefetch(Path path, long size) {
        return prefetch(path, size, null);
    }

    /**
     * {@link #prefetch(Path, long)} into a buffer of the caller's ({@link DicomReader#HEADER_READ_BYTES} long),
     * which the file holds until it is {@link #parse parsed}; null allocates one.
     */
    static Fetched prefetch(Path path, long size, byte[] buffer) {
        try {
            return new Fetched(READER.prefetch(path, size, buffer), null); // the size the walk listed: no second stat
        } catch (RuntimeException e) {
            return new Fetched(null, e);
        }
    }

    /** How many bytes {@link #prefetch} reads first from a file of this size ({@link DicomReader#firstRead}). */
    static int firstRead(long size) {
        return READER.firstRead(size);
    }

    /**
     * A file whose first {@code filled} bytes the caller read into {@code buffer} itself (a batched read of many
     * files' heads), parsed by {@link #parse} as if {@link #prefetch} had read them.
     */
    static Fetched prefetched(Path path, long size, byte[] buffer, int filled) {
        try {
            return new Fetched(READER.prefetched(path, size, buffer, filled), null);
        } catch (RuntimeException e) {
            return new Fetched(null, e);
        }
    }

    /** The parse half of {@link #read}: the row of a {@link #prefetch prefetched} file (closed here). */
    static IndexedFile parse(Path path, long size, long mtime, Fetched fetched) {
        String p = path.toString();
        DicomFile file;
        try {
            if (fetched.failure() != null) {
                throw fetched.failure();
            }
            file = READER.read(fetched.file());
        } catch (DicomFormatException e) {
            boolean notDicom = e.getMessage() != null && e.getMessage().contains("not a DICOM file");
            return failed(p, size, mtime, notDicom ? FileStatus.NOT_DICOM : FileStatus.UNREADABLE, e.getMessage());
        } catch (RuntimeException e) {
            // The codec promises DicomFormatException for bad data; anything else is still never fatal to a scan.
            return failed(p, size, mtime, FileStatus.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            return extract(p, size, mtime, file);
        } catch (DicomFormatException e) {
            return failed(p, size, mtime, FileStatus.UNREADABLE, e.getMessage());
        } catch (RuntimeException e) {
            return failed(p, size, mtime, FileStatus.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static IndexedFile failed(String path, long size, long mtime, FileStatus status, String reason) {
        return new IndexedFile(path, size, mtime, status, reason == null ? status.name() : reason, false, null, null,
                null, null, null, null, null, null, null, null, null, null, null, Map.of());
    }

    private static IndexedFile extract(String p, long size, long mtime, DicomFile file) {
        DicomDataset d = typed(file.dataset());
        String sop = d.getString(Tag.SOPInstanceUID);
        if (sop == null) {
            sop = file.meta().getString(Tag.MediaStorageSOPInstanceUID);
        }
        if (sop == null) {
            return failed(p, size, mtime, FileStatus.NOT_DICOM,
                    "DICOM data set without a SOP Instance UID (0008,0018): not a composite object");
        }
        String sopClass = d.getString(Tag.SOPClassUID);
        if (sopClass == null) {
            sopClass = file.meta().getString(Tag.MediaStorageSOPClassUID);
        }
        String modality = d.getString(Tag.Modality);
        if (RtsiteOutputMarker.isIsodoseOutput(modality, d.getString(Tag.Manufacturer),
                d.getString(Tag.SeriesDescription))) {
            return failed(p, size, mtime, FileStatus.RTSITE_OUTPUT, "written by rtsite (isodose RTSTRUCT "
                    + sop + "): an output, never linked as input");
        }
        EnumMap<RefKind, List<String>> refs = new EnumMap<>(RefKind.class);
        for (DicomDataset item : seq(d, Tag.ReferencedStructureSetSequence)) {
            add(refs, RefKind.STRUCTURE_SET, item.getString(Tag.ReferencedSOPInstanceUID));
        }
        for (DicomDataset item : seq(d, Tag.ReferencedRTPlanSequence)) {
            add(refs, RefKind.PLAN, item.getString(Tag.ReferencedSOPInstanceUID));
            for (DicomDataset fg : seq(item, Tag.ReferencedFractionGroupSequence)) {
                for (DicomDataset beam : seq(fg, Tag.ReferencedBeamSequence)) {
                    add(refs, RefKind.DOSE_BEAM, intText(beam, Tag.ReferencedBeamNumber));
                }
            }
        }
        for (DicomDataset fr : seq(d, Tag.ReferencedFrameOfReferenceSequence)) {
            add(refs, RefKind.FRAME_OF_REFERENCE, fr.getString(Tag.FrameOfReferenceUID));
            for (DicomDataset study : seq(fr, Tag.RTReferencedStudySequence)) {
                for (DicomDataset series : seq(study, Tag.RTReferencedSeriesSequence)) {
                    add(refs, RefKind.SERIES, series.getString(Tag.SeriesInstanceUID));
                    for (DicomDataset image : seq(series, Tag.ContourImageSequence)) {
                        add(refs, RefKind.CONTOUR_IMAGE, image.getString(Tag.ReferencedSOPInstanceUID));
                    }
                }
            }
        }
        if ("RTSTRUCT".equals(modality) && !refs.containsKey(RefKind.CONTOUR_IMAGE)) {
            contourLevelImages(Path.of(p), refs);
        }
        Integer fractions = null;
        for (DicomDataset fg : seq(d, Tag.FractionGroupSequence)) {
            int n = lenientInt(fg, Tag.NumberOfFractionsPlanned);
            if (fractions == null && n > 0) {
                fractions = n;
            }
            for (DicomDataset beam : seq(fg, Tag.ReferencedBeamSequence)) {
                add(refs, RefKind.PLAN_BEAM, intText(beam, Tag.ReferencedBeamNumber));
            }
        }
        String frame = d.getString(Tag.FrameOfReferenceUID);
        int instance = lenientInt(d, Tag.InstanceNumber);
        // position and orientation are parsed once, for the slice position and the plane key both
        // (parsing them twice was most of the 8 % the plane key added to the scan, docs/PERFORMANCE.md)
        double[] ipp = lenientDoubles(d, Tag.ImagePositionPatient);
        double[] iop = ipp == null || ipp.length < 3 ? null : lenientDoubles(d, Tag.ImageOrientationPatient);
        // a malformed position only loses the slice order, not the file
        Double position = ipp == null || ipp.length < 3 || iop == null ? null : slicePosition(ipp, iop);
        String grid;
        if ("RTDOSE".equals(modality)) {
            grid = doseGrid(d);
        } else if (ipp == null || ipp.length < 3) {
            grid = null;
        } else {
            grid = iop == null ? null : imagePlane(d, ipp, iop);
        }
        IndexedFile f = new IndexedFile(p, size, mtime, FileStatus.DICOM, null, file.hasMeta(), sopClass, sop,
                modality, d.getString(Tag.PatientID), d.getString(Tag.StudyInstanceUID),
                d.getString(Tag.SeriesInstanceUID), frame, instance == Integer.MIN_VALUE ? null : instance,
                position, d.getString(Tag.DoseSummationType), grid, fractions, null, refs);
        // the values that turn stored pixels into HU or Gy: two files differing only there are not copies
        return withKey(f, refs, join(d, Tag.DoseGridScaling) + '|' + join(d, Tag.RescaleSlope) + '|'
                + join(d, Tag.RescaleIntercept));
    }

    /** The values of a decimal element, or null when one of them is not a number. */
    private static double[] lenientDoubles(DicomDataset d, int tag) {
        try {
            return d.getDoubles(tag);
        } catch (DicomFormatException e) {
            return null;
        }
    }

    /** Top-level elements that arrived as UN (e.g. pydicom's RLE test dose) re-typed from the data dictionary. */
    private static DicomDataset typed(DicomDataset d) {
        DicomDataset.Builder b = null;
        for (DicomElement e : d.elements()) {
            if (e.vr() == VR.UN && !e.isSequence() && !e.isEncapsulated()) {
                VR vr = DataDictionary.vrOf(e.tag());
                if (vr != null && vr != VR.UN && vr != VR.SQ) {
                    if (b == null) {
                        b = d.toBuilder();
                    }
                    b.putBytes(e.tag(), vr, e.bytes());
                }
            }
        }
        return b == null ? d : b.build();
    }

    /**
     * Some writers (e.g. MIM exports) list no images in the header's referenced-series tree; the
     * per-contour ContourImageSequence items are then the only image references left. Reading them
     * means walking every contour, so it is done only in that case.
     */
    private static void contourLevelImages(Path path, Map<RefKind, List<String>> refs) {
        DicomDataset d;
        try {
            d = CONTOURS.read(path).dataset();
        } catch (DicomFormatException e) {
            return; // the header read succeeded; contour-level references are a bonus
        }
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (DicomDataset roi : seq(d, Tag.ROIContourSequence)) {
            for (DicomDataset contour : seq(roi, Tag.ContourSequence)) {
                for (DicomDataset image : seq(contour, Tag.ContourImageSequence)) {
                    String uid = image.getString(Tag.ReferencedSOPInstanceUID);
                    if (uid != null && seen.add(uid.trim())) {
                        add(refs, RefKind.CONTOUR_IMAGE, uid);
                    }
                }
            }
        }
    }

    /**
     * Items of a sequence, also when it arrived as UN (written by a tool that did not know it): PS3.5
     * 6.2.2 says such a value is implicit VR little endian, so it is parsed as one. Empty when absent
     * or unparsable.
     */
    static List<DicomDataset> seq(DicomDataset d, int tag) {
        DicomElement e = d.get(tag);
        if (e == null) {
            return List.of();
        }
        if (e.isSequence()) {
            return e.items();
        }
        if (e.vr() != VR.UN || e.isEncapsulated()) {
            return List.of();
        }
        byte[] value = e.bytes();
        ByteBuffer buf = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) (tag >>> 16)).putShort((short) tag).putInt(value.length).put(value);
        try {
            DicomElement parsed = DicomReader.defaults().read(buf.array(), d.source() + " UN " + Tag.toString(tag))
                    .dataset().get(tag);
            return parsed != null && parsed.isSequence() ? parsed.items() : List.of();
        } catch (DicomFormatException ex) {
            return List.of();
        }
    }

    private static int lenientInt(DicomDataset d, int tag) {
        try {
            return d.getInt(tag, Integer.MIN_VALUE);
        } catch (DicomFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    private static String intText(DicomDataset item, int tag) {
        int n = lenientInt(item, tag);
        return n == Integer.MIN_VALUE ? null : Integer.toString(n);
    }

    private static void add(Map<RefKind, List<String>> refs, RefKind kind, String uid) {
        if (uid != null && !uid.isBlank()) {
            refs.computeIfAbsent(kind, k -> new ArrayList<>()).add(uid.trim());
        }
    }

    /** Position along the slice normal; plain z when the orientation is missing or degenerate. */
    private static Double slicePosition(double[] ipp, double[] iop) {
        if (iop.length == 6) {
            double nx = iop[1] * iop[5] - iop[2] * iop[4];
            double ny = iop[2] * iop[3] - iop[0] * iop[5];
            double nz = iop[0] * iop[4] - iop[1] * iop[3];
            double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
            if (len > 1e-6) {
                return (ipp[0] * nx + ipp[1] * ny + ipp[2] * nz) / len;
            }
        }
        return ipp[2];
    }

    private static String doseGrid(DicomDataset d) {
        return String.join("|", d.getString(Tag.ImagePositionPatient) == null ? "" : join(d, Tag.ImagePositionPatient),
                join(d, Tag.ImageOrientationPatient), join(d, Tag.Rows), join(d, Tag.Columns), join(d, Tag.PixelSpacing),
                join(d, Tag.NumberOfFrames), join(d, Tag.GridFrameOffsetVector));
    }

    /**
     * The plane key of an image whose position or orientation holds NaN or infinity: it cannot say which
     * acquisition the slice belongs to, so the linker keeps it with its series and loading names the fault.
     */
    static final String UNKNOWN_PLANE = "plane unknown";

    /**
     * Plane geometry of an image (orientation, rows, columns, pixel spacing, position within its plane),
     * equal for every slice of one acquisition: files of one Series Instance UID with different planes are
     * different acquisitions. Null for objects without ImagePositionPatient or ImageOrientationPatient.
     */
    static String imagePlane(DicomDataset d) {
        double[] ipp;
        double[] iop;
        try {
            ipp = d.getDoubles(Tag.ImagePositionPatient);
            iop = d.getDoubles(Tag.ImageOrientationPatient);
        } catch (DicomFormatException e) {
            return null;
        }
        return imagePlane(d, ipp, iop);
    }

    /** {@link #imagePlane(DicomDataset)} with position and orientation already parsed. */
    private static String imagePlane(DicomDataset d, double[] ipp, double[] iop) {
        if (ipp.length < 3 || iop.length != 6) {
            return null;
        }
        for (double c : ipp) {
            if (!Double.isFinite(c)) {
                return UNKNOWN_PLANE;
            }
        }
        for (double c : iop) {
            if (!Double.isFinite(c)) {
                return UNKNOWN_PLANE;
            }
        }
        // the origin's coordinates along the row and column directions do not change from slice to slice
        double u = ipp[0] * iop[0] + ipp[1] * iop[1] + ipp[2] * iop[2];
        double v = ipp[0] * iop[3] + ipp[1] * iop[4] + ipp[2] * iop[5];
        // rounded to integers (1e-4 for direction cosines, 0.1 mm for positions) so that -0 and jitter do not split
        StringBuilder sb = new StringBuilder("plane ");
        for (double c : iop) {
            sb.append(Math.round(c * 1e4)).append(',');
        }
        sb.append('|').append(Math.round(u * 10)).append(',').append(Math.round(v * 10)).append('|');
        sb.append(join(d, Tag.Rows)).append('|').append(join(d, Tag.Columns)).append('|').append(join(d, Tag.PixelSpacing));
        return sb.toString();
    }

    private static String join(DicomDataset d, int tag) {
        return String.join("\\", d.getStrings(tag));
    }

    /** One SHA-1 per reader thread: looking the algorithm up for every file cost as much as digesting. */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new RtsiteException("SHA-1 is a required JDK algorithm", e);
        }
    });

    /**
     * {@code refs} is the extraction's EnumMap: it iterates (and prints) in RefKind order, as the TreeMap this
     * key was first defined with does, so keys stay those of indexes written before.
     */
    private static IndexedFile withKey(IndexedFile f, EnumMap<RefKind, List<String>> refs, String scaling) {
        MessageDigest md = SHA1.get();
        StringBuilder sb = new StringBuilder(512);
        sb.append(f.sopClass()).append('\n').append(f.modality()).append('\n')
                .append(f.patientId()).append('\n').append(f.studyUid()).append('\n').append(f.seriesUid()).append('\n')
                .append(f.frameOfReference()).append('\n').append(f.instanceNumber()).append('\n')
                .append(f.slicePosition()).append('\n').append(f.doseSummationType()).append('\n')
                .append(f.doseGrid()).append('\n').append(f.fractions()).append('\n')
                .append(refs).append('\n').append(scaling);
        byte[] digest = md.digest(sb.toString().getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(digest, 0, 12);
        return new IndexedFile(f.path(), f.size(), f.mtime(), f.status(), f.reason(), f.hasMeta(), f.sopClass(),
                f.sopInstance(), f.modality(), f.patientId(), f.studyUid(), f.seriesUid(), f.frameOfReference(),
                f.instanceNumber(), f.slicePosition(), f.doseSummationType(), f.doseGrid(), f.fractions(), key,
                f.refs());
    }
}
