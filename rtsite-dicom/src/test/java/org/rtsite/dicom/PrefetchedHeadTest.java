package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;

/**
 * {@link DicomReader#prefetched}: a file whose head the caller read itself (the archive scan's batched reads)
 * parses exactly as {@link DicomReader#read(Path)} does, for the public RT corpus (pydicom, dcmtk, dicompyler,
 * rt-utils, PyMedPhys and TPS files) and small, truncated and non-DICOM files; with a head cut short the parse reads
 * on from the file; a file read whole is not opened again, and one whose header runs past its head is, naming
 * the file when it is gone.
 */
class PrefetchedHeadTest {
    @TempDir
    Path tmp;

    private static final DicomReader HEADER = DicomReader.defaults().withStopBeforePixelData(true)
            .withOnlyTags(Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.PatientID, Tag.StudyInstanceUID,
                    Tag.SeriesInstanceUID, Tag.ImagePositionPatient, Tag.ReferencedFrameOfReferenceSequence,
                    Tag.FractionGroupSequence, Tag.ReferencedRTPlanSequence, Tag.ROIContourSequence,
                    Tag.SeriesDescription);
    private static final List<DicomReader> READERS = List.of(HEADER, DicomReader.defaults().withStopBeforePixelData(true),
            DicomReader.defaults());

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>(TestFiles.publicRtFiles());
        byte[] some = Files.readAllBytes(files.get(0));
        files.add(Files.write(tmp.resolve("truncated.dcm"), Arrays.copyOf(some, Math.min(some.length, 400) - 7)));
        files.add(Files.write(tmp.resolve("tiny.bin"), new byte[] {'D', 'I', 'C', 'M', 1, 2, 3}));
        files.add(Files.write(tmp.resolve("empty.bin"), new byte[0]));
        return files;
    }

    private static String outcome(java.util.function.Supplier<DicomFile> parse) {
        try {
            return DicomDump.withMaxValues(64).dump(parse.get());
        } catch (DicomFormatException e) {
            return "failed: " + e.getMessage();
        }
    }

    private static byte[] head(Path f, int n) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes(n);
        }
    }

    @Test
    void aHeadReadByTheCallerParsesAsAPlainRead() throws IOException {
        for (DicomReader reader : READERS) {
            for (Path f : files()) {
                long size = Files.size(f);
                String plain = outcome(() -> reader.read(f));
                byte[] buffer = new byte[reader.firstRead(size) + 100];
                Arrays.fill(buffer, (byte) 0x5A);
                byte[] head = head(f, reader.firstRead(size));
                System.arraycopy(head, 0, buffer, 0, head.length);
                assertEquals(plain, outcome(() -> reader.read(reader.prefetched(f, size, buffer, head.length))),
                        f.toString());
                // a head cut short (as a short read would leave it): the parse reads the rest from the file
                int cut = head.length / 3;
                byte[] shortBuffer = Arrays.copyOf(head, reader.firstRead(size));
                Arrays.fill(shortBuffer, cut, shortBuffer.length, (byte) 0x77);
                assertEquals(plain, outcome(() -> reader.read(reader.prefetched(f, size, shortBuffer, cut))),
                        f + " cut at " + cut);
            }
        }
    }

    @Test
    void aFileReadWholeIsNotOpenedAgainAndOneReadInPartIs() throws IOException {
        int whole = 0;
        int partly = 0;
        for (Path original : files()) {
            Path f = tmp.resolve("copy.dcm");
            Files.copy(original, f, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(f);
            String plain = outcome(() -> HEADER.read(f));
            byte[] buffer = head(f, HEADER.firstRead(size));
            byte[] padded = Arrays.copyOf(buffer, HEADER.firstRead(size));
            DicomReader.Prefetched p = HEADER.prefetched(f, size, padded, buffer.length);
            Files.delete(f);
            String afterDelete = outcome(() -> HEADER.read(p));
            if (buffer.length >= size) {
                whole++;
                assertEquals(plain, afterDelete, original + ": read whole, it needs no second open");
            } else if (!plain.equals(afterDelete)) {
                partly++;
                assertTrue(afterDelete.startsWith("failed: ") && afterDelete.contains(f.toString()),
                        original + ": " + afterDelete);
            }
        }
        assertTrue(whole >= 3, "files read whole: " + whole);
        assertTrue(partly >= 1, "files whose header runs past the head (the parse opens them again): " + partly);
    }

    @Test
    void preconditionsNameTheValue() {
        Path f = tmp.resolve("x.dcm");
        InvalidInputException small = assertThrows(InvalidInputException.class,
                () -> HEADER.prefetched(f, 100_000, new byte[100], 100));
        assertTrue(small.getMessage().contains("x.dcm") && small.getMessage().contains("16384"), small.getMessage());
        InvalidInputException filled = assertThrows(InvalidInputException.class,
                () -> HEADER.prefetched(f, 1000, new byte[2000], 1500));
        assertTrue(filled.getMessage().contains("1500"), filled.getMessage());
        assertThrows(InvalidInputException.class, () -> HEADER.firstRead(-1));
        assertEquals(256, HEADER.firstRead(10));
        assertEquals(16384, HEADER.firstRead(1 << 20));
        assertEquals(65536, DicomReader.defaults().firstRead(1 << 20));
    }
}
