package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first linkage after a scan into an empty index links the rows the scan just wrote, held in memory,
 * instead of reading them back: the groups, their rows and their order, and so the report files, must be
 * exactly those of the index read back. Checked on a synthetic archive beside the real planning-system
 * exports of public-rt (with their linkage faults), a truncated DICOM file beside a plan (unreadable,
 * named in reasons) and a file that is not DICOM.
 */
class HeldRowsLinkageTest {
    @TempDir
    Path tmp;
    private List<Path> roots;

    @BeforeEach
    void archive() throws IOException {
        Path syn = tmp.resolve("syn");
        FaultyArchive.generate(syn, 12);
        roots = List.of(syn, DicomArchivePublicRtTest.resource("public-rt"),
                DicomArchivePublicRtTest.resource("archive-public-rt"));
    }

    private static List<Path> distinct(List<Path> roots) {
        return DicomArchive.distinctRoots(roots.toArray(Path[]::new));
    }

    @Test
    void heldRowsGroupExactlyAsTheIndexReadsThemBack() {
        try (IndexDatabase db = new IndexDatabase(tmp.resolve("i.db"))) {
            ArchiveScanner scanner = new ArchiveScanner(db, ArchiveOptions.of(tmp.resolve("i.db")).withReadsInFlight(8),
                    ScanListener.NONE);
            ScanStats stats = scanner.scan(distinct(roots));
            List<IndexedFile> held = scanner.held();
            assertNotNull(held, "a first scan holds its rows");
            assertEquals(stats.filesRead(), held.size());
            assertTrue(stats.unreadable() > 0 && stats.notDicom() > 0, stats.toString());

            Linkage.Groups fromIndex = db.joins();
            Linkage.Groups fromHeld = Linkage.groups(held);
            assertTrue(!fromIndex.joined().isEmpty(), "some patients meet through UIDs");
            assertEquals(fromIndex.joined(), fromHeld.joined());
            List<List<IndexedFile>> read = new ArrayList<>();
            db.forEachGroup(fromIndex, 7, read::add);
            List<List<IndexedFile>> kept = new ArrayList<>();
            IndexDatabase.forEachGroup(held, fromHeld, 7, kept::add);
            assertEquals(read.size(), kept.size());
            for (int i = 0; i < read.size(); i++) {
                assertEquals(read.get(i), kept.get(i), "group " + i);
            }
        }
    }

    @Test
    void reportOfTheFirstLinkageIsTheReportOfTheIndex() throws IOException {
        Path db = tmp.resolve("first.db");
        LinkageReport.Totals first;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), roots.toArray(Path[]::new))) {
            first = a.writeReport(tmp.resolve("first/linkage.json"), tmp.resolve("first"));
        }
        LinkageReport.Totals again;
        try (DicomArchive a = DicomArchive.open(db)) {
            again = a.writeReport(tmp.resolve("again/linkage.json"), tmp.resolve("again"));
        }
        assertEquals(again, first);
        assertTrue(first.summary().plans() > 20, first.summary().toString());
        for (String f : List.of("linkage.json", "plans.csv", "structure_sets.csv", "orphans.csv")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("again").resolve(f)),
                    Files.readAllBytes(tmp.resolve("first").resolve(f)), f);
        }
    }

    /**
     * The secondary indexes and the scan's record of a first scan are written beside its first linkage: the
     * index is complete when that linkage returns (a second connection sees it so), and when the archive is
     * closed without linking.
     */
    @Test
    void theIndexIsFinishedByTheFirstLinkageOrTheClose() throws Exception {
        List<String> all = List.of("files_frame", "files_modality", "files_series", "files_sop", "refs_file",
                "refs_uid");
        Path linked = tmp.resolve("linked.db");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(linked), roots.toArray(Path[]::new))) {
            assertEquals(List.of(), indexes(linked), "left to the first linkage");
            a.writeReport(tmp.resolve("r/linkage.json"), tmp.resolve("r"));
            assertEquals(all, indexes(linked));
            assertEquals(1, scans(linked));
        }
        Path closed = tmp.resolve("closed.db");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(closed), roots.toArray(Path[]::new))) {
            assertTrue(a.lastScan().filesRead() > 0);
        }
        assertEquals(all, indexes(closed));
        assertEquals(1, scans(closed));
        // killed before its first linkage: the next open builds the secondary indexes
        Path killed = tmp.resolve("killed.db");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(killed), roots.toArray(Path[]::new))) {
            new IndexDatabase(killed).close();
            assertEquals(all, indexes(killed));
            assertEquals(0, scans(killed));
        }
        assertEquals(1, scans(killed));
    }

    private static List<String> indexes(Path db) throws java.sql.SQLException {
        List<String> names = new ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE"
                     + " type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static int scans(Path db) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM scans")) {
            return rs.getInt(1);
        }
    }

    @Test
    void rowsAreHeldOnlyForAFirstScanAndWithinTheBound() {
        Path file = tmp.resolve("bound.db");
        try (IndexDatabase db = new IndexDatabase(file)) {
            ArchiveScanner small = new ArchiveScanner(db, ArchiveOptions.of(file), ScanListener.NONE, 10_000);
            small.scan(distinct(roots));
            assertNull(small.held(), "rows beyond the bound are dropped");
            ArchiveScanner again = new ArchiveScanner(db, ArchiveOptions.of(file), ScanListener.NONE);
            again.scan(distinct(roots));
            assertNull(again.held(), "a re-scan holds nothing: the index has rows the scan did not read");
        }
    }
}
