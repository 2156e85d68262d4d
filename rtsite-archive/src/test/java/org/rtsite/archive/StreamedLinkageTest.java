package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DicomArchive links the index patient by patient, read from SQLite ordered by patient: its report, its
 * counts and the report files it writes without holding the report are those of one Linker over every
 * file (what it did before), on a synthetic archive whose index rows were edited so that patients meet
 * (no PatientID, shared UIDs, unreadable files beside plans) and on real planning-system exports.
 */
class StreamedLinkageTest {
    @TempDir
    Path tmp;

    /** Writes the edited rows into a fresh index, as a scan would have. */
    private Path indexOf(List<IndexedFile> rows) {
        Path db = tmp.resolve("edited.db");
        try (IndexDatabase d = new IndexDatabase(db)) {
            for (int i = 0; i < rows.size(); i += 97) {
                d.write(rows.subList(i, Math.min(rows.size(), i + 97)));
            }
        }
        return db;
    }

    private void assertStreamedEqualsWhole(Path db, List<IndexedFile> rows) throws IOException {
        LinkageReport whole = LinkageEquivalenceTest.whole(rows);
        try (DicomArchive a = DicomArchive.open(db)) {
            List<LinkageReport> parts = new ArrayList<>();
            LinkageReport.Summary s = a.linkByGroup(parts::add);
            assertEquals(whole.summary(), s);
            assertTrue(parts.size() > 1, "linked in " + parts.size() + " groups");
            LinkageEquivalenceTest.assertSame(whole, Linkage.merge(parts));
            assertEquals(whole.summary(), a.summary());
            LinkageReport.Totals t = a.writeReport(tmp.resolve("streamed/linkage.json"), tmp.resolve("streamed"));
            assertEquals(LinkageReport.Totals.of(whole), t);
            // every group report parked on disk (what archives beyond DicomArchive.HOLD_STRINGS do)
            t = a.writeReport(tmp.resolve("spooled/linkage.json"), tmp.resolve("spooled"), 0);
            assertEquals(LinkageReport.Totals.of(whole), t);
        }
        // the streamed files are byte for byte what Jackson writes for the whole report held in memory
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.resolve("held.json").toFile(), whole);
        whole.writeCsv(tmp.resolve("held"));
        for (String written : List.of("streamed", "spooled")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("held.json")),
                    Files.readAllBytes(tmp.resolve(written).resolve("linkage.json")), written + " linkage.json");
            for (String csv : List.of("plans.csv", "structure_sets.csv", "orphans.csv")) {
                assertEquals(Files.readString(tmp.resolve("held").resolve(csv)),
                        Files.readString(tmp.resolve(written).resolve(csv)), written + " " + csv);
            }
        }
        try (DicomArchive a = DicomArchive.open(db)) {
            LinkageEquivalenceTest.assertSame(whole, a.report());
        }
    }

    @Test
    void streamedEqualsWholeOnEditedSyntheticIndex() throws IOException {
        SyntheticArchive.generate(tmp.resolve("a"), 30, 3, 11);
        List<IndexedFile> rows;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), tmp.resolve("a"))) {
            rows = a.files();
        }
        List<IndexedFile> edited = LinkageEquivalenceTest.edit(rows, new Random(11));
        assertStreamedEqualsWhole(indexOf(edited), edited);
    }

    @Test
    void aFailingSinkStopsTheRowReaderAndLeavesTheIndexUsable() {
        SyntheticArchive.generate(tmp.resolve("a"), 12, 2, 5);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), tmp.resolve("a"))) {
            int[] calls = {0};
            org.rtsite.core.RtsiteException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.rtsite.core.RtsiteException.class, () -> a.linkByGroup(part -> {
                        if (++calls[0] == 2) {
                            throw new org.rtsite.core.RtsiteException("sink failed");
                        }
                    }));
            assertEquals("sink failed", e.getMessage());
            assertEquals(2, calls[0]);
            // the reading thread let go of the connection: the same archive links again, whole
            assertEquals(a.report().summary(), a.linkByGroup(part -> { }));
        }
    }

    @Test
    void streamedEqualsWholeOnPublicRtFiles() throws IOException {
        Path db = tmp.resolve("p.db");
        List<IndexedFile> rows;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db),
                DicomArchivePublicRtTest.resource("public-rt"), DicomArchivePublicRtTest.resource("archive-public-rt"))) {
            rows = a.files();
        }
        assertStreamedEqualsWhole(db, rows);
    }
}
