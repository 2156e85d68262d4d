package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;

/** The options-value convention on DicomReader: {@code withName(value)} copies, the original unchanged. */
class DicomReaderOptionsTest {

    private static final int PRIVATE_TAG = 0x00291010;

    @TempDir
    Path tmp;

    private Path file() {
        DicomDataset ds = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2")
                .putString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4")
                .putString(Tag.Modality, VR.CS, "CT")
                .putString(Tag.PatientID, VR.LO, "P1")
                .putBytes(PRIVATE_TAG, VR.OB, new byte[] {1, 2})
                .putBytes(Tag.PixelData, VR.OW, new byte[] {0, 1, 2, 3})
                .build();
        Path f = tmp.resolve("opts.dcm");
        DicomWriter.write(f, ds);
        return f;
    }

    @Test
    void withCopiesSetAndUnsetEachOption() {
        Path f = file();
        DicomReader base = DicomReader.defaults();
        DicomReader header = base.withStopBeforePixelData(true);
        assertFalse(header.read(f).dataset().contains(Tag.PixelData));
        assertTrue(header.withStopBeforePixelData(false).read(f).dataset().contains(Tag.PixelData));
        assertTrue(base.read(f).dataset().contains(Tag.PixelData), "defaults() is not changed by a copy");

        assertFalse(base.read(f).dataset().contains(PRIVATE_TAG));
        DicomReader withPrivate = base.withPrivateElements(true);
        assertTrue(withPrivate.read(f).dataset().contains(PRIVATE_TAG));
        assertFalse(withPrivate.withPrivateElements(false).read(f).dataset().contains(PRIVATE_TAG));

        DicomDataset only = base.withOnlyTags(Tag.PatientID).read(f).dataset();
        assertEquals("P1", only.getString(Tag.PatientID));
        assertFalse(only.contains(Tag.Modality));
    }

    @Test
    @SuppressWarnings("deprecation")
    void theOldNamesDoWhatTheNewOnesDo() {
        Path f = file();
        assertEquals(DicomReader.defaults().withStopBeforePixelData(true).withPrivateElements(true).read(f).dataset(),
                DicomReader.defaults().stopBeforePixelData().includePrivate().read(f).dataset());
        assertEquals(DicomReader.defaults().withOnlyTags(Tag.Modality).read(f).dataset(),
                DicomReader.defaults().onlyTags(Tag.Modality).read(f).dataset());
    }

    @Test
    void aSizeTheCallerListedReadsAsTheFileSystemsSize() throws Exception {
        Path f = file();
        long size = java.nio.file.Files.size(f);
        DicomReader header = DicomReader.defaults().withStopBeforePixelData(true);
        assertEquals(header.read(f).dataset(), header.read(f, size).dataset());
        assertEquals(DicomReader.defaults().read(f).dataset(), DicomReader.defaults().read(f, size).dataset());
        assertEquals(DicomReader.defaults().read(f).dataset(), DicomReader.defaults().read(f, -1).dataset());
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> header.read(tmp.resolve("absent.dcm"), 100));
        assertTrue(e.getMessage().contains("absent.dcm"), e.getMessage());
    }

    @Test
    void limitsMustBePositive() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DicomReader.defaults().withMaxElements(0));
        assertEquals("element limit must be positive, got 0", e.getMessage());
        assertThrows(InvalidInputException.class, () -> DicomReader.defaults().withMaxInflatedBytes(0));
    }
}
