package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rtsite.examples.ClassifyFaultInjectionTest.count;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/** {@code rtsite classify}, {@code rtsite report} and the archive mode of {@code rtsite quickstart}, as a user runs them. */
class ClassifyCommandTest {

    @TempDir
    Path dir;

    @Test
    void quickstartRunsTheWholeDicomPathAndASecondRunSkipsFinishedPlans() throws Exception {
        Path work = dir.resolve("qs");
        CliRun r = CliRun.of("quickstart", "--work", work.toString(), "-j", "2", "--backend", "cpu");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(QuickstartCommand.ARCHIVE_SCENES.size(), r.out().lines().filter(l -> l.endsWith("as expected")).count(), r.out());
        assertTrue(r.out().contains("PHANTOM-lung-sbrt") && r.out().contains("Thorax"), r.out());
        assertTrue(Files.isRegularFile(work.resolve("results/results.csv")));
        assertTrue(Files.isRegularFile(work.resolve("rtsite.db")));
        for (String out : List.of("json", "isodose", "qa")) {
            try (Stream<Path> files = Files.list(work.resolve("results").resolve(out))) {
                assertEquals(QuickstartCommand.ARCHIVE_SCENES.size(), files.count(), out);
            }
        }
        try (Stream<Path> files = Files.list(work.resolve("results/isodose"))) {
            org.rtsite.dicom.rt.RtStructureSet iso = org.rtsite.dicom.rt.RtStructureSet.read(files.findFirst().orElseThrow());
            assertEquals(List.of("rtsite_V85", "rtsite_V50"),
                    iso.rois().stream().map(org.rtsite.dicom.rt.RtStructureSet.Roi::name).toList());
            assertTrue(iso.contourCount() > 0);
        }
        try (Stream<Path> files = Files.list(work.resolve("results/qa"))) {
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(files.findFirst().orElseThrow().toFile());
            assertTrue(png.getWidth() > 300 && png.getHeight() > 200);
        }
        CliRun again = CliRun.of("quickstart", "--work", work.toString(), "--backend", "cpu");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("(0 new, 5 already done)"), again.out());
    }

    @Test
    void classifyRecordsAFailedPlanAndReportFilters() throws Exception {
        Path root = dir.resolve("archive");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT,
                PhantomScene.PROSTATE, PhantomScene.FEMUR));
        try (Stream<Path> s = Files.walk(ps.get(2).ctDir())) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "-j", "2", "--backend", "cpu");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("3 plans, 2 classified, 1 failed"), r.out());
        assertTrue(r.err().contains("3/3 plans") && r.err().contains("ETA"), "progress bar: " + r.err());
        assertEquals(4, Files.readAllLines(dir.resolve("out/results.csv")).size());

        CliRun thorax = CliRun.of("report", "--db", db.toString(), "--primary", "thorax");
        assertEquals(0, thorax.exit(), thorax.err());
        List<String> lines = thorax.out().lines().toList();
        assertEquals(2, lines.size(), thorax.out());
        assertTrue(lines.get(1).contains("PHANTOM-lung-sbrt") && lines.get(1).contains("V85_OVERLAP"), thorax.out());

        CliRun failed = CliRun.of("report", "--db", db.toString(), "--status", "failed", "--format", "json");
        assertEquals(0, failed.exit(), failed.err());
        assertTrue(failed.out().contains("PHANTOM-femur") && failed.out().contains("no CT series linked"), failed.out());

        CliRun bad = CliRun.of("report", "--db", db.toString(), "--primary", "knee");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("knee"), bad.err());

        CliRun none = CliRun.of("classify", "--db", dir.resolve("missing.db").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("missing.db does not exist"), none.err());
    }

    /** A classify process killed mid-run (SIGKILL), then run again: every plan exactly once. */
    @Test
    void killedRunResumesWithoutLosingOrDuplicatingPlans() throws Exception {
        Path root = dir.resolve("archive");
        List<PhantomScene> scenes = List.of(PhantomScene.values());
        PhantomArchive.write(root, scenes);
        Path db = dir.resolve("k.db");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RtsiteCli.class.getName(), "classify", root.toString(),
                "--db", db.toString(), "-j", "1", "--backend", "cpu", "--no-progress")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int before = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (before < 2 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                before = count(db, "SELECT count(*) FROM plan_result");
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        int atKill = count(db, "SELECT count(*) FROM plan_result");
        assertTrue(atKill >= 2 && atKill < scenes.size(), "killed after " + atKill + " plans: "
                + Files.readString(dir.resolve("child.log")));

        CliRun r = CliRun.of("classify", "--db", db.toString(), "-j", "2", "--backend", "cpu", "--no-progress");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(atKill + " already in the database"), r.out());
        assertEquals(scenes.size(), count(db, "SELECT count(DISTINCT plan_file) FROM plan_result WHERE status = 'OK'"));
        assertEquals(scenes.size(), count(db, "SELECT count(*) FROM plan_result"));
        int labels = scenes.stream().mapToInt(s -> s.expectedLabels().size()).sum();
        assertEquals(labels, count(db, "SELECT count(*) FROM plan_label"));
        assertEquals(count(db, "SELECT count(*) FROM (SELECT DISTINCT plan_file, name, source FROM plan_organ)"),
                count(db, "SELECT count(*) FROM plan_organ"));
    }

}
