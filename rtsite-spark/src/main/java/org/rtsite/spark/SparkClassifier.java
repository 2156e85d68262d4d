package org.rtsite.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.pipeline.OutputNames;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.RunFaultException;
import org.rtsite.pipeline.store.PlanRecord;
import scala.Tuple2;

/**
 * Stage 3: the plans not yet in {@code plan_result}, in waves of {@link #wavePlans} plans whose rows are stored as
 * each wave ends (a stopped run keeps the waves before), are spread over the tasks by size ({@link PlanBalance});
 * each task classifies its plans with its JVM's pipeline on its JVM's pool ({@link ExecutorPipelines},
 * {@link ExecutorThreads}); a plan that fails becomes a FAILED row
 * with the reason. A fault of the run ({@link RunFaultException}: an unwritable output folder, out of
 * memory) fails the task, and Spark retries it or stops the job: it is never stored as a plan's failure.
 */
final class SparkClassifier {

    /**
     * @param plans   plans given (after the planless-dose choice)
     * @param skipped already in plan_result (OK or FAILED)
     * @param ok      classified OK by this run
     * @param failed  stored FAILED by this run
     * @param seconds where the stage's time went
     */
    record Counts(long plans, long skipped, long ok, long failed, SparkArchivePipeline.ClassifySeconds seconds) {
    }

    /** Overrides the plans per wave ({@link #wavePlans}). */
    static final String WAVE_CONF = "spark.rtsite.classify.wavePlans";
    /** Plans per task slot in a wave when {@value #WAVE_CONF} is not set. */
    static final int WAVE_PLANS_PER_SLOT = 1000;

    /** The status column of {@link ResultRows#NESTED}. */
    private static final int STATUS = ResultRows.NESTED.fieldIndex("status");

    private SparkClassifier() {
    }

    static Counts classify(SparkSession spark, Layout layout, ClassifyOptions options, int partitions) {
        long t0 = System.nanoTime();
        Dataset<Row> plans = spark.read().parquet(layout.uri(Layout.PLANS));
        if (!options.planlessDoses()) {
            plans = plans.filter(functions.col("planless").equalTo(false));
        }
        Dataset<Row> todo = plans;
        boolean rerun = layout.exists(Layout.PLAN_RESULT);
        if (rerun) {
            Dataset<Row> done = spark.read().parquet(layout.uri(Layout.PLAN_RESULT)).select("plan_file");
            todo = plans.join(done, plans.col("plan_file").equalTo(done.col("plan_file")), "left_anti");
        }
        // one (path, bytes) per plan to classify reaches the driver (about 100 bytes a plan), not the bundles
        List<Row> sizes = todo.select("plan_file", "input_bytes").collectAsList();
        int n = sizes.size();
        // a first run classifies every plan given: no job to count them
        long given = rerun ? plans.count() : n;
        if (n == 0) {
            return new Counts(given, given, 0, 0, new SparkArchivePipeline.ClassifySeconds(seconds(t0), 0, 0));
        }
        int slots = Math.max(1, spark.sparkContext().defaultParallelism()
                / Math.max(1, spark.sparkContext().conf().getInt("spark.task.cpus", 1)));
        double select = seconds(t0);
        double jobs = 0;
        double tables = 0;
        long failed = 0;
        // each wave's rows are stored when its job ends: a run stopped later keeps them, and the next run skips them
        for (List<Row> wave : PlanBalance.waves(sizes, wavePlans(spark, slots))) {
            Wave w = classifyWave(spark, layout, options, partitions, slots, todo, wave);
            failed += w.failed();
            select += w.select();
            jobs += w.job();
            tables += w.tables();
        }
        return new Counts(given, given - n, n - failed, failed,
                new SparkArchivePipeline.ClassifySeconds(select, jobs, tables));
    }

    /**
     * Plans per wave: {@value #WAVE_CONF} when set, else {@value #WAVE_PLANS_PER_SLOT} per task slot.
     *
     * @throws InvalidInputException when {@value #WAVE_CONF} is not a positive number
     */
    static int wavePlans(SparkSession spark, int slots) {
        String v = spark.conf().get(WAVE_CONF, "");
        if (v.isBlank()) {
            return (int) Math.min(Integer.MAX_VALUE, (long) WAVE_PLANS_PER_SLOT * slots);
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidInputException(WAVE_CONF + " must be a positive number of plans, got '" + v + "'");
    }

    /**
     * One wave classified and stored.
     *
     * @param failed plans stored FAILED
     * @param select seconds dealing the plans to tasks
     * @param job    seconds of the classification job
     * @param tables seconds writing the three tables
     */
    private record Wave(long failed, double select, double job, double tables) {
    }

    /** Classifies one wave's plans and appends their rows to the three tables. */
    private static Wave classifyWave(SparkSession spark, Layout layout, ClassifyOptions options, int partitions,
                                     int slots, Dataset<Row> todo, List<Row> wave) {
        long t0 = System.nanoTime();
        PlanBalance.Tasks cut = PlanBalance.assign(wave, partitions, slots);
        int tasks = cut.count();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<String, Integer>> taskOf = jsc.broadcast(cut.taskOf());
        int threads = ExecutorThreads.perExecutor(spark.sparkContext().conf(), Runtime.getRuntime().availableProcessors());
        int segmenterThreads = ExecutorThreads.segmenterPerTask(spark.sparkContext().conf());
        String out = layout.root().toString();
        JavaRDD<Row> nested = todo.select("plan_file", "bundle_json").javaRDD()
                .filter(r -> taskOf.value().containsKey(r.getString(0)))
                .mapToPair(r -> new Tuple2<>(taskOf.value().get(r.getString(0)), r.getString(1)))
                .partitionBy(new PlanBalance.ByTask(tasks))
                .values()
                .mapPartitions(bundles -> classifyPartition(bundles, options, out, threads, segmenterThreads));
        // Classification runs once: its rows stay in the executors' block stores (memory, spilled to local disk),
        // from which the three tables are cut, plan_result last. Before, each task wrote them to a staging Parquet
        // table on the shared output folder and committed it (0.15-1.2 s per task under load), and the table
        // writes read that table's schema back and deleted it afterwards (docs/PERFORMANCE.md, "Spark, sixth
        // round"). An executor lost before the tables are written has its plans classified again by Spark.
        nested.persist(StorageLevel.MEMORY_AND_DISK());
        // the tables' tasks only copy rows: one per slot, not one per classification task (fewer, larger files)
        int writers = Math.max(1, Math.min(tasks, slots));
        long t1 = System.nanoTime();
        long failed;
        long t2;
        CompletableFuture<Tables> planned = Tables.planInBackground(spark, nested, writers);
        try {
            // the classification job: every task's rows are computed and stored, and the failures counted
            failed = nested.filter(r -> "FAILED".equals(r.getString(STATUS))).count();
            t2 = System.nanoTime();
            writeTables(layout, tablesOf(planned, spark, nested, writers));
        } finally {
            planned.cancel(true);
            nested.unpersist(false);
            taskOf.destroy(false);
        }
        return new Wave(failed, (t1 - t0) / 1e9, (t2 - t1) / 1e9, seconds(t2));
    }

    /**
     * plan_label and plan_organ side by side (each job is mostly the driver's planning and commit, which one after
     * the other left the executors' cores idle), then plan_result, so that a plan it holds (and a re-run skips) has
     * its labels and organs stored. When a write fails, the rows that the others appended are taken out again
     * (each append's files are new names in the table's folder), so that no table holds rows of a run that
     * stored no result: the re-run classifies those plans again and appends them once.
     */
    private static void writeTables(Layout layout, Tables tables) {
        Set<String> labels = layout.names(Layout.PLAN_LABEL);
        Set<String> organs = layout.names(Layout.PLAN_ORGAN);
        try {
            sideBySide(
                    () -> tables.labels().write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_LABEL)),
                    () -> tables.organs().write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_ORGAN)));
            tables.results().write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_RESULT));
        } catch (Throwable e) { // Spark's SparkException too, thrown undeclared
            try {
                layout.restore(Layout.PLAN_LABEL, labels);
                layout.restore(Layout.PLAN_ORGAN, organs);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw SparkClassifier.<RuntimeException>undeclared(e);
        }
    }

    /** The three tables as cut from the classification's rows: plan_label, plan_organ, plan_result. */
    private record Tables(Dataset<Row> labels, Dataset<Row> organs, Dataset<Row> results) {
        /**
         * plan_result with {@code writers} tasks; plan_label and plan_organ, written side by side, with half as many
         * each, so that together they take the slots once: with as many tasks each, the second write's tasks
         * waited for the first's (a second wave of task start, write and commit, ≈ 0.3 s in the tables step).
         */
        static Tables of(SparkSession spark, JavaRDD<Row> nested, int writers) {
            Dataset<Row> staged = spark.createDataFrame(nested, ResultRows.NESTED);
            Dataset<Row> half = staged.coalesce(Math.max(1, writers / 2));
            return new Tables(
                    half.select(functions.explode(functions.col("label_rows")).as("l")).select("l.*"),
                    half.select(functions.explode(functions.col("organ_rows")).as("o")).select("o.*"),
                    staged.coalesce(writers).drop("label_rows", "organ_rows"));
        }

        /**
         * Builds and plans the three tables' queries on a driver thread of its own while the classification job
         * runs: analysing and optimising them and generating and compiling their code (the writes' own planning
         * finds that code in Spark's cache) took 0.4-0.5 s of the driver's after the classification, every slot idle
         * (0.2 s after this change), and building them before the job a serial 0.1-0.2 s (docs/PERFORMANCE.md,
         * "Spark, seventh round"). Runs no job and writes nothing.
         */
        static CompletableFuture<Tables> planInBackground(SparkSession spark, JavaRDD<Row> nested, int writers) {
            CompletableFuture<Tables> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    Tables tables = of(spark, nested, writers);
                    for (Dataset<Row> d : List.of(tables.labels, tables.organs, tables.results)) {
                        d.queryExecution().executedPlan().execute();
                    }
                    f.complete(tables);
                } catch (Throwable e) { // SparkException (undeclared) and Errors too: the writes never wait forever
                    f.completeExceptionally(e);
                }
            }, "rtsite-spark-plan");
            t.setDaemon(true);
            t.start();
            return f;
        }
    }

    /**
     * The tables planned in the background; built here again when that failed, so that a query that cannot be
     * planned fails its write with Spark's reason, as it would have without the background planning.
     */
    private static Tables tablesOf(CompletableFuture<Tables> planned, SparkSession spark, JavaRDD<Row> nested,
                                   int writers) {
        try {
            return planned.get();
        } catch (ExecutionException e) {
            return Tables.of(spark, nested, writers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFaultException("interrupted while the result tables were planned", e);
        }
    }

    /**
     * Runs the first write on a thread of its own (started here, so that it takes this thread's Spark job
     * properties) and the second on this thread, and waits for both; a failure is rethrown as it was, the
     * first write's before the second's.
     */
    private static void sideBySide(Runnable first, Runnable second) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rtsite-spark-tables");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> w = thread.submit(first);
            Exception secondFailed = null;
            try {
                second.run();
            } catch (Exception e) { // Spark's SparkException too, thrown undeclared: wait for the first write all the same
                secondFailed = e;
            }
            try {
                w.get();
            } catch (ExecutionException e) {
                // as if the write had run on this thread: Spark's SparkException, checked in Java's eyes, goes
                // to SparkArchivePipeline's stage handler undeclared, as Spark's Scala code throws it
                throw SparkClassifier.<RuntimeException>undeclared(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunFaultException("interrupted while the result tables were written", e);
            }
            if (secondFailed != null) {
                throw SparkClassifier.<RuntimeException>undeclared(secondFailed);
            }
        } finally {
            thread.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T undeclared(Throwable t) throws T {
        throw (T) t;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Iterator<Row> classifyPartition(Iterator<String> bundles, ClassifyOptions options, String out,
                                                   int threadsPerExecutor, int segmenterThreads) {
        RtsitePipeline pipeline = ExecutorPipelines.get(options, out, segmenterThreads);
        int threads = ExecutorThreads.resolve(threadsPerExecutor);
        Path jsonDir = options.json() ? Path.of(out, "json") : null;
        List<Row> result = new ArrayList<>();
        while (bundles.hasNext()) {
            PlanBundle b = BundleCodec.read(bundles.next());
            PlanRecord r = ExecutorPipelines.classify(pipeline, b, threads);
            String json = r.ok() ? SiteResultJson.write(r.result()) : null;
            if (json != null && jsonDir != null) {
                writeAtomically(jsonDir, OutputNames.of(b.planUid(), b.planFile()) + ".json", json);
            }
            result.add(ResultRows.nested(r, json));
        }
        return result.iterator();
    }

    /** Through a temporary file in the same folder, so that a reader never sees half a file; failing is the run's fault. */
    private static void writeAtomically(Path dir, String name, String text) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".rtsite-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new RunFaultException("cannot write " + dir.resolve(name) + ": " + RunFaultException.reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the run already fails for the write; a leftover temporary file is named .rtsite-*.tmp
                }
            }
        }
    }
}
