package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Re-runs of {@code rtsite classify} a batch job can trust: stored failures keep the exit status at 3,
 * files unreadable at one scan are read again at the next, and rtsite's outputs never become input.
 */
class ClassifyRerunTest {

    @TempDir
    Path dir;

    @Test
    void aRerunThatFindsFailedPlansStoredExits3() throws Exception {
        Path root = dir.resolve("archive");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(root, List.of(PhantomScene.PROSTATE, PhantomScene.FEMUR));
        try (Stream<Path> s = Files.walk(ps.get(1).ctDir())) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        Path db = dir.resolve("a.db");
        CliRun first = CliRun.of("classify", root.toString(), "--db", db.toString(), "--backend", "cpu", "--no-progress");
        assertEquals(3, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("1 stored as failed (0 by earlier runs)"), first.out());

        CliRun again = CliRun.of("classify", "--db", db.toString(), "--backend", "cpu", "--no-progress");
        assertEquals(3, again.exit(), "the failure is still stored: " + again.out() + again.err());
        assertTrue(again.out().contains("0 classified, 0 failed, 2 already in the database"), again.out());
        assertTrue(again.out().contains("1 stored as failed (1 by earlier runs)") && again.out().contains("--retry-failed"),
                again.out());

        CliRun help = CliRun.of("classify", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("3 some plan of the archive is stored FAILED"),
                help.out());
    }

    /**
     * A dose that could not be read at the first scan (here: one element length overwritten so that it
     * runs past the end of the file, as a failing read can deliver) and is intact later with the same size and mtime, as
     * after a permission or NFS fault, is read again; --retry-failed then classifies the plan it blocked.
     * Permissions cannot make a file unreadable for root (the tests' user in CI), content can.
     */
    @Test
    void unreadableFilesAreReadAgainAndRetryFailedClassifiesTheirPlans() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient p = PhantomArchive.write(root, List.of(PhantomScene.PROSTATE)).get(0);
        Path notes = Files.writeString(root.resolve("notes.txt"), "not DICOM, never read twice");
        byte[] dose = Files.readAllBytes(p.doseFile());
        FileTime mtime = Files.getLastModifiedTime(p.doseFile());
        // the first data set element (after the file meta group) made an OB whose length runs past the end
        int metaEnd = 144 + java.nio.ByteBuffer.wrap(dose, 140, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] broken = dose.clone();
        byte[] ob = {'O', 'B', 0, 0, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F};
        System.arraycopy(ob, 0, broken, metaEnd + 4, ob.length);
        Files.write(p.doseFile(), broken);
        Files.setLastModifiedTime(p.doseFile(), mtime);
        Path db = dir.resolve("u.db");

        CliRun first = CliRun.of("classify", root.toString(), "--db", db.toString(), "--backend", "cpu", "--no-progress");
        assertEquals(3, first.exit(), first.out() + first.err());
        assertEquals("UNREADABLE", status(db, p.doseFile()), first.out() + first.err());
        assertEquals("NOT_DICOM", status(db, notes));

        Files.write(p.doseFile(), dose);
        Files.setLastModifiedTime(p.doseFile(), mtime);
        CliRun rescan = CliRun.of("classify", root.toString(), "--db", db.toString(), "--backend", "cpu", "--no-progress");
        // only the unreadable dose is read again: the plan's other files and the NOT_DICOM file are unchanged
        assertTrue(rescan.out().contains("(1 read,"), rescan.out());
        assertEquals("DICOM", status(db, p.doseFile()));
        assertEquals(3, rescan.exit(), "without --retry-failed the stored failure stays: " + rescan.out());

        CliRun retry = CliRun.of("classify", root.toString(), "--db", db.toString(), "--backend", "cpu", "--no-progress",
                "--retry-failed");
        assertEquals(0, retry.exit(), retry.out() + retry.err());
        assertTrue(retry.out().contains("1 plans, 1 classified, 0 failed"), retry.out());
        assertTrue(retry.out().contains("(0 read,"), "a DICOM file is not read again: " + retry.out());
    }

    @Test
    void outInsideAnArchiveRootIsRefused() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.PROSTATE));
        Path db = dir.resolve("o.db");
        CliRun inside = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out",
                root.resolve("results").toString());
        assertEquals(2, inside.exit(), inside.out() + inside.err());
        assertTrue(inside.err().contains("--out " + root.resolve("results") + " lies inside the archive root " + root),
                inside.err());
        CliRun around = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.toString());
        assertEquals(2, around.exit(), around.out() + around.err());
        assertTrue(around.err().contains("the archive root " + root + " lies inside --out " + dir), around.err());
        // a symbolic link into the archive is the archive
        Path link = Files.createSymbolicLink(dir.resolve("link"), root);
        CliRun linked = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out",
                link.resolve("out").toString());
        assertEquals(2, linked.exit(), linked.out() + linked.err());
        assertFalse(Files.exists(db), "nothing was indexed");

        // without ROOT arguments, the roots the database's earlier scans walked count
        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("report").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.out() + index.err());
        CliRun reuse = CliRun.of("classify", "--db", db.toString(), "--out", root.resolve("results").toString());
        assertEquals(2, reuse.exit(), reuse.out() + reuse.err());
        assertTrue(reuse.err().contains("lies inside the archive root " + root.toAbsolutePath().normalize()), reuse.err());
    }

    /**
     * Isodose RTSTRUCTs rtsite wrote, copied into the archive, are indexed as rtsite's outputs and
     * never linked; the same file with another Manufacturer (dcmodify) is an ordinary structure set.
     */
    @Test
    void rtsitesOwnIsodoseStructureSetsAreNeverLinked() throws Exception {
        Path root = dir.resolve("archive");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(root, List.of(PhantomScene.PROSTATE,
                PhantomScene.LUNG_SBRT));
        Path db = dir.resolve("i.db");
        Path out = dir.resolve("out");
        CliRun first = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", out.toString(),
                "--isodose-rtstruct", "--backend", "cpu", "--no-progress");
        assertEquals(0, first.exit(), first.out() + first.err());
        Path iso;
        try (Stream<Path> s = Files.list(out.resolve("isodose"))) {
            iso = s.filter(f -> f.toString().endsWith(".dcm")).sorted().findFirst().orElseThrow();
        }
        Path copied = Files.copy(iso, Files.createDirectories(root.resolve("exports")).resolve("isodose.dcm"));

        Path report = dir.resolve("report");
        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report", report.toString(),
                "--no-progress");
        assertEquals(0, index.exit(), index.out() + index.err());
        String orphans = Files.readString(report.resolve("orphans.csv"));
        String line = orphans.lines().filter(l -> l.contains(copied.toString())).findFirst().orElseThrow(() ->
                new AssertionError(orphans));
        assertTrue(line.contains("RTSITE_OUTPUT") && line.contains("written by rtsite"), line);
        String plans = Files.readString(report.resolve("plans.csv"));
        for (PhantomArchive.Patient p : ps) {
            assertTrue(plans.contains(p.structureSetFile().toString()), "each plan keeps its own structure set: " + plans);
        }
        assertFalse(plans.contains(copied.toString()), plans);
        CliRun again = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", out.toString(),
                "--backend", "cpu", "--no-progress");
        assertEquals(0, again.exit(), again.out() + again.err());

        assumeTrue(CliProcess.available("dcmodify"), "dcmodify (dcmtk) not installed");
        Path foreign = Files.copy(iso, root.resolve("exports").resolve("foreign.dcm"));
        CliProcess.tool("dcmodify", "-nb", "-m", "(0008,0070)=OtherTPS", foreign.toString());
        CliRun reindex = CliRun.of("index", root.toString(), "--db", db.toString(), "--report", report.toString(),
                "--no-progress");
        assertEquals(0, reindex.exit(), reindex.out() + reindex.err());
        String orphans2 = Files.readString(report.resolve("orphans.csv"));
        assertFalse(orphans2.lines().anyMatch(l -> l.contains(foreign.toString()) && l.contains("RTSITE_OUTPUT")),
                "only rtsite's own files are recognised: " + orphans2);
        assertEquals("DICOM", status(db, foreign));
        assertEquals("RTSITE_OUTPUT", status(db, copied));
    }

    private static String status(Path db, Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement s = c.prepareStatement("SELECT status FROM files WHERE path = ?")) {
            s.setString(1, file.toAbsolutePath().normalize().toString());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
