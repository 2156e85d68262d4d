package org.rtsite.dicom.archive;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;

/** Reads the tag subset linkage needs from one file, in one header-only read. */
final class HeaderExtractor {

    /** Top-level elements the linker uses; the reader stops after the highest (300C,0060). */
    static final int[] TAGS = {
            Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.PatientID, Tag.StudyInstanceUID,
            Tag.SeriesInstanceUID, Tag.InstanceNumber, Tag.ImagePositionPatient, Tag.ImageOrientationPatient,
            Tag.FrameOfReferenceUID, Tag.NumberOfFrames, Tag.Rows, Tag.Columns, Tag.PixelSpacing,
            Tag.DoseSummationType, Tag.GridFrameOffsetVector, Tag.ReferencedFrameOfReferenceSequence,
            Tag.FractionGroupSequence, Tag.ReferencedRTPlanSequence, Tag.ReferencedStructureSetSequence};

    private static final DicomReader READER = DicomReader.defaults().stopBeforePixelData().onlyTags(TAGS);

    private HeaderExtractor() {
    }

    static IndexedFile read(Path path, long size, long mtime) {
        String p = path.toString();
        DicomFile file;
        try {
            file = READER.read(path);
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
        DicomDataset d = file.dataset();
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
        Map<RefKind, List<String>> refs = new EnumMap<>(RefKind.class);
        for (DicomDataset item : d.getSequence(Tag.ReferencedStructureSetSequence)) {
            add(refs, RefKind.STRUCTURE_SET, item.getString(Tag.ReferencedSOPInstanceUID));
        }
        for (DicomDataset item : d.getSequence(Tag.ReferencedRTPlanSequence)) {
            add(refs, RefKind.PLAN, item.getString(Tag.ReferencedSOPInstanceUID));
            for (DicomDataset fg : item.getSequence(Tag.ReferencedFractionGroupSequence)) {
                for (DicomDataset beam : fg.getSequence(Tag.ReferencedBeamSequence)) {
                    add(refs, RefKind.DOSE_BEAM, intText(beam, Tag.ReferencedBeamNumber));
                }
            }
        }
        for (DicomDataset fr : d.getSequence(Tag.ReferencedFrameOfReferenceSequence)) {
            add(refs, RefKind.FRAME_OF_REFERENCE, fr.getString(Tag.FrameOfReferenceUID));
            for (DicomDataset study : fr.getSequence(Tag.RTReferencedStudySequence)) {
                for (DicomDataset series : study.getSequence(Tag.RTReferencedSeriesSequence)) {
                    add(refs, RefKind.SERIES, series.getString(Tag.SeriesInstanceUID));
                    for (DicomDataset image : series.getSequence(Tag.ContourImageSequence)) {
                        add(refs, RefKind.CONTOUR_IMAGE, image.getString(Tag.ReferencedSOPInstanceUID));
                    }
                }
            }
        }
        Integer fractions = null;
        for (DicomDataset fg : d.getSequence(Tag.FractionGroupSequence)) {
            int n = lenientInt(fg, Tag.NumberOfFractionsPlanned);
            if (fractions == null && n > 0) {
                fractions = n;
            }
            for (DicomDataset beam : fg.getSequence(Tag.ReferencedBeamSequence)) {
                add(refs, RefKind.PLAN_BEAM, intText(beam, Tag.ReferencedBeamNumber));
            }
        }
        String frame = d.getString(Tag.FrameOfReferenceUID);
        int instance = lenientInt(d, Tag.InstanceNumber);
        Double position;
        try {
            position = slicePosition(d);
        } catch (DicomFormatException e) {
            position = null; // a malformed position only loses the slice order, not the file
        }
        String grid = "RTDOSE".equals(modality) ? doseGrid(d) : null;
        IndexedFile f = new IndexedFile(p, size, mtime, FileStatus.DICOM, null, file.hasMeta(), sopClass, sop,
                modality, d.getString(Tag.PatientID), d.getString(Tag.StudyInstanceUID),
                d.getString(Tag.SeriesInstanceUID), frame, instance == Integer.MIN_VALUE ? null : instance,
                position, d.getString(Tag.DoseSummationType), grid, fractions, null, refs);
        return withKey(f);
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
    private static Double slicePosition(DicomDataset d) {
        double[] ipp = d.getDoubles(Tag.ImagePositionPatient);
        if (ipp.length < 3) {
            return null;
        }
        double[] iop = d.getDoubles(Tag.ImageOrientationPatient);
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

    private static String join(DicomDataset d, int tag) {
        return String.join("\\", d.getStrings(tag));
    }

    private static IndexedFile withKey(IndexedFile f) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(f.size()).append('\n').append(f.sopClass()).append('\n').append(f.modality()).append('\n')
                .append(f.patientId()).append('\n').append(f.studyUid()).append('\n').append(f.seriesUid()).append('\n')
                .append(f.frameOfReference()).append('\n').append(f.instanceNumber()).append('\n')
                .append(f.slicePosition()).append('\n').append(f.doseSummationType()).append('\n')
                .append(f.doseGrid()).append('\n').append(f.fractions()).append('\n')
                .append(new java.util.TreeMap<>(f.refs()));
        byte[] digest = md.digest(sb.toString().getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(digest, 0, 12);
        return new IndexedFile(f.path(), f.size(), f.mtime(), f.status(), f.reason(), f.hasMeta(), f.sopClass(),
                f.sopInstance(), f.modality(), f.patientId(), f.studyUid(), f.seriesUid(), f.frameOfReference(),
                f.instanceNumber(), f.slicePosition(), f.doseSummationType(), f.doseGrid(), f.fractions(), key,
                f.refs());
    }
}
