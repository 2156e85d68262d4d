package org.rtsite.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rtsite.archive.LinkageReport;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.pipeline.RunFaultException;
import org.rtsite.pipeline.store.ResultStore;

/**
 * Entry point of rtsite on Apache Spark: the archive pipeline of {@code rtsite classify} in three stages
 * whose results are Parquet tables under one output folder ({@link #out()}), on a file system the driver
 * and every executor see under the same name (local, NFS).
 *
 * <pre>{@code
 * SparkArchivePipeline p = SparkArchivePipeline.of(spark, Path.of("/shared/run1"));
 * p.index(List.of("/shared/archive"));          // index/    one row per file, as the SQLite index
 * p.link();                                      // plans/    one bundle per plan, as the single-machine linker
 * p.classify(ClassifyOptions.defaults());        // plan_result/, plan_label/, plan_organ/
 * p.writeResultsJson(Path.of("/shared/run1/results.json"));
 * }</pre>
 *
 * Classification skips plans already in {@code plan_result}, so a run that stopped continues where it
 * stopped. Thread-confined: one pipeline per driver thread.
 */
public final class SparkArchivePipeline {
    private final SparkSession spark;
    private final Layout layout;
    private final int partitions;

    private SparkArchivePipeline(SparkSession spark, Layout layout, int partitions) {
        this.spark = spark;
        this.layout = layout;
        this.partitions = partitions;
    }

    /**
     * A pipeline writing under {@code out}, with four tasks per core of the cluster (Spark's default
     * parallelism) for the index stage; the classification stage cuts its plans' bytes into at least as many.
     */
    public static SparkArchivePipeline of(SparkSession spark, Path out) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(out, "out");
        return new SparkArchivePipeline(spark, new Layout(out), Math.max(1, spark.sparkContext().defaultParallelism() * 4));
    }

    /**
     * A copy that cuts stage 1's work into {@code partitions} tasks, and stage 3's into tasks of at most
     * {@code 1 / partitions} of the plans' bytes each, shrinking towards one plan ({@link PlanBalance}).
     */
    public SparkArchivePipeline withPartitions(int partitions) {
        if (partitions < 1) {
            throw new InvalidInputException("partitions must be >= 1, got " + partitions);
        }
        return new SparkArchivePipeline(spark, layout, partitions);
    }

    /** The output folder, absolute. */
    public Path out() {
        return layout.root();
    }

    /**
     * Stage 1: lists the roots and reads every file's header on the executors into {@code index/}
     * (replacing an earlier index). Files that are not DICOM or cannot be read are rows with their reason.
     *
     * @param roots folders or files: paths or {@code file:} URIs that every executor reads under the same name
     * @return files indexed
     * @throws InvalidInputException when no root is given or a root has another URI scheme
     * @throws RtsiteException       when a root is neither a folder nor a file, or a Spark job fails (cause kept)
     */
    public long index(List<String> roots) {
        List<Path> r = ArchiveListing.roots(roots);
        return run("index", () -> SparkIndexer.index(spark, r, layout.uri(Layout.INDEX), partitions));
    }

    /**
     * Stage 2: links the index group by group with rtsite's linkage rules into {@code plans/} and
     * {@code orphans/}; the bundles are those {@code DicomArchive.plans()} and {@code planlessDoses()} give
     * for the same archive.
     *
     * @return the whole archive's linkage counts
     * @throws RtsiteException when there is no index yet or a Spark job fails (cause kept)
     */
    public LinkageReport.Summary link() {
        require(Layout.INDEX, "index");
        return run("link", () -> SparkLinker.link(spark, layout, partitions));
    }

    /**
     * Stage 3: classifies every plan of {@code plans/} not yet in {@code plan_result/}.
     *
     * @return what this run did
     * @throws RunFaultException when the run itself failed (an output folder cannot be written, out of
     *                           memory on an executor): no plan of this run is stored (the tables are written
     *                           after the classification job), none is stored as failed for it, and the next run
     *                           classifies them
     * @throws RtsiteException   when there are no linked plans yet, or a Spark job fails (cause kept)
     */
    public Counts classify(ClassifyOptions options) {
        Objects.requireNonNull(options, "options");
        require(Layout.PLANS, "link");
        SparkClassifier.Counts c = run("classify", () -> SparkClassifier.classify(spark, layout, options, partitions));
        return new Counts(c.plans(), c.skipped(), c.ok(), c.failed(), c.seconds());
    }

    /**
     * In local mode, where the driver's JVM is the executor, starts building the executor pipeline of
     * {@link #classify} for {@code options} in the background, so that a segmenter's models load while the
     * index and link stages run; elsewhere (each executor builds its own on its first task) does nothing.
     */
    void prepareClassification(ClassifyOptions options) {
        Objects.requireNonNull(options, "options");
        if (spark.sparkContext().isLocal()) {
            ExecutorPipelines.prepare(options, layout.root().toString(),
                    ExecutorThreads.segmenterPerTask(spark.sparkContext().conf()));
        }
    }

    /**
     * What one classification run did.
     *
     * @param plans   plans (and doses without plan) given
     * @param skipped already in plan_result, OK or FAILED
     * @param ok      classified by this run
     * @param failed  stored FAILED by this run, each with its reason
     * @param seconds where the stage's wall time went
     */
    public record Counts(long plans, long skipped, long ok, long failed, ClassifySeconds seconds) {
    }

    /**
     * Wall time of the classification stage's steps.
     *
     * @param select   reading the linked plans, leaving out those already stored, sizing the tasks
     * @param classify the job that classifies the plans (a shuffle of the bundles to their tasks, the
     *                 classification), keeps their rows in the executors' block stores and counts the failures
     * @param tables   writing plan_label, plan_organ and plan_result from those rows (three Parquet writes)
     */
    public record ClassifySeconds(double select, double classify, double tables) {
    }

    /**
     * Every row of {@code plan_result} with the columns of {@code rtsite report} ({@link ResultStore#REPORT_COLUMNS}),
     * in plan file order; empty before the first classification.
     */
    public List<Map<String, Object>> results() {
        if (!layout.exists(Layout.PLAN_RESULT)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        String[] cols = ResultStore.REPORT_COLUMNS.toArray(String[]::new);
        List<Row> rows = run("results", () -> spark.read().parquet(layout.uri(Layout.PLAN_RESULT))
                .select(cols[0], java.util.Arrays.copyOfRange(cols, 1, cols.length)).orderBy(cols[0]).collectAsList());
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < cols.length; i++) {
                m.put(cols[i], r.get(i));
            }
            out.add(m);
        }
        return out;
    }

    /**
     * {@link #results()} as the JSON of {@code rtsite report --format json} (an array of objects).
     *
     * @return the rows written
     * @throws RtsiteIOException when the file cannot be written
     */
    public List<Map<String, Object>> writeResultsJson(Path file) {
        List<Map<String, Object>> rows = results();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(rows) + "\n");
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + file, e);
        }
        return rows;
    }

    private void require(String table, String stage) {
        if (!layout.exists(table)) {
            throw new RtsiteException("no " + table + " table in " + layout.root() + ": run the " + stage
                    + " stage first");
        }
    }

    /**
     * Runs one stage's Spark jobs. A job fails with Spark's own exception around the task's: the rtsite
     * exception a task threw (a run fault, an unreadable root) is surfaced when it can be found in the chain.
     */
    private static <T> T run(String stage, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (RtsiteException e) {
            throw e;
        } catch (Exception e) { // Spark's SparkException is checked in Java's eyes, and thrown undeclared from Scala
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof RunFaultException r) {
                    throw new RunFaultException("spark " + stage + " stopped: " + r.getMessage(), e);
                }
            }
            throw new RtsiteException("spark " + stage + " failed: " + e.getMessage(), e);
        }
    }
}
