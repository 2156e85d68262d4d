package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DicomReader#prefetch(Path, long, byte[])}: files read into buffers that an archive scan reuses from file
 * to file (larger than most files, holding the previous file's bytes) parse exactly as a plain read does, for
 * the public RT corpus (pydicom, dcmtk, dicompyler, rt-utils, PyMedPhys and TPS files) and for small, truncated
 * and non-DICOM files; and what was parsed from a buffer does not change when the buffer is reused.
 */
class PrefetchBufferReuseTest {

    @TempDir
    Path tmp;

    private static final DicomReader HEADER = DicomReader.defaults().withStopBeforePixelData(true)
            .withOnlyTags(Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.PatientID, Tag.StudyInstanceUID,
                    Tag.SeriesInstanceUID, Tag.ImagePositionPatient, Tag.ReferencedFrameOfReferenceSequence,
                    Tag.FractionGroupSequence, Tag.ReferencedRTPlanSequence, Tag.SeriesDescription);

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>(TestFiles.publicRtFiles());
        DicomDataset ds = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2")
                .putString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4")
                .putString(Tag.Modality, VR.CS, "CT")
                .putString(Tag.PatientID, VR.LO, "P1")
                .putBytes(Tag.PixelData, VR.OW, new byte[] {0, 1, 2, 3})
                .build();
        Path small = tmp.resolve("small.dcm");
        DicomWriter.write(small, ds);
        byte[] bytes = Files.readAllBytes(small);
        Path truncated = tmp.resolve("truncated.dcm");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 7));
        Path tiny = tmp.resolve("tiny.bin");
        Files.write(tiny, new byte[] {'D', 'I', 'C', 'M', 1, 2, 3});
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        // interleaved with the corpus, so that each follows a larger file in the reused buffer
        for (Path p : List.of(small, truncated, tiny, empty)) {
            files.add(files.size() / 2, p);
            files.add(p);
        }
        return files;
    }

    /** The parse of a file as a dump, or its failure's message. */
    private static String outcome(ThrowingParse parse) {
        try {
            return DicomDump.withMaxValues(64).dump(parse.get());
        } catch (DicomFormatException e) {
            return "failed: " + e.getMessage();
        }
    }

    private interface ThrowingParse {
        DicomFile get();
    }

    @Test
    void reusedBuffersParseAsPlainReads() throws IOException {
        List<Path> files = files();
        for (DicomReader reader : List.of(HEADER, DicomReader.defaults().withStopBeforePixelData(true))) {
            byte[] a = new byte[DicomReader.HEADER_READ_BYTES];
            byte[] b = new byte[64 * 1024];
            Arrays.fill(a, (byte) 0x5A);
            Arrays.fill(b, (byte) 0xA5);
            for (int i = 0; i + 1 < files.size(); i += 2) {
                Path first = files.get(i);
                Path second = files.get(i + 1);
                String plainFirst = outcome(() -> reader.read(first));
                String plainSecond = outcome(() -> reader.read(second));
                // both in flight at once, parsed in the opposite order, as a scan's reader does with its chunk
                DicomReader.Prefetched pf = reader.prefetch(first, Files.size(first), a);
                DicomReader.Prefetched ps = reader.prefetch(second, Files.size(second), b);
                String reusedSecond = outcome(() -> reader.read(ps));
                String reusedFirst = outcome(() -> reader.read(pf));
                assertEquals(plainFirst, reusedFirst, first.toString());
                assertEquals(plainSecond, reusedSecond, second.toString());
            }
        }
    }

    @Test
    void parsedValuesDoNotShareTheBuffer() throws IOException {
        List<Path> files = files();
        byte[] shared = new byte[DicomReader.HEADER_READ_BYTES];
        List<DicomFile> parsed = new ArrayList<>();
        List<String> dumps = new ArrayList<>();
        for (Path f : files) {
            try {
                DicomFile d = HEADER.read(HEADER.prefetch(f, Files.size(f), shared));
                parsed.add(d);
                dumps.add(DicomDump.withMaxValues(64).dump(d));
            } catch (DicomFormatException e) {
                // a bad file: nothing parsed to keep
            }
        }
        Arrays.fill(shared, (byte) 0x33);
        for (int i = 0; i < parsed.size(); i++) {
            assertEquals(dumps.get(i), DicomDump.withMaxValues(64).dump(parsed.get(i)));
        }
        assertTrue(parsed.size() >= 20, "parsed: " + parsed.size());
    }
}
