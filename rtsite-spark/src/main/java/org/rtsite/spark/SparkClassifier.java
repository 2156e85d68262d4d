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
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.pipeline.OutputNames;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.RunFaultException;
import org.rtsite.pipeline.store.PlanRecord;
import scala.Tuple2;

/**
 * Stage 3: the plans not yet in {@code plan_result} are spread over the tasks by size ({@link PlanBalance});
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
        int tasks = Math.max(1, Math.min(n, partitions));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<String, Integer>> taskOf = jsc.broadcast(PlanBalance.assign(sizes, tasks));
        int threads = ExecutorThreads.perExecutor(spark.sparkContext().conf(), Runtime.getRuntime().availableProcessors());
        int segmenterThreads = ExecutorThreads.segmenterPerTask(spark.sparkContext().conf());
        String out = layout.root().toString();
        JavaRDD<Row> nested = todo.select("plan_file", "bundle_json").javaRDD()
                .mapToPair(r -> new Tuple2<>(taskOf.value().get(r.getString(0)), r.getString(1)))
                .partitionBy(new PlanBalance.ByTask(tasks))
                .values()
                .mapPartitions(bundles -> classifyPartition(bundles, options, out, threads, segmenterThreads));
        // classification runs once, into a staging table; the three tables are cut from it, plan_result last
        String staging = layout.uri(Layout.STAGING);
        long t1 = System.nanoTime();
        try {
            spark.createDataFrame(nested, ResultRows.NESTED).write().mode(SaveMode.Overwrite).parquet(staging);
        } finally {
            taskOf.destroy(false);
        }
        long t2 = System.nanoTime();
        Dataset<Row> staged = spark.read().parquet(staging);
        // plan_label, plan_organ and the count of failures side by side: each job is mostly the driver's planning
        // and commit, which one after the other left the executors' cores idle; plan_result only after the first
        // two, so that a plan it holds (and a re-run skips) has its labels and organs stored
        long failed = sideBySide(
                () -> staged.select(functions.explode(functions.col("label_rows")).as("l")).select("l.*")
                        .write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_LABEL)),
                () -> staged.select(functions.explode(functions.col("organ_rows")).as("o")).select("o.*")
                        .write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_ORGAN)),
                () -> staged.filter(functions.col("status").equalTo("FAILED")).count());
        staged.drop("label_rows", "organ_rows").write().mode(SaveMode.Append).parquet(layout.uri(Layout.PLAN_RESULT));
        layout.delete(Layout.STAGING);
        return new Counts(given, given - n, n - failed, failed,
                new SparkArchivePipeline.ClassifySeconds((t1 - t0) / 1e9, (t2 - t1) / 1e9, seconds(t2)));
    }

    /**
     * Runs the two writes on threads of their own (started here, so that they take this thread's Spark job
     * properties) while this thread counts, and waits for all three; the first failure is rethrown as it was.
     */
    private static long sideBySide(Runnable first, Runnable second, java.util.function.LongSupplier count) {
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "rtsite-spark-tables");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> writes = List.of(threads.submit(first), threads.submit(second));
            long n = count.getAsLong();
            for (Future<?> w : writes) {
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
            }
            return n;
        } finally {
            threads.shutdownNow();
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
