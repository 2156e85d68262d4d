package org.rtsite.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults of the run injected into a real classification (issue 14.1, 14.2, 14.8): the store fills up,
 * the output folder stops being writable, workers are interrupted while reading, the JVM runs out of
 * memory. After each: no plan stored as failed, every stored plan whole, and a re-run gives the clean
 * run's results. The same faults on real file systems (tmpfs, read-only mounts) and SIGKILL are in
 * rtsite-examples' ClassifyFaultInjectionTest.
 */
class ArchiveClassifierFaultTest {
    static final List<PhantomScene> SCENES = List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE,
            PhantomScene.WHOLE_BRAIN, PhantomScene.LIVER_SBRT, PhantomScene.PELVIC_NODES);
    static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();

    @TempDir
    static Path dir;
    static List<PlanBundle> plans;
    static Map<String, String> clean;

    @BeforeAll
    static void cleanRun() throws Exception {
        PhantomArchive.write(dir.resolve("archive"), SCENES);
        Path db = dir.resolve("clean.db");
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), dir.resolve("archive"));
             ResultStore store = ResultStore.open(db)) {
            plans = archive.plans().toList();
            runner(2, dir.resolve("clean-json")).run(plans, store, ArchiveClassifier.Progress.NONE);
        }
        clean = results(db);
        assertEquals(SCENES.size(), clean.size());
    }

    static ArchiveClassifier runner(int workers, Path json) {
        return new ArchiveClassifier(CLASSIFIER, new RtStructMaskSource(RegionDictionary.defaults()),
                DicomPlanLoader.defaults(), workers, json);
    }

    @Test
    void aFullStoreStopsTheRunAndKeepsEveryPlanWhole() throws Exception {
        Path db = dir.resolve("full.db");
        Files.copy(dir.resolve("clean.db"), db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("DELETE FROM plan_organ");
            s.execute("DELETE FROM plan_label");
            s.execute("DELETE FROM plan_result");
            s.execute("VACUUM");
        }
        RtsiteException e;
        try (ResultStore store = ResultStore.open(db)) {
            store.limitGrowth(24 * 1024);
            e = assertThrows(RtsiteException.class,
                    () -> runner(3, dir.resolve("full-json")).run(plans, store, ArchiveClassifier.Progress.NONE));
        }
        assertTrue(e.getMessage().contains("SQLITE_FULL") && e.getMessage().contains("left for the next run"),
                e.getMessage());
        assertConsistent(db);
        assertTrue(results(db).size() < SCENES.size(), "the store was meant to fill up");
        assertConverges(db, dir.resolve("full-json"));
    }

    /**
     * The output folder breaks in the middle of a run (its json folder replaced by a file: every write
     * fails with the OS's "Not a directory") while another worker is reading CT slices: the run stops
     * with the OS's reason, the interrupted plan is not stored as failed ("cannot read CT slice ...").
     */
    @Test
    void anOutputFaultStopsTheRunAndInterruptedPlansStayUnrecorded() throws Exception {
        Path db = dir.resolve("out.db");
        Path json = dir.resolve("out-json");
        Files.copy(dir.resolve("clean.db"), db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("DELETE FROM plan_organ");
            s.execute("DELETE FROM plan_label");
            s.execute("DELETE FROM plan_result");
        }
        String victim = plans.get(2).planFile();
        String trigger = plans.get(3).planFile();
        CountDownLatch victimReading = new CountDownLatch(1);
        List<String> victimOutcome = new ArrayList<>();
        MaskSource faulty = new MaskSource() {
            final MaskSource real = new RtStructMaskSource(RegionDictionary.defaults());

            @Override
            public String name() {
                return real.name();
            }

            @Override
            public Prepared prepare(LoadedPlan plan) {
                String f = plan.bundle().planFile();
                if (f.equals(victim)) {
                    // reads this plan's CT slices again and again, as a loader does, until the run stops
                    victimReading.countDown();
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (System.nanoTime() < end) {
                        for (String ct : plan.bundle().ctFiles()) {
                            // a FileChannel, as CtSeriesReader reads pixel data: interruptible, it is closed by the interrupt
                            try (FileChannel ch = FileChannel.open(Path.of(ct))) {
                                ch.read(ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20)), 0);
                            } catch (IOException io) {
                                victimOutcome.add(io.getClass().getSimpleName());
                                throw new RtsiteIOException("cannot read CT slice " + ct, io);
                            }
                        }
                    }
                    victimOutcome.add("never interrupted");
                } else if (f.equals(trigger)) {
                    try {
                        assertTrue(victimReading.await(60, TimeUnit.SECONDS));
                        deleteTree(json);
                        Files.writeString(json, "not a folder any more");
                    } catch (IOException | InterruptedException x) {
                        throw new IllegalStateException(x);
                    }
                }
                return real.prepare(plan);
            }
        };
        RtsiteException e;
        try (ResultStore store = ResultStore.open(db)) {
            e = assertThrows(RtsiteException.class, () -> new ArchiveClassifier(CLASSIFIER, faulty,
                    DicomPlanLoader.defaults(), 2, json).run(plans, store, ArchiveClassifier.Progress.NONE));
        }
        assertTrue(e instanceof RunFaultException, e.toString());
        assertTrue(e.getMessage().contains("cannot write " + json) && e.getMessage().contains("Not a directory"),
                e.getMessage());
        assertEquals(List.of("ClosedByInterruptException"), victimOutcome);
        assertConsistent(db);
        Map<String, String> stored = results(db);
        assertFalse(stored.containsKey(victim) || stored.containsKey(trigger), stored.keySet().toString());
        Files.delete(json);
        assertConverges(db, json);
    }

    /** An OutOfMemoryError is the run's (its heap is shared by every worker), never the plan's failure. */
    @Test
    void outOfMemoryStopsTheRunWithoutRecordingThePlan() throws Exception {
        Path db = dir.resolve("oom.db");
        MaskSource oom = new MaskSource() {
            @Override
            public String name() {
                return "oom";
            }

            @Override
            public Prepared prepare(LoadedPlan plan) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), dir.resolve("archive"));
             ResultStore store = ResultStore.open(db)) {
            RtsiteException e = assertThrows(RtsiteException.class, () -> new ArchiveClassifier(CLASSIFIER, oom,
                    DicomPlanLoader.defaults(), 1, null).run(plans, store, ArchiveClassifier.Progress.NONE));
            assertTrue(e.getMessage().contains("out of memory") && e.getMessage().contains("fewer workers"), e.getMessage());
        }
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result"));
    }

    /**
     * The other side of the line: a plan's own input failing to read (a CT slice turned into a folder after
     * indexing) is the plan's failure, stored, with the OS's words in the reason; the run goes on.
     */
    @Test
    void aPlansOwnUnreadableSliceIsItsFailureWithTheOsReason() throws Exception {
        List<PhantomArchive.Patient> ps = PhantomArchive.write(dir.resolve("own"), List.of(PhantomScene.PROSTATE,
                PhantomScene.WHOLE_BRAIN));
        Path db = dir.resolve("own.db");
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), dir.resolve("own"));
             ResultStore store = ResultStore.open(db)) {
            List<PlanBundle> own = archive.plans().toList();
            Path slice = Path.of(own.stream().filter(b -> b.planFile().equals(ps.get(0).planFile().toAbsolutePath()
                    .normalize().toString())).findFirst().orElseThrow().ctFiles().get(3));
            Files.delete(slice);
            Files.createDirectory(slice);
            ArchiveClassifier.Summary s = runner(2, null).run(own, store, ArchiveClassifier.Progress.NONE);
            assertEquals(1, s.ok());
            assertEquals(1, s.failed());
        }
        String error = null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT error FROM plan_result WHERE status = 'FAILED'")) {
            assertTrue(rs.next());
            error = rs.getString(1);
        }
        assertTrue(error.contains("Is a directory"), error);
    }

    /** Hostile and colliding plan UIDs get bounded, safe, distinct names; valid UIDs keep theirs. */
    @Test
    void outputNamesAreSafeBoundedAndDistinct() {
        String base = "1.2.826.0.1.3680043.8.498.77";
        List<String> uids = List.of(base + "/1", base + "_1", base + ".1", "9".repeat(10_000), "../../etc/passwd",
                ".", "..", "", "1.2.3 ", "1.2.ÄÖ", "a\u0000b", "x".repeat(64), "X".repeat(64));
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String u : uids) {
            String n = OutputNames.of(u, "/archive/" + u.length() + ".dcm");
            assertTrue(n.matches("[A-Za-z0-9_][A-Za-z0-9._-]*") && n.length() <= 64, u + " -> " + n);
            assertTrue(names.add(n.toLowerCase(java.util.Locale.ROOT)), "name taken twice: " + n);
            assertEquals(n, OutputNames.of(u, "/archive/" + u.length() + ".dcm"), "stable");
        }
        assertEquals(base + ".1", OutputNames.of(base + ".1", "/a.dcm"));
        assertTrue(OutputNames.isValidUid(base) && !OutputNames.isValidUid(base + "/1")
                && !OutputNames.isValidUid("1.02.3") && !OutputNames.isValidUid("1" + ".2".repeat(32)));
        assertTrue(OutputNames.uidProblem("9".repeat(10_000)).contains("10000 characters"));
        assertTrue(OutputNames.uidProblem(base + "/1").contains("'/'"));
    }

    /** After a re-run on a healthy store and folder: exactly the clean run's results, no leftovers. */
    private static void assertConverges(Path db, Path json) throws Exception {
        try (ResultStore store = ResultStore.open(db)) {
            runner(2, json).run(plans, store, ArchiveClassifier.Progress.NONE);
        }
        assertConsistent(db);
        assertEquals(clean, results(db));
        try (Stream<Path> files = Files.list(json)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(SCENES.size(), names.size(), names.toString());
            assertTrue(names.stream().allMatch(n -> n.endsWith(".json")), "temporary files left: " + names);
        }
    }

    /** No FAILED row; every stored plan with all its label and organ rows. */
    static void assertConsistent(Path db) throws Exception {
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result WHERE status <> 'OK'"));
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result p WHERE organs <> (SELECT count(*) FROM plan_organ o"
                + " WHERE o.plan_file = p.plan_file) OR (SELECT count(*) FROM plan_label l WHERE l.plan_file = p.plan_file)"
                + " <> length(labels) - length(replace(labels, '|', '')) + 1"));
        assertEquals(0, count(db, "SELECT count(*) FROM plan_organ WHERE plan_file NOT IN (SELECT plan_file FROM plan_result)"));
    }

    /** plan file → labels, rule, V85 and the organ rows, as stored. */
    static Map<String, String> results(Path db) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT p.plan_file, p.status, p.labels, p.rule, p.v85_cc, (SELECT"
                     + " group_concat(name || ':' || v85_voxels || ':' || score85, ',') FROM (SELECT * FROM plan_organ o"
                     + " WHERE o.plan_file = p.plan_file ORDER BY name, source)) FROM plan_result p")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getDouble(5) + " " + rs.getString(6));
            }
        }
        return m;
    }

    static int count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
