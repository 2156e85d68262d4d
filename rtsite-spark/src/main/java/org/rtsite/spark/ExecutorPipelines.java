package org.rtsite.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rtsite.core.SiteClassifier;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.pipeline.RtsitePipeline;

/**
 * One pipeline per executor JVM and set of options, made on first use and reused by every task of that
 * JVM: the classifier's tables and a segmenter's loaded models are built once, not once per plan or
 * partition. A segmenter is closed when the JVM exits.
 */
final class ExecutorPipelines {
    private static final Map<Key, RtsitePipeline> PIPELINES = new ConcurrentHashMap<>();
    /** Pipelines built in this JVM (what the tests check reuse by). */
    private static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

    /** The options and the output folder (as a string: a Path is not serializable) make one pipeline. */
    private record Key(ClassifyOptions options, String out) {
    }

    private ExecutorPipelines() {
    }

    static RtsitePipeline get(ClassifyOptions options, String out) {
        return PIPELINES.computeIfAbsent(new Key(options, out), ExecutorPipelines::build);
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
            DjlSegmenter djl = DjlSegmenter.open(o.segmenterPackages().stream().map(Path::of).toList(), 1);
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
