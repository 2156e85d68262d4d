package org.rtsite.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.SiteClassifier;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.RunFaultException;
import org.rtsite.pipeline.store.PlanRecord;

/**
 * One pipeline per executor JVM and set of options, made on first use and reused by every task of that
 * JVM: the classifier's tables and a segmenter's loaded models are built once, not once per plan or
 * partition. A segmenter is closed when the JVM exits. Plans are classified on one thread pool per JVM
 * ({@link ExecutorThreads}), shared by its tasks.
 */
final class ExecutorPipelines {
    private static final Map<Key, RtsitePipeline> PIPELINES = new ConcurrentHashMap<>();
    /** By size: one in an executor; a driver JVM in local mode may see sessions of several sizes in turn. */
    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();
    /** Pipelines built in this JVM (what the tests check reuse by). */
    private static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

    /** Segmenters by pipeline (what the tests check the thread count on). */
    private static final Map<Key, DjlSegmenter> SEGMENTERS = new ConcurrentHashMap<>();

    /**
     * The options, the output folder (as a string: a Path is not serializable) and the segmenter's threads per
     * plan ({@link ExecutorThreads#segmenterPerTask}) make one pipeline.
     */
    private record Key(ClassifyOptions options, String out, int segmenterThreads) {
    }

    private ExecutorPipelines() {
    }

    static RtsitePipeline get(ClassifyOptions options, String out, int segmenterThreads) {
        return PIPELINES.computeIfAbsent(new Key(options, out, segmenterThreads), ExecutorPipelines::build);
    }

    /**
     * Starts building this JVM's pipeline for these options on a thread of its own and returns at once; a task
     * that asks for it meanwhile waits for that build instead of starting another. In local mode the
     * executor is the driver's JVM, so a segmenter's engine and models load while stages 1 and 2 run instead of
     * at the start of stage 3, where the other task slots waited for the first (docs/spark.md). A build that
     * fails here is left to the first task, which builds again and fails with the reason.
     */
    static void prepare(ClassifyOptions options, String out, int segmenterThreads) {
        Thread t = new Thread(() -> {
            try {
                get(options, out, segmenterThreads);
            } catch (RuntimeException | LinkageError e) {
                // not this thread's to report: the first task builds the pipeline again and fails with the reason
            }
        }, "rtsite-spark-prepare");
        t.setDaemon(true);
        t.start();
    }

    /** The intra-op thread counts of the segmenters built in this JVM so far for these model packages. */
    static java.util.Set<Integer> segmenterThreads(java.util.List<String> packages) {
        return SEGMENTERS.entrySet().stream().filter(e -> e.getKey().options().segmenterPackages().equals(packages))
                .map(e -> e.getValue().intraOpThreads()).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Classifies one plan on this JVM's pool of {@code threads} threads and waits for it: the CT reader's
     * parallel slice decoding then runs on that pool's threads, not in the common pool beside them.
     *
     * @throws RunFaultException when the waiting task thread is interrupted (Spark kills the task)
     */
    static PlanRecord classify(RtsitePipeline pipeline, PlanBundle bundle, int threads) {
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, ExecutorPipelines::newPool);
        ForkJoinTask<PlanRecord> task = pool.submit(() -> pipeline.classify(bundle));
        try {
            return task.get();
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunFaultException("classification of " + bundle.planFile() + " interrupted", e);
        } catch (ExecutionException e) {
            // what classify threw, as if it had run on this thread (plan failures are records, not exceptions)
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new RunFaultException("classification of " + bundle.planFile() + " failed: " + c, c);
        }
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("rtsite-spark-classify-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Pipelines built in this JVM so far. */
    static int built() {
        return BUILT.get();
    }

    private static RtsitePipeline build(Key key) {
        BUILT.incrementAndGet();
        ClassifyOptions o = key.options();
        Path out = Path.of(key.out());
        RtsitePipeline.Builder b = RtsitePipeline.builder()
                .classifier(SiteClassifier.builder().backend(o.backend()).build());
        if (o.niftiDir() != null) {
            b.masksFromNifti(Path.of(o.niftiDir()));
        } else if (!o.segmenterPackages().isEmpty()) {
            if (System.getProperty("ai.djl.offline") == null) {
                // an executor never downloads an engine build: the natives come with the job (docs/spark.md)
                System.setProperty("ai.djl.offline", "true");
            }
            // one plan per task slot, each plan's inference on the slot's cores (docs/spark.md)
            DjlSegmenter djl = DjlSegmenter.open(o.segmenterPackages().stream().map(Path::of).toList(), 1,
                    key.segmenterThreads());
            SEGMENTERS.put(key, djl);
            Runtime.getRuntime().addShutdownHook(new Thread(djl::close, "rtsite-segmenter-close"));
            b.masksFromSegmenter("segmenter", djl);
        }
        if (o.isodose()) {
            b.isodoseOutput(out.resolve("isodose"));
        }
        if (o.qa()) {
            b.qaOutput(out.resolve("qa"));
        }
        return b.build();
    }
}
