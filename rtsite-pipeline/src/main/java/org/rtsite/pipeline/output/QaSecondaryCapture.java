package org.rtsite.pipeline.output;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.dicom.rt.RtsiteOutputMarker;

/**
 * The QA picture ({@link org.rtsite.core.qa.QaPicture}) as a DICOM Secondary Capture Image: 8-bit RGB,
 * a new series in the plan's study, referencing the plan (Common Instance Reference module), so that a
 * PACS files it beside the plan it shows.
 *
 * <pre>{@code
 * QaSecondaryCapture.write(picture.image(), QaSecondaryCapture.Source.read(planFile, ctSlice), out);
 * }</pre>
 */
public final class QaSecondaryCapture {

    /** SeriesNumber of the QA pictures' series (the isodose RTSTRUCT's is 9001). */
    public static final int SERIES_NUMBER = 9002;
    /** SeriesDescription of the QA pictures' series. */
    public static final String SERIES_DESCRIPTION = "rtsite QA picture";

    /**
     * Why the picture references the plan. The general reference's context group (CID 7004) is only a
     * baseline, and no standard code says "picture of this plan", hence a private coding scheme ("99"
     * prefix, PS3.3 8.2).
     */
    private static final DicomDataset PURPOSE = DicomDataset.builder()
            .putString(Tag.CodeValue, VR.SH, "QA_PICTURE_OF")
            .putString(Tag.CodingSchemeDesignator, VR.SH, "99RTSITE")
            .putString(Tag.CodeMeaning, VR.LO, "QA picture of the referenced plan").build();

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    private QaSecondaryCapture() {
    }

    /**
     * The object the picture shows (the plan, or for a dose without a plan the dose) and the study it
     * belongs to. The study's date, time, ID and accession number are copied so that the picture reads
     * as part of that study; each is empty when unknown.
     *
     * @param patientId         PatientID written into the picture (a pseudonym when pseudonymizing)
     * @param studyInstanceUid  the study the picture joins
     * @param seriesInstanceUid the plan's series, or null when the plan has none (then the picture lists
     *                          the plan only in its General Reference, not by series)
     */
    public record Source(String patientId, String studyInstanceUid, String studyDate, String studyTime,
                         String studyId, String accessionNumber, String seriesInstanceUid, String sopClassUid,
                         String sopInstanceUid) {

        public Source {
            require("StudyInstanceUID", studyInstanceUid);
            seriesInstanceUid = seriesInstanceUid == null || seriesInstanceUid.isBlank() ? null : seriesInstanceUid;
            require("SOPClassUID", sopClassUid);
            require("SOPInstanceUID", sopInstanceUid);
            patientId = patientId == null ? "" : patientId;
            studyDate = studyDate == null ? "" : studyDate;
            studyTime = studyTime == null ? "" : studyTime;
            studyId = studyId == null ? "" : studyId;
            accessionNumber = accessionNumber == null ? "" : accessionNumber;
        }

        /**
         * Reads what the picture needs from the header of {@code file} (an RTPLAN or RTDOSE). A plan without
         * a StudyInstanceUID (older exports; rtsite's own sample archives written before issue 18) takes the
         * study of {@code studyFallback} (a slice of its CT), when given.
         *
         * @throws InvalidInputException when no study is found, or the file lacks its SOP class or instance UID
         */
        public static Source read(Path file, Path studyFallback) {
            DicomDataset d = DicomFile.readHeader(file).dataset();
            DicomDataset study = d;
            if (d.getString(Tag.StudyInstanceUID) == null && studyFallback != null) {
                study = DicomFile.readHeader(studyFallback).dataset();
            }
            try {
                return new Source(d.getString(Tag.PatientID), study.getString(Tag.StudyInstanceUID),
                        study.getString(Tag.StudyDate), study.getString(Tag.StudyTime), study.getString(Tag.StudyID),
                        study.getString(Tag.AccessionNumber), d.getString(Tag.SeriesInstanceUID),
                        d.getString(Tag.SOPClassUID), d.getString(Tag.SOPInstanceUID));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(file + ": " + e.getMessage()
                        + (studyFallback == null ? "" : " (nor has " + studyFallback + ")")
                        + "; the QA picture cannot join the plan's study", e);
            }
        }

        /**
         * The same source under a pseudonym: PatientID replaced, and the study's date, time, ID and accession
         * number (which a hospital's systems tie to the patient) left empty. UIDs stay, as in every output.
         */
        public Source pseudonymized(String pseudonym) {
            return new Source(pseudonym, studyInstanceUid, null, null, null, null, seriesInstanceUid, sopClassUid,
                    sopInstanceUid);
        }

        private static void require(String what, String uid) {
            if (uid == null || uid.isBlank()) {
                throw new InvalidInputException("no " + what);
            }
        }
    }

    /** The Secondary Capture dataset of {@code image} (any type; drawn as 8-bit RGB) for {@code source}. */
    public static DicomDataset dataset(BufferedImage image, Source source) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(source, "source");
        int w = image.getWidth();
        int h = image.getHeight();
        if ((long) w * h * 3 > Integer.MAX_VALUE - 8 || w > 0xFFFF || h > 0xFFFF) {
            throw new InvalidInputException("QA picture of " + w + " x " + h + " pixels is too large for one DICOM image");
        }
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = 3 * (y * w + x);
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        LocalDateTime now = LocalDateTime.now();
        // General Reference names the plan with its purpose; Common Instance Reference lists it by series.
        DicomDataset planRef = DicomDataset.builder()
                .putString(Tag.ReferencedSOPClassUID, VR.UI, source.sopClassUid())
                .putString(Tag.ReferencedSOPInstanceUID, VR.UI, source.sopInstanceUid()).build();
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, SopClass.SECONDARY_CAPTURE_IMAGE)
                .putString(Tag.SOPInstanceUID, VR.UI, RtWriter.newUid())
                .putString(Tag.ImageType, VR.CS, "DERIVED", "SECONDARY")
                .putString(Tag.ContentDate, VR.DA, now.format(DA))
                .putString(Tag.ContentTime, VR.TM, now.format(TM))
                // Patient
                .putString(Tag.PatientName, VR.PN)
                .putString(Tag.PatientID, VR.LO, source.patientId())
                .putString(Tag.PatientBirthDate, VR.DA)
                .putString(Tag.PatientSex, VR.CS)
                // General Study: the plan's
                .putString(Tag.StudyInstanceUID, VR.UI, source.studyInstanceUid())
                .putString(Tag.StudyDate, VR.DA, source.studyDate())
                .putString(Tag.StudyTime, VR.TM, source.studyTime())
                .putString(Tag.ReferringPhysicianName, VR.PN)
                .putString(Tag.StudyID, VR.SH, source.studyId())
                .putString(Tag.AccessionNumber, VR.SH, source.accessionNumber())
                // General Series: a new one; OT = other (the picture is no modality's image)
                .putString(Tag.Modality, VR.CS, "OT")
                .putString(Tag.SeriesInstanceUID, VR.UI, RtWriter.newUid())
                .putInts(Tag.SeriesNumber, VR.IS, SERIES_NUMBER)
                .putString(Tag.SeriesDescription, VR.LO, SERIES_DESCRIPTION)
                .putString(Tag.Laterality, VR.CS)
                // General Equipment, SC Equipment: drawn by a workstation program
                .putString(Tag.Manufacturer, VR.LO, RtsiteOutputMarker.MANUFACTURER)
                .putString(Tag.ConversionType, VR.CS, "WSD")
                .putString(Tag.SecondaryCaptureDeviceManufacturer, VR.LO, RtsiteOutputMarker.MANUFACTURER)
                // General Image, General Reference, SC Image
                .putInts(Tag.InstanceNumber, VR.IS, 1)
                .putString(Tag.PatientOrientation, VR.CS)
                .putString(Tag.DerivationDescription, VR.ST, "rtsite QA picture of " + source.sopInstanceUid())
                .putSequence(Tag.ReferencedInstanceSequence, List.of(planRef.toBuilder()
                        .putSequence(Tag.PurposeOfReferenceCodeSequence, List.of(PURPOSE)).build()))
                // The caption names the patient (or its pseudonym) in the pixels.
                .putString(Tag.BurnedInAnnotation, VR.CS, "YES")
                .putString(Tag.DateOfSecondaryCapture, VR.DA, now.format(DA))
                .putString(Tag.TimeOfSecondaryCapture, VR.TM, now.format(TM))
                // Image Pixel: interleaved 8-bit RGB
                .putInts(Tag.SamplesPerPixel, VR.US, 3)
                .putString(Tag.PhotometricInterpretation, VR.CS, "RGB")
                .putInts(Tag.PlanarConfiguration, VR.US, 0)
                .putInts(Tag.Rows, VR.US, h)
                .putInts(Tag.Columns, VR.US, w)
                .putInts(Tag.BitsAllocated, VR.US, 8)
                .putInts(Tag.BitsStored, VR.US, 8)
                .putInts(Tag.HighBit, VR.US, 7)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putString(Tag.LossyImageCompression, VR.CS, "00")
                .putBytes(Tag.PixelData, VR.OB, rgb);
        if (source.seriesInstanceUid() != null) {
            // Common Instance Reference: the plan, in its series of this study
            b.putSequence(Tag.ReferencedSeriesSequence, List.of(DicomDataset.builder()
                    .putString(Tag.SeriesInstanceUID, VR.UI, source.seriesInstanceUid())
                    .putSequence(Tag.ReferencedInstanceSequence, List.of(planRef)).build()));
        }
        return b.build();
    }

    /** Writes the picture as a Secondary Capture Image file (explicit VR little endian). */
    public static void write(BufferedImage image, Source source, Path file) {
        DicomWriter.write(file, dataset(image, source));
    }
}
