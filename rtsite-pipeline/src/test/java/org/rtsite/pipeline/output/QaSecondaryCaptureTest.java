package org.rtsite.pipeline.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.dicom.rt.SeriesPlacement;

/** The QA picture as a Secondary Capture: pixels, placement in the plan's study, references, fallbacks. */
class QaSecondaryCaptureTest {

    @TempDir
    Path tmp;

    private static final QaSecondaryCapture.Source SOURCE = new QaSecondaryCapture.Source("PAT-1", "1.2.3.1",
            "20240102", "101500", "S7", "ACC9", "1.2.3.2", SopClass.RT_PLAN, "1.2.3.3");

    /** 5 × 3 pixels (45 bytes: odd, padded in the file), each colour distinct. */
    private static BufferedImage picture() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (40 * x) << 16 | (80 * y) << 8 | (x + 5 * y));
            }
        }
        return img;
    }

    @Test
    void writesInterleavedRgbInANewSeriesOfThePlansStudyReferencingThePlan() {
        Path f = tmp.resolve("qa.dcm");
        QaSecondaryCapture.write(picture(), SOURCE, f);
        DicomDataset d = DicomFile.read(f).dataset();
        assertEquals(SopClass.SECONDARY_CAPTURE_IMAGE, d.getString(Tag.SOPClassUID));
        assertEquals("OT", d.getString(Tag.Modality));
        assertEquals("PAT-1", d.getString(Tag.PatientID));
        assertEquals("1.2.3.1", d.getString(Tag.StudyInstanceUID));
        assertEquals("20240102", d.getString(Tag.StudyDate));
        assertEquals("ACC9", d.getString(Tag.AccessionNumber));
        assertNotEquals("1.2.3.2", d.getString(Tag.SeriesInstanceUID), "a series of its own");
        assertEquals(QaSecondaryCapture.SERIES_NUMBER, d.getInt(Tag.SeriesNumber, -1));
        assertEquals(3, d.getInt(Tag.SamplesPerPixel, -1));
        assertEquals("RGB", d.getString(Tag.PhotometricInterpretation));
        assertEquals(0, d.getInt(Tag.PlanarConfiguration, -1));
        assertEquals(3, d.getInt(Tag.Rows, -1));
        assertEquals(5, d.getInt(Tag.Columns, -1));
        assertEquals(8, d.getInt(Tag.BitsAllocated, -1));
        byte[] px = d.getBytes(Tag.PixelData);
        assertEquals(46, px.length, "45 bytes padded to even length");
        byte[] want = new byte[45];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int o = 3 * (5 * y + x);
                want[o] = (byte) (40 * x);
                want[o + 1] = (byte) (80 * y);
                want[o + 2] = (byte) (x + 5 * y);
            }
        }
        assertArrayEquals(want, Arrays.copyOf(px, 45));
        DicomDataset ref = d.getItem(Tag.ReferencedInstanceSequence);
        assertEquals(SopClass.RT_PLAN, ref.getString(Tag.ReferencedSOPClassUID));
        assertEquals("1.2.3.3", ref.getString(Tag.ReferencedSOPInstanceUID));
        assertEquals("99RTSITE", ref.getItem(Tag.PurposeOfReferenceCodeSequence).getString(Tag.CodingSchemeDesignator));
        DicomDataset series = d.getItem(Tag.ReferencedSeriesSequence);
        assertEquals("1.2.3.2", series.getString(Tag.SeriesInstanceUID));
        assertEquals("1.2.3.3", series.getItem(Tag.ReferencedInstanceSequence).getString(Tag.ReferencedSOPInstanceUID));
    }

    @Test
    void passesDciodvfyWithoutErrors() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("dciodvfy"), "dciodvfy (dicom3tools) not installed");
        Path f = tmp.resolve("qa.dcm");
        QaSecondaryCapture.write(picture(), SOURCE, f);
        Process p = new ProcessBuilder("dciodvfy", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.lines().anyMatch(l -> l.strip().equals("SCImage")), out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("Error") || l.startsWith("Abort")), out);
    }

    @Test
    void readsThePlansStudyOrTheCtsWhenThePlanHasNone() throws IOException {
        Path plan = tmp.resolve("rp.dcm");
        RtPlan record = new RtPlan(plan.toString(), RtWriter.newUid(), "PAT-2", false, "P", "plan", "", null, null,
                List.of(), List.of(), List.of(), List.of());
        SeriesPlacement placement = SeriesPlacement.newStudy(3);
        RtWriter.write(record, placement, plan);
        QaSecondaryCapture.Source s = QaSecondaryCapture.Source.read(plan, null);
        assertEquals(placement.studyInstanceUid(), s.studyInstanceUid());
        assertEquals(placement.seriesInstanceUid(), s.seriesInstanceUid());
        assertEquals(record.sopInstanceUid(), s.sopInstanceUid());
        assertEquals("PAT-2", s.patientId());

        Path bare = tmp.resolve("bare.dcm");
        DicomWriter.write(bare, DicomFile.read(plan).dataset().toBuilder().remove(Tag.StudyInstanceUID)
                .remove(Tag.SeriesInstanceUID).build());
        Path ct = tmp.resolve("ct.dcm");
        DicomWriter.write(ct, DicomDataset.builder().putString(Tag.SOPClassUID, VR.UI, SopClass.CT_IMAGE)
                .putString(Tag.SOPInstanceUID, VR.UI, "1.2.9.1").putString(Tag.StudyInstanceUID, VR.UI, "1.2.9.2")
                .putString(Tag.StudyDate, VR.DA, "20230405").build());
        QaSecondaryCapture.Source fromCt = QaSecondaryCapture.Source.read(bare, ct);
        assertEquals("1.2.9.2", fromCt.studyInstanceUid());
        assertEquals("20230405", fromCt.studyDate());
        assertNull(fromCt.seriesInstanceUid());
        DicomDataset written = QaSecondaryCapture.dataset(picture(), fromCt);
        assertTrue(!written.contains(Tag.ReferencedSeriesSequence), "no series to list the plan under");
        assertEquals(record.sopInstanceUid(),
                written.getItem(Tag.ReferencedInstanceSequence).getString(Tag.ReferencedSOPInstanceUID));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaSecondaryCapture.Source.read(bare, null));
        assertTrue(e.getMessage().contains(bare.toString()) && e.getMessage().contains("StudyInstanceUID"), e.getMessage());
    }

    @Test
    void aPseudonymizedSourceKeepsTheUidsAndDropsWhatTiesTheStudyToThePatient() {
        QaSecondaryCapture.Source p = SOURCE.pseudonymized("P-0123456789abcdef");
        DicomDataset d = QaSecondaryCapture.dataset(picture(), p);
        assertEquals("P-0123456789abcdef", d.getString(Tag.PatientID));
        assertEquals("1.2.3.1", d.getString(Tag.StudyInstanceUID));
        assertNull(d.getString(Tag.AccessionNumber));
        assertNull(d.getString(Tag.StudyDate));
        assertNull(d.getString(Tag.StudyID));
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }
}
