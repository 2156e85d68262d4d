package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-scan merges the walk with the index's rows in path order (no stamp map): after files were changed,
 * removed and added, it reads only those and leaves the index equal, table for table, to a fresh index
 * of the archive. Folder names are chosen so that a folder-by-folder walk and the index's path order
 * disagree unless the walk sorts as SQLite does ('-' and '.' sort before '/', characters above U+FFFF
 * after U+E000..U+FFFF).
 */
class IncrementalRescanTest {
    @TempDir
    Path tmp;

    @Test
    void rescanAfterChangesEqualsAFreshIndex() throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.generate(root.resolve("synthetic"), 6, 3, 5);
        copyTree(DicomArchivePublicRtTest.resource("public-rt"), root.resolve("public-rt"));
        List<Path> real;
        try (Stream<Path> s = Files.walk(root.resolve("public-rt"))) {
            real = s.filter(Files::isRegularFile).sorted().toList();
        }
        String[] tricky = {"a/x.dcm", "a-b", "a.b/y.dcm", "a.b/sub/z.dcm", "a0", "\u00e9/z.dcm", "\uE000/p.dcm",
            "\uD835\uDD38/q.dcm", "\uD835\uDD38-\uFFFD/r.dcm", "a/b-c/s.dcm", "a/b/t.dcm", "a/b.c"};
        for (int i = 0; i < tricky.length; i++) {
            if (nameable(tricky[i])) {
                copy(real.get(i % real.size()), root.resolve(tricky[i]));
            }
        }
        Path db = tmp.resolve("index.db");
        long files;
        long unreadable; // read on every scan (public-rt holds a truncated file)
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db).withBatchSize(37), root)) {
            files = a.lastScan().filesSeen();
            unreadable = a.lastScan().unreadable();
            assertEquals(files, a.lastScan().filesRead());
            assertTrue(unreadable > 0);
        }
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db).withBatchSize(37), root)) {
            ScanStats s = a.lastScan();
            assertEquals(unreadable, s.filesRead(), "an unchanged archive is not read again: " + s);
            assertEquals(0, s.removed());
            assertEquals(files - unreadable, s.unchanged());
        }

        // changed: other content in place (same or other size), a new mtime
        Path changed1 = root.resolve("a-b");
        copy(real.get(real.size() - 1), changed1);
        Files.setLastModifiedTime(changed1, FileTime.fromMillis(Files.getLastModifiedTime(changed1).toMillis() + 7000));
        Path changed2 = root.resolve(nameable("\uD835\uDD38/q.dcm") ? "\uD835\uDD38/q.dcm" : "a0");
        Files.setLastModifiedTime(changed2, FileTime.fromMillis(Files.getLastModifiedTime(changed2).toMillis() + 5000));
        // removed: one file, one folder with a subfolder, and every file of the synthetic archive's first plan
        Files.delete(root.resolve("a/b/t.dcm"));
        deleteTree(root.resolve("a.b"));
        List<Path> synthetic;
        try (Stream<Path> s = Files.walk(root.resolve("synthetic"))) {
            synthetic = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (int i = 0; i < synthetic.size(); i += 9) {
            Files.delete(synthetic.get(i));
        }
        int removed = 3 + (synthetic.size() + 8) / 9;
        // added: beside, before and after known paths in the index's order
        String[] added = Stream.of("a-c/n.dcm", "a/b-c/o.dcm", "a/b.d", "\uE000/0.dcm", "\uD835\uDD38/r.dcm",
                "zz/notes.txt").filter(IncrementalRescanTest::nameable).toArray(String[]::new);
        for (int i = 0; i < added.length; i++) {
            copy(real.get((3 * i + 1) % real.size()), root.resolve(added[i]));
        }
        Files.writeString(root.resolve("zz/notes.txt"), "not DICOM");

        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db).withBatchSize(37), root)) {
            ScanStats s = a.lastScan();
            assertEquals(unreadable + 2 + added.length, s.filesRead(), "only changed and added files are read: " + s);
            assertEquals(removed, s.removed(), s.toString());
            assertEquals(files - removed + added.length, s.filesSeen());
        }
        Path fresh = tmp.resolve("fresh.db");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(fresh), root)) {
            assertEquals(files - removed + added.length, a.lastScan().filesRead());
        }
        assertEquals(rows(fresh, FILES), rows(db, FILES));
        assertEquals(rows(fresh, REFS), rows(db, REFS));
        assertEquals(List.of("0"), rows(db, "SELECT count(*) FROM refs WHERE file_id NOT IN (SELECT id FROM files)"));
        assertEquals(rows(fresh, INDEXES), rows(db, INDEXES), "the fresh index built its secondary indexes");
    }

    @Test
    void walkOrderIsSqlitesOrderOfPaths() throws Exception {
        String[] alphabet = {"a", "b", "-", ".", "/", "0", "\u00e9", "\u007f", "\uE000", "\uFFFD", "\uD835\uDD38",
            "\uD83D\uDE00", " "};
        Random random = new Random(17);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder("/r");
            for (int n = random.nextInt(8); n >= 0; n--) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            paths.add(b.toString());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(p TEXT)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                for (String p : paths) {
                    ps.setString(1, p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<String> sorted = new ArrayList<>(paths);
            sorted.sort(StampCursor::compare);
            assertEquals(rows(c, "SELECT p FROM t ORDER BY p"), sorted);
        }
    }

    private static final String FILES = "SELECT path, size, mtime, status, reason, has_meta, sop_class, sop_instance,"
            + " modality, patient_id, study_uid, series_uid, frame_of_reference, instance_number, slice_position,"
            + " dose_summation_type, dose_grid, fractions, content_key FROM files ORDER BY path";
    private static final String REFS = "SELECT f.path, r.kind, r.seq, r.uid FROM refs r JOIN files f ON f.id = r.file_id"
            + " ORDER BY f.path, r.kind, r.seq";
    private static final String INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name NOT LIKE"
            + " 'sqlite%' AND name <> 'files_patient' ORDER BY name";

    private static List<String> rows(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return rows(c, sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData m = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        assertTrue(!out.isEmpty(), "no rows: " + sql);
        return out;
    }

    /** Whether the JVM can name such a file (a JVM started in the C locale cannot name non-ASCII ones). */
    private static boolean nameable(String name) {
        return java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).newEncoder()
                .canEncode(name);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
