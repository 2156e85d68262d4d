package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.PlanBundle;
import org.rtsite.archive.SyntheticArchive;
import org.rtsite.pipeline.OutputNames;
import org.rtsite.samples.PhantomArchive;
import org.rtsite.core.phantom.PhantomScene;

/**
 * {@code rtsite spark classify --master local[2]} against {@code rtsite classify} on the same archive, both
 * driven through their command lines: the same plans with the same status, labels, rule and Dmax (and the
 * same reason for a plan that fails), results.json with the fields of {@code rtsite report --format json},
 * and a second run that skips every plan already stored.
 */
class SparkClassifyCliTest {

    @org.junit.jupiter.api.BeforeAll
    static void start() {
        TestSpark.session(); // the command line runs in it (see TestSpark)
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What must agree between the two paths, per plan. */
    private static final List<String> COMPARED = List.of("status", "primary_region", "labels", "rule", "dmax_gy",
            "dose_grid_dmax_gy", "v85_cc", "v50_cc", "organs", "mask_source", "missing_plan", "linkage");

    @Test
    void quickStartArchiveWithABadPlanGivesTheResultsOfRtsiteClassify(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        List<PhantomArchive.Patient> patients = PhantomArchive.write(root, List.of(PhantomScene.WHOLE_BRAIN,
                PhantomScene.OROPHARYNX, PhantomScene.LUNG_SBRT, PhantomScene.LIVER_SBRT, PhantomScene.PROSTATE));
        // one more patient whose dose lost the end of its pixel data: indexed and linked, but it cannot load
        PhantomArchive.Patient bad = PhantomArchive.write(root.resolve("bad"), PhantomScene.PROSTATE,
                PhantomScene.PROSTATE.build());
        try (RandomAccessFile f = new RandomAccessFile(bad.doseFile().toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        Map<String, Map<String, Object>> single = rtsiteClassify(root, tmp, 3);
        assertEquals(patients.size() + 1, single.size());
        assertEquals("FAILED", single.get(bad.planFile().toString()).get("status"));

        Path out = tmp.resolve("spark-out");
        int built = ExecutorPipelines.built();
        Cli first = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json",
                "--isodose-rtstruct", "--qa-png");
        assertEquals(3, first.exit(), first.toString());
        assertTrue(first.out().contains("6 plans, 5 classified, 1 failed, 0 already"), first.toString());
        assertTrue(first.out().contains("local[2], 2 threads per executor for classification"), first.toString());
        assertTrue(first.out().matches("(?s).*\\(\\d+\\.\\d s: select \\d+\\.\\d s, classify \\d+\\.\\d s, "
                + "tables \\d+\\.\\d s\\).*"), "the classify stage's steps: " + first);
        assertEquals(1, ExecutorPipelines.built() - built, "one pipeline for the executor JVM, reused by every task");
        Map<String, Map<String, Object>> spark = results(out.resolve("results.json"));
        assertSame(single, spark);
        assertEquals(single.get(bad.planFile().toString()).get("error"), spark.get(bad.planFile().toString()).get("error"),
                "the failed plan's row holds its reason");
        for (PhantomArchive.Patient p : patients) {
            for (String file : List.of("json/" + p.planUid() + ".json", "isodose/" + p.planUid() + ".dcm",
                    "qa/" + p.planUid() + ".png")) {
                assertTrue(Files.size(out.resolve(file)) > 0, file);
            }
        }

        Cli again = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
        assertEquals(3, again.exit(), again.toString());
        assertTrue(again.out().contains("6 plans, 0 classified, 0 failed, 6 already"), again.toString());
        Map<String, Map<String, Object>> rerun = results(out.resolve("results.json"));
        assertEquals(spark.keySet(), rerun.keySet());
        spark.forEach((plan, row) -> assertEquals(row.get("finished"), rerun.get(plan).get("finished"),
                "a finished plan is not classified again: " + plan));
    }

    @Test
    void syntheticArchiveGivesTheResultsOfRtsiteClassify(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.generate(root, 12, 4, 11);
        Map<String, Map<String, Object>> single = rtsiteClassify(root, tmp, -1);
        Path out = tmp.resolve("spark-out");
        // the root as a file: URI, as a Hadoop-style path would be given
        Cli run = Cli.spark("classify", root.toUri().toString(), "--out", out.toString(), "--master", "local[2]");
        assertTrue(run.exit() == 0 || run.exit() == 3, run.toString());
        assertSame(single, results(out.resolve("results.json")));
    }

    @Test
    void aSegmenterGivesTheResultsOfRtsiteClassifyOnOneEngineThreadPerPlan(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.LIVER_SBRT)); // one plan: a segmentation costs seconds
        String model = Path.of("../models/phantom-total-pt").toAbsolutePath().normalize().toString();
        Path db = tmp.resolve("single.db");
        Cli classify = Cli.rtsite("classify", root.toString(), "--db", db.toString(), "--out",
                tmp.resolve("single-out").toString(), "--no-progress", "--segmenter", model);
        assertEquals(0, classify.exit(), classify.toString());
        Path report = tmp.resolve("report.json");
        assertEquals(0, Cli.rtsite("report", "--db", db.toString(), "--format", "json", "--output", report.toString())
                .exit());
        Map<String, Map<String, Object>> single = results(report);

        Path out = tmp.resolve("spark-out");
        Cli run = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]",
                "--segmenter", model);
        assertEquals(0, run.exit(), run.toString());
        // the test session's spark.task.cpus is Spark's default, 1: each slot's plan on one engine thread
        assertTrue(run.out().contains("2 threads per executor for classification, segmenter 1 thread(s) per plan"),
                run.toString());
        assertEquals(java.util.Set.of(1), ExecutorPipelines.segmenterThreads(List.of(model)),
                "the executor's segmenter was opened with spark.task.cpus intra-op threads");
        Map<String, Map<String, Object>> spark = results(out.resolve("results.json"));
        assertSame(single, spark);
        spark.values().forEach(r -> assertEquals("segmenter", r.get("mask_source"), r.toString()));
    }

    @Test
    void aRootOnAnotherFileSystemIsRefusedWithTheReason(@TempDir Path tmp) {
        Cli run = Cli.spark("classify", "hdfs://namenode:8020/archive", "--out", tmp.resolve("out").toString(),
                "--master", "local[2]");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("archive root hdfs://namenode:8020/archive: scheme 'hdfs' is not read"),
                run.toString());
        assertTrue(run.err().contains("mounted path"), run.toString());
    }

    @Test
    void aFaultOfTheRunStopsItAndIsNotStoredAsAPlanFailure(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE));
        Path out = Files.createDirectories(tmp.resolve("spark-out"));
        // the per-plan JSON folder cannot be created: the output folder's fault, not the plans'
        Files.writeString(out.resolve("json"), "a file where the folder should be\n");
        Cli faulty = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
        assertEquals(1, faulty.exit(), faulty.toString());
        assertTrue(faulty.err().contains("spark classify stopped: cannot write " + out.resolve("json")), faulty.toString());
        assertTrue(!Files.exists(out.resolve("plan_result")), "nothing stored for the plans the fault stopped");

        Files.delete(out.resolve("json"));
        Cli again = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("2 plans, 2 classified, 0 failed, 0 already"), again.toString());
    }

    @Test
    void aRunStoppedInItsThirdWaveKeepsTheTwoWavesBeforeAndTheNextRunClassifiesOnlyTheRest(@TempDir Path tmp)
            throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE, PhantomScene.WHOLE_BRAIN));
        Path out = Files.createDirectories(tmp.resolve("spark-out"));
        org.apache.spark.sql.SparkSession spark = TestSpark.session();
        spark.conf().set(SparkClassifier.WAVE_CONF, "1");
        try {
            // a first run stopped at once (no per-plan JSON folder can be made) leaves the linked plans
            Files.writeString(out.resolve("json"), "a file where the folder should be\n");
            Cli stopped = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
            assertEquals(1, stopped.exit(), stopped.toString());
            Files.delete(out.resolve("json"));
            // now only the plan of the last wave cannot be written: a folder stands where its JSON goes
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> plans = spark.read().parquet(out.resolve("plans").toString());
            List<org.apache.spark.sql.Row> waves = PlanBalance.waves(plans.select("plan_file", "input_bytes").collectAsList(), 1)
                    .stream().map(w -> w.get(0)).toList();
            assertEquals(3, waves.size());
            String last = waves.get(2).getString(0);
            PlanBundle bundle = BundleCodec.read(plans.filter(org.apache.spark.sql.functions.col("plan_file").equalTo(last))
                    .select("bundle_json").first().getString(0));
            Files.createDirectories(out.resolve("json").resolve(OutputNames.of(bundle.planUid(), bundle.planFile()) + ".json")
                    .resolve("in-the-way"));
            Cli third = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
            assertEquals(1, third.exit(), third.toString());
            assertTrue(third.err().contains("spark classify stopped: cannot write"), third.toString());
            List<String> stored = spark.read().parquet(out.resolve("plan_result").toString()).select("plan_file")
                    .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
            assertEquals(java.util.stream.Stream.of(waves.get(0).getString(0), waves.get(1).getString(0)).sorted().toList(),
                    stored, "the first two waves' plans stored, the third's not");

            Files.delete(out.resolve("json").resolve(OutputNames.of(bundle.planUid(), bundle.planFile()) + ".json")
                    .resolve("in-the-way"));
            Files.delete(out.resolve("json").resolve(OutputNames.of(bundle.planUid(), bundle.planFile()) + ".json"));
            Cli again = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]", "--json");
            assertEquals(0, again.exit(), again.toString());
            assertTrue(again.out().contains("3 plans, 1 classified, 0 failed, 2 already"), again.toString());
            assertEquals(3, spark.read().parquet(out.resolve("plan_result").toString()).count(), "each plan once");
            for (String table : List.of("plan_label", "plan_organ")) {
                org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = spark.read().parquet(out.resolve(table).toString());
                assertEquals(rows.count(), rows.distinct().count(), table + ": every row once");
                assertEquals(3, rows.select("plan_file").distinct().count(), table + ": every plan");
            }
        } finally {
            spark.conf().unset(SparkClassifier.WAVE_CONF);
        }
    }

    @Test
    void aWaveSizeThatIsNoNumberIsRefusedWithTheSetting(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT));
        org.apache.spark.sql.SparkSession spark = TestSpark.session();
        spark.conf().set(SparkClassifier.WAVE_CONF, "many");
        try {
            Cli run = Cli.spark("classify", root.toString(), "--out", tmp.resolve("out").toString(), "--master", "local[2]");
            assertTrue(run.exit() != 0, run.toString());
            assertTrue(run.err().contains(SparkClassifier.WAVE_CONF + " must be a positive number of plans, got 'many'"),
                    run.toString());
        } finally {
            spark.conf().unset(SparkClassifier.WAVE_CONF);
        }
    }

    @Test
    void anArchiveClassifiedInStepsOfMoreRootsClassifiesEachPlanOnce(@TempDir Path tmp) throws Exception {
        // docs/spark.md, "Re-runs": a large archive classified in steps that share --out, each with more roots
        Path first = tmp.resolve("clinic-a");
        Path second = tmp.resolve("clinic-b");
        PhantomArchive.write(first, List.of(PhantomScene.LUNG_SBRT));
        PhantomArchive.write(second, List.of(PhantomScene.PROSTATE));
        Path out = tmp.resolve("spark-out");
        Cli one = Cli.spark("classify", first.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, one.exit(), one.toString());
        assertTrue(one.out().contains("1 plans, 1 classified, 0 failed, 0 already"), one.toString());
        Cli both = Cli.spark("classify", first.toString(), second.toString(), "--out", out.toString(),
                "--master", "local[2]");
        assertEquals(0, both.exit(), both.toString());
        assertTrue(both.out().contains("2 plans, 1 classified, 0 failed, 1 already"), both.toString());
        org.apache.spark.sql.SparkSession spark = TestSpark.session();
        assertEquals(2, spark.read().parquet(out.resolve("plan_result").toString()).count(), "each plan once");
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(2, results.size(), results.toString());
    }

    @Test
    void aFailedTableWriteFailsTheRunWithItsReasonAndLeavesNoRowsARerunWouldDuplicate(@TempDir Path tmp)
            throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE));
        Path out = Files.createDirectories(tmp.resolve("spark-out"));
        // plan_organ cannot be written (a file where its folder should be), while plan_label, written beside
        // it, can: the run fails with the reason, and what plan_label took in is taken out again
        Path organs = out.resolve("plan_organ");
        Files.writeString(organs, "a file where the table should be\n");
        Cli faulty = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(1, faulty.exit(), faulty.toString());
        assertTrue(faulty.err().contains("spark classify failed: "), faulty.toString());
        assertTrue(faulty.err().contains(organs.toString()), "the reason names the table: " + faulty);
        assertTrue(!Files.exists(out.resolve("plan_result")), "no result stored, so a re-run trusts no plan as done");
        assertTrue(!Files.exists(out.resolve("plan_label")), "no label rows of plans without a result");
        assertEquals("a file where the table should be\n", Files.readString(organs), "not ours: left as it was");

        Files.delete(organs);
        Cli again = Cli.spark("classify", root.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("2 plans, 2 classified, 0 failed, 0 already"), again.toString());
        org.apache.spark.sql.SparkSession spark = TestSpark.session();
        for (String table : List.of("plan_label", "plan_organ")) {
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = spark.read().parquet(out.resolve(table).toString());
            assertTrue(rows.count() > 0, table);
            assertEquals(rows.count(), rows.distinct().count(), table + ": every row once");
            assertEquals(2, rows.select("plan_file").distinct().count(), table + ": both plans");
        }
        assertEquals(2, spark.read().parquet(out.resolve("plan_result").toString()).count());
    }

    @Test
    void anOutputFolderInsideTheArchiveIsRefused(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("archive"));
        Cli run = Cli.spark("classify", root.toString(), "--out", root.resolve("results").toString());
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("lies inside the archive root " + root), run.toString());
    }

    /** {@code rtsite classify ROOT --db … --out …} then {@code rtsite report --format json}, by plan file. */
    private static Map<String, Map<String, Object>> rtsiteClassify(Path root, Path tmp, int exit) throws Exception {
        Path db = tmp.resolve("single.db");
        Cli classify = Cli.rtsite("classify", root.toString(), "--db", db.toString(), "--out",
                tmp.resolve("single-out").toString(), "--no-progress");
        if (exit >= 0) {
            assertEquals(exit, classify.exit(), classify.toString());
        }
        Path report = tmp.resolve("report.json");
        Cli r = Cli.rtsite("report", "--db", db.toString(), "--format", "json", "--output", report.toString());
        assertEquals(0, r.exit(), r.toString());
        return results(report);
    }

    private static Map<String, Map<String, Object>> results(Path json) throws Exception {
        List<LinkedHashMap<String, Object>> rows = JSON.readValue(json.toFile(), new TypeReference<>() { });
        Map<String, Map<String, Object>> byPlan = new TreeMap<>();
        rows.forEach(r -> byPlan.put((String) r.get("plan_file"), r));
        return byPlan;
    }

    private static void assertSame(Map<String, Map<String, Object>> single, Map<String, Map<String, Object>> spark) {
        assertEquals(single.keySet(), spark.keySet(), "the same plans");
        for (String plan : single.keySet()) {
            Map<String, Object> a = single.get(plan);
            Map<String, Object> b = spark.get(plan);
            assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()), "results.json has report's fields");
            for (String c : COMPARED) {
                assertEquals(a.get(c), b.get(c), plan + ": " + c);
            }
            assertNotNull(b.get("status"));
        }
    }
}
