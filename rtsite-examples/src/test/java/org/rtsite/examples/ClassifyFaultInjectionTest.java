package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * The fault-injection suite of issue 14, through the CLI as an operator runs it: {@code rtsite classify}
 * processes SIGKILLed at random moments, the output folder and the database on a small tmpfs that
 * fills up, read-only outputs and a read-only database for {@code report}, hostile plan UIDs and file
 * names, a foreign SQLite file, two runs on one database, outputs asked for on a re-run. After each
 * fault: no plan stored as failed, every stored plan whole (all its label and organ rows), and a
 * re-run gives exactly the clean run's results and files. Mounting needs root and a mount namespace
 * ({@code unshare -m}, as in CI); where that is missing those cases are skipped here, and the same
 * faults are injected in-process by rtsite-dicom's ArchiveClassifierFaultTest and ResultStoreFaultTest.
 */
class ClassifyFaultInjectionTest {
    static final List<PhantomScene> SCENES = List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE,
            PhantomScene.WHOLE_BRAIN);

    @TempDir
    static Path dir;
    static Path root;
    static Path indexed;
    static Map<String, String> clean;
    static long outputBytes;

    @BeforeAll
    static void cleanRun() throws Exception {
        MOUNTS = canMount();
        root = dir.resolve("archive");
        PhantomArchive.write(root, SCENES);
        indexed = dir.resolve("indexed.db");
        CliRun index = CliRun.of("index", root.toString(), "--db", indexed.toString(), "--report",
                dir.resolve("report").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.out() + index.err());
        Path db = copyOfIndex("clean");
        CliRun r = CliRun.of("classify", "--db", db.toString(), "--out", dir.resolve("clean-out").toString(), "-j", "2",
                "--backend", "cpu", "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, r.exit(), r.out() + r.err());
        clean = results(db);
        assertEquals(SCENES.size(), clean.size());
        try (Stream<Path> s = Files.walk(dir.resolve("clean-out"))) {
            outputBytes = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** SIGKILL at random moments (indexing, classifying, writing outputs), then a re-run. */
    @Test
    void randomSigkillsThenARerunGiveTheCleanResults() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path db = dir.resolve("killed.db");
        Path out = dir.resolve("killed-out");
        for (int kill = 0; kill < 2; kill++) {
            Process p = new ProcessBuilder(java("classify", root.toString(), "--db", db.toString(), "--out", out.toString(),
                    "-j", "2", "--backend", "cpu", "--no-progress", "--isodose-rtstruct", "--qa-png"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("killed-" + kill + ".log").toFile()).start();
            long delay = 300 + random.nextInt(2500);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
            }
            assertConsistent(db, "seed " + seed + ", kill " + kill + " after " + delay + " ms");
        }
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", out.toString(), "-j", "2",
                "--backend", "cpu", "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, r.exit(), "seed " + seed + ": " + r.out() + r.err());
        assertConverged(db, out, "seed " + seed);
    }

    /** --out on a tmpfs too small for every output: the run stops with the OS's reason. */
    @Test
    void fullOutputFileSystemStopsTheRunAndTheRerunCompletesIt() throws Exception {
        assumeTrue(MOUNTS, "needs root and unshare -m; ArchiveClassifierFaultTest injects the output fault in-process");
        Path db = copyOfIndex("outfull");
        Path out = dir.resolve("outfull-out");
        Files.createDirectories(out);
        long size = Math.max(16 * 1024, outputBytes * 2 / 5 / 4096 * 4096);
        Sandboxed run = sandboxed("mount -t tmpfs -o size=" + size + " tmpfs " + q(out)
                + " && " + shell(java("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend",
                "cpu", "--no-progress", "--isodose-rtstruct", "--qa-png")) + "; rc=$?; ls -A " + q(out) + "/* > "
                + q(dir.resolve("outfull.ls")) + "; exit $rc");
        assertEquals(1, run.exit(), run.log());
        assertTrue(run.log().contains("No space left on device"), run.log());
        String leftovers = Files.readString(dir.resolve("outfull.ls"));
        assertTrue(!leftovers.contains(".tmp"), "temporary files left on the full disk: " + leftovers);
        assertConsistent(db, run.log());
        assertTrue(results(db).size() < SCENES.size(), "the tmpfs was meant to fill up: " + run.log());
        // the tmpfs is gone with its namespace: the re-run writes every output again, outside
        CliRun r = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertConverged(db, out, run.log());
    }

    /** The database on a tmpfs with room for about half the results. */
    @Test
    void fullDatabaseFileSystemStopsTheRunAndKeepsEveryPlanWhole() throws Exception {
        assumeTrue(MOUNTS, "needs root and unshare -m; ResultStoreFaultTest and ArchiveClassifierFaultTest fill the store in-process");
        Path db = copyOfIndex("dbfull");
        Path mnt = dir.resolve("dbfull-mnt");
        Path back = dir.resolve("dbfull-back");
        Files.createDirectories(mnt);
        Files.createDirectories(back);
        long grown = Files.size(dir.resolve("clean.db")) - Files.size(indexed);
        // the database, SQLite's 32 KiB shared-memory index, and room for about half of the results' growth
        long size = (Files.size(db) + 32 * 1024 + grown / 2) / 4096 * 4096 + 4096;
        Path inMnt = mnt.resolve("dbfull.db");
        Sandboxed run = sandboxed("mount -t tmpfs -o size=" + size + " tmpfs " + q(mnt) + " && cp " + q(db) + " " + q(mnt)
                + " && " + shell(java("classify", "--db", inMnt.toString(), "--out", dir.resolve("dbfull-out").toString(),
                "-j", "2", "--backend", "cpu", "--no-progress")) + "; rc=$?; cp -a " + q(mnt) + "/. " + q(back)
                + "; exit $rc");
        String context = "tmpfs of " + size + " bytes, database " + Files.size(db) + " + " + grown + ": " + run.log();
        assertEquals(1, run.exit(), context);
        assertTrue(run.log().contains("SQLITE_FULL") || run.log().contains("No space left on device"), context);
        Path kept = back.resolve("dbfull.db");
        assertConsistent(kept, context);
        assertTrue(results(kept).size() < SCENES.size(), "the tmpfs was meant to fill up: " + context);
        CliRun r = CliRun.of("classify", "--db", kept.toString(), "--out", dir.resolve("dbfull-out").toString(), "-j", "2",
                "--backend", "cpu", "--no-progress");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertConsistent(kept, r.out());
        assertEquals(clean, results(kept));
    }

    /** --out on a read-only file system: the run stops saying so, nothing is stored as failed. */
    @Test
    void readOnlyOutputsStopTheRunWithTheirReason() throws Exception {
        assumeTrue(MOUNTS, "needs root and unshare -m to mount a read-only file system");
        Path db = copyOfIndex("ro");
        Path out = dir.resolve("ro-out");
        Files.createDirectories(out.resolve("json"));
        Sandboxed run = sandboxed("mount --bind " + q(out) + " " + q(out) + " && mount -o remount,bind,ro " + q(out)
                + " && " + shell(java("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend",
                "cpu", "--no-progress")));
        assertEquals(1, run.exit(), run.log());
        assertTrue(run.log().contains("Read-only file system"), run.log());
        assertEquals(0, results(db).size(), "plans stored although no output could be written");
        CliRun r = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(clean, results(db));
    }

    /** {@code report} reads a results database on a read-only file system (no -wal/-shm can be created). */
    @Test
    void reportReadsADatabaseOnAReadOnlyFileSystem() throws Exception {
        Path ro = dir.resolve("ro-db");
        Files.createDirectories(ro);
        Files.copy(dir.resolve("clean.db"), ro.resolve("clean.db"));
        List<String> report = java("report", "--db", ro.resolve("clean.db").toString(), "--status", "ok");
        Sandboxed run;
        if (MOUNTS) {
            run = sandboxed("mount --bind " + q(ro) + " " + q(ro) + " && mount -o remount,bind,ro " + q(ro) + " && "
                    + shell(report));
        } else {
            assumeTrue(!"root".equals(System.getProperty("user.name")), "root ignores permissions and cannot mount here");
            ro.resolve("clean.db").toFile().setWritable(false);
            ro.toFile().setWritable(false);
            run = sandboxed(shell(report));
        }
        assertEquals(0, run.exit(), run.log());
        assertEquals(SCENES.size() + 1, run.log().lines().filter(l -> !l.isBlank()).count(), run.log());
        assertTrue(run.log().contains("PHANTOM-lung-sbrt"), run.log());
    }

    /**
     * Plan UIDs built with pydicom: two that today's sanitising merges ({@code …77/1}, {@code …77_1}), one
     * of 10,000 characters, a path; plan files with spaces, quotes and non-ASCII in their names. Every
     * plan is classified into its own files and the invalid UIDs are reported.
     */
    @Test
    void hostileUidsAndNamesEachGetTheirOwnOutputs() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && run(List.of("/usr/bin/python3", "-c",
                "import pydicom")).exit() == 0, "pydicom (scripts/setup.sh) is needed");
        Path hostile = dir.resolve("hostile");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(hostile, SCENES);
        String base = "1.2.826.0.1.3680043.8.498.77";
        List<String> uids = List.of(base + "/1", base + "_1", "9".repeat(10_000));
        List<String> names = List.of("plan 'one' \"x\".dcm", "Plän ü 三.dcm", "p".repeat(200) + ".dcm");
        StringBuilder py = new StringBuilder("import pydicom, os, sys\n");
        for (int i = 0; i < ps.size(); i++) {
            PhantomArchive.Patient p = ps.get(i);
            py.append("plan = pydicom.dcmread(").append(pyStr(p.planFile().toString())).append(")\n")
                    .append("dose = pydicom.dcmread(").append(pyStr(p.doseFile().toString())).append(")\n")
                    .append("uid = ").append(pyStr(uids.get(i))).append("\n")
                    .append("plan.SOPInstanceUID = uid\nplan.file_meta.MediaStorageSOPInstanceUID = uid\n")
                    .append("dose.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID = uid\n")
                    .append("plan.save_as(").append(pyStr(p.planFile().resolveSibling(names.get(i)).toString()))
                    .append(")\nos.remove(").append(pyStr(p.planFile().toString())).append(")\n")
                    .append("dose.save_as(").append(pyStr(p.doseFile().toString())).append(")\n");
        }
        Sandboxed made = run(List.of("/usr/bin/python3", "-c", py.toString()));
        assertEquals(0, made.exit(), made.log());
        Path db = dir.resolve("hostile.db");
        Path out = dir.resolve("hostile-out");
        CliRun r = CliRun.of("classify", hostile.toString(), "--db", db.toString(), "--out", out.toString(), "-j", "2",
                "--backend", "cpu", "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(SCENES.size() + " plans, " + SCENES.size() + " classified"), r.out());
        assertTrue(r.err().contains("10000 characters") && r.err().contains("'/'") && r.err().contains("'_'"), r.err());
        assertEquals(SCENES.size(), count(db, "SELECT count(*) FROM plan_result WHERE status = 'OK'"));
        assertEquals(SCENES.size(), count(db, "SELECT count(DISTINCT plan_uid) FROM plan_result"));
        for (String sub : List.of("json", "isodose", "qa")) {
            try (Stream<Path> files = Files.list(out.resolve(sub))) {
                List<String> fs = files.map(f -> f.getFileName().toString()).toList();
                assertEquals(SCENES.size(), fs.size(), sub + ": " + fs);
                assertTrue(fs.stream().allMatch(f -> f.length() <= 64 && f.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")),
                        sub + ": " + fs);
            }
        }
        CliRun again = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "--backend", "cpu",
                "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("0 classified, 0 failed, " + SCENES.size() + " already"), again.out());
    }

    /** {@code index} on another application's SQLite file (made by Python's sqlite3) refuses and adds nothing. */
    @Test
    void indexRefusesAForeignSqliteFile() throws Exception {
        Path db = dir.resolve("foreign.db");
        Sandboxed made = run(List.of("/usr/bin/python3", "-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n"
                + "c.execute('CREATE TABLE meta(k, v)')\nc.execute('CREATE TABLE invoices(id INTEGER, total REAL)')\n"
                + "c.commit()", db.toString()));
        assertEquals(0, made.exit(), made.log());
        byte[] before = Files.readAllBytes(db);
        CliRun r = CliRun.of("index", root.toString(), "--db", db.toString(), "--report", dir.resolve("foreign-report")
                .toString(), "--no-progress");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(db + " is an SQLite database of another application (tables: invoices, meta)"),
                r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the foreign file was changed");
        CliRun c = CliRun.of("classify", "--db", db.toString(), "--backend", "cpu", "--no-progress");
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.err().contains("another application"), c.err());
    }

    /**
     * Two classify processes on one database: one classifies, the other waits, then finds every plan
     * done. The test holds the run lock until both are waiting, so that they surely overlap.
     */
    @Test
    void aSecondRunOnTheSameDatabaseWaitsInsteadOfRedoingThePlans() throws Exception {
        Path db = copyOfIndex("twice");
        List<String> cmd = java("classify", "--db", db.toString(), "--out", dir.resolve("twice-out").toString(), "-j", "1",
                "--backend", "cpu", "--no-progress");
        List<Process> runs = new ArrayList<>();
        List<Path> logs = List.of(dir.resolve("twice-1.log"), dir.resolve("twice-2.log"));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(db.resolveSibling("twice.db-classify.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = ch.lock()) {
            for (Path log : logs) {
                runs.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.readString(logs.get(0)).contains("waiting") && Files.readString(logs.get(1)).contains("waiting"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, count(db, "SELECT count(*) FROM plan_result"), "a run classified without the lock");
        }
        List<String> done = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assertTrue(runs.get(i).waitFor(120, TimeUnit.SECONDS));
            String log = Files.readString(logs.get(i));
            assertEquals(0, runs.get(i).exitValue(), log);
            assertTrue(log.contains("waiting for it to finish"), log);
            done.add(log.lines().filter(l -> l.startsWith("done: ")).findFirst().orElse(log));
        }
        String n = Integer.toString(SCENES.size());
        assertTrue(done.contains("done: " + n + " plans, " + n + " classified, 0 failed, 0 already in the database")
                || done.stream().anyMatch(d -> d.startsWith("done: " + n + " plans, " + n + " classified, 0 failed, 0 already")),
                done.toString());
        assertTrue(done.stream().anyMatch(d -> d.startsWith("done: " + n + " plans, 0 classified, 0 failed, " + n
                + " already in the database")), done.toString());
        assertEquals(clean, results(db));
    }

    /** --isodose-rtstruct and --qa-png added on a re-run write those files for the plans already finished. */
    @Test
    void outputsAskedForOnARerunAreWrittenForFinishedPlans() throws Exception {
        Path db = copyOfIndex("later");
        Path out = dir.resolve("later-out");
        CliRun first = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress");
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(!Files.exists(out.resolve("isodose")));
        CliRun again = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress", "--isodose-rtstruct", "--qa-png");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertConverged(db, out, again.out());
    }

    // ---- helpers ----

    static boolean MOUNTS;

    private static boolean canMount() {
        try {
            Path m = Files.createTempDirectory("rtsite-mount");
            try {
                return run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                        "mount -t tmpfs -o size=64k tmpfs " + q(m) + " && touch " + q(m) + "/x")).exit() == 0;
            } finally {
                Files.deleteIfExists(m);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    record Sandboxed(int exit, String log) {
    }

    /** Runs {@code script} in a private mount namespace (root): its mounts vanish with it. */
    private static Sandboxed sandboxed(String script) {
        return run(MOUNTS ? List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                : List.of("sh", "-c", script));
    }

    private static Sandboxed run(List<String> command) {
        try {
            Path log = Files.createTempFile(dir, "run", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Sandboxed(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RtsiteCli.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String shell(List<String> cmd) {
        return String.join(" ", cmd.stream().map(ClassifyFaultInjectionTest::q).toList());
    }

    private static String q(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }

    private static String pyStr(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            b.append(c == '\'' || c == '\\' ? "\\" + c : c < 128 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.append("'").toString();
    }

    private static Path copyOfIndex(String name) throws IOException {
        Path db = dir.resolve(name + ".db");
        Files.copy(indexed, db);
        return db;
    }

    /** No FAILED row; every stored plan with all its label and organ rows. */
    static void assertConsistent(Path db, String context) throws Exception {
        if (!Files.exists(db)) {
            return;
        }
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result WHERE status <> 'OK'"), context);
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result p WHERE organs <> (SELECT count(*) FROM plan_organ o"
                + " WHERE o.plan_file = p.plan_file) OR (SELECT count(*) FROM plan_label l WHERE l.plan_file = p.plan_file)"
                + " <> length(labels) - length(replace(labels, '|', '')) + 1"), context);
        assertEquals(0, count(db, "SELECT count(*) FROM plan_organ WHERE plan_file NOT IN (SELECT plan_file FROM plan_result)"),
                context);
    }

    /** The clean run's rows, and exactly one file per plan in each output folder, no temporary file. */
    static void assertConverged(Path db, Path out, String context) throws Exception {
        assertConsistent(db, context);
        assertEquals(clean, results(db), context);
        for (String sub : List.of("json", "isodose", "qa")) {
            try (Stream<Path> files = Files.list(out.resolve(sub))) {
                List<String> fs = files.map(f -> f.getFileName().toString()).sorted().toList();
                try (Stream<Path> ref = Files.list(dir.resolve("clean-out").resolve(sub))) {
                    assertEquals(ref.map(f -> f.getFileName().toString()).sorted().toList(), fs, sub + " " + context);
                }
            }
        }
    }

    /** plan file → status, labels, rule, V85 and the organ rows, as stored. */
    static Map<String, String> results(Path db) throws Exception {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(db)) {
            return m;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery("SELECT p.plan_file, p.status, p.labels, p.rule, p.v85_cc, (SELECT"
                    + " group_concat(name || ':' || v85_voxels || ':' || score85, ',') FROM (SELECT * FROM plan_organ o"
                    + " WHERE o.plan_file = p.plan_file ORDER BY name, source)) FROM plan_result p")) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                            + rs.getDouble(5) + " " + rs.getString(6));
                }
            }
        } catch (java.sql.SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no such table")) {
                throw e;
            }
        }
        return m;
    }

    static int count(Path db, String sql) throws Exception {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (java.sql.SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return 0;
            }
            throw e;
        }
    }
}
