package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.DicomReader;

/**
 * A scan whose reads go through io_uring in batches indexes exactly what a scan with reader threads does: every
 * row and the report files, byte for byte, on the real planning-system exports of public-rt (structure sets whose
 * header runs past the first read), a synthetic archive, and files emptied, truncated, not DICOM or not readable
 * by the user (a batch's failed open is read again the ordinary way, so its error is the ordinary one), with any
 * number of reads in flight.
 */
class BatchedReadsScanTest {
    @TempDir
    Path tmp;
    private List<Path> roots;

    @BeforeEach
    void archive() throws IOException {
        Path syn = tmp.resolve("syn");
        Path some = FaultyArchive.generate(syn, 6);
        byte[] bytes = Files.readAllBytes(some);
        Files.write(some.resolveSibling("empty.dcm"), new byte[0]);
        // unreadable for a user (not for root, who reads it anyway): the batch's open fails, the ordinary one names why
        Path locked = Files.write(some.resolveSibling("locked.dcm"), bytes);
        locked.toFile().setReadable(false, false);
        roots = List.of(syn, DicomArchivePublicRtTest.resource("public-rt"),
                DicomArchivePublicRtTest.resource("archive-public-rt"));
    }

    private record Scan(List<IndexedFile> rows, Path report) {
    }

    private Scan scan(String name, ArchiveOptions options) throws IOException {
        Path db = tmp.resolve(name + ".db");
        Path report = tmp.resolve(name);
        try (DicomArchive a = DicomArchive.index(options.withBatchSize(7), roots.toArray(Path[]::new))) {
            a.writeReport(report.resolve("linkage.json"), report);
        }
        List<IndexedFile> rows = new ArrayList<>();
        try (IndexDatabase d = new IndexDatabase(db)) {
            d.forEachFile(rows::add);
        }
        rows.sort(java.util.Comparator.comparing(IndexedFile::path));
        return new Scan(rows, report);
    }

    private static void assertSameScan(Scan expected, Scan actual, String what) throws IOException {
        assertEquals(expected.rows(), actual.rows(), what);
        for (String f : List.of("linkage.json", "plans.csv", "structure_sets.csv", "orphans.csv")) {
            assertArrayEquals(Files.readAllBytes(expected.report().resolve(f)),
                    Files.readAllBytes(actual.report().resolve(f)), what + ": " + f);
        }
    }

    @Test
    void batchedReadsIndexWhatThreadsIndex() throws IOException {
        assumeTrue(HeadReads.unavailable() == null, "no native reads here: " + HeadReads.unavailable());
        Scan threads = scan("threads", ArchiveOptions.of(tmp.resolve("threads.db")).withIoUring(false));
        assertTrue(threads.rows().size() > 80, "rows: " + threads.rows().size());
        boolean root = Files.isReadable(threads.rows().stream().filter(r -> r.path().endsWith("locked.dcm"))
                .map(r -> Path.of(r.path())).findFirst().orElseThrow());
        assertTrue(root || threads.rows().stream().anyMatch(r -> r.path().endsWith("locked.dcm")
                && r.status() == FileStatus.UNREADABLE), "a file the user may not read is unreadable");
        assertTrue(threads.rows().stream().anyMatch(r -> r.size() > DicomReader.HEADER_READ_BYTES
                && r.status() == FileStatus.DICOM), "a file larger than the first read is indexed");
        for (int reads : List.of(ArchiveOptions.DEFAULT_READS_IN_FLIGHT, 2, 37, 1024)) {
            ArchiveOptions o = ArchiveOptions.of(tmp.resolve("uring" + reads + ".db")).withThreads(2)
                    .withReadsInFlight(reads);
            assertTrue(o.ioUring(), "batched by default");
            assertSameScan(threads, scan("uring" + reads, o), reads + " reads in flight");
        }
    }

    /** The batch sizes and reader counts the scan derives from the options: never more files in flight than asked. */
    @Test
    void batchesHoldAtMostTheReadsInFlight() {
        for (int threads : List.of(1, 2, 3, 8, 64)) {
            for (int reads = threads; reads <= 1024; reads += 1 + reads / 3) {
                ArchiveOptions o = ArchiveOptions.of(tmp.resolve("x.db")).withThreads(threads).withReadsInFlight(reads);
                int readers = ArchiveScanner.batchedReaders(o);
                int batch = ArchiveScanner.readBatch(o);
                assertTrue(readers >= threads, o.toString());
                assertTrue(batch >= 1 && batch <= ArchiveScanner.CHUNK, o.toString());
                assertTrue(readers * batch <= Math.max(reads, readers), o + ": " + readers + " x " + batch);
            }
        }
        ArchiveOptions defaults = ArchiveOptions.of(tmp.resolve("x.db")).withThreads(2);
        assertEquals(4, ArchiveScanner.batchedReaders(defaults));
        assertEquals(16, ArchiveScanner.readBatch(defaults));
    }
}
