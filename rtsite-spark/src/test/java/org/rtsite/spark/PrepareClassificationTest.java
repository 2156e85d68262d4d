package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * In local mode the executor pipeline of stage 3 is built in the background before the stage starts
 * ({@link SparkArchivePipeline#prepareClassification}): the stage's tasks then use that pipeline instead of
 * building their own, and a build that fails in the background is reported by the stage, with its reason.
 */
class PrepareClassificationTest {

    @BeforeAll
    static void start() {
        TestSpark.session();
    }

    @Test
    void thePreparedPipelineIsTheOneTheTasksUse(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.PROSTATE, PhantomScene.LUNG_SBRT));
        SparkArchivePipeline p = SparkArchivePipeline.of(TestSpark.session(), tmp.resolve("out"));
        ClassifyOptions options = ClassifyOptions.defaults().withBackend("cpu");
        int before = ExecutorPipelines.built();
        p.prepareClassification(options);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ExecutorPipelines.built() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, ExecutorPipelines.built(), "built in the background, before any task ran");
        p.index(List.of(root.toString()));
        p.link();
        SparkArchivePipeline.Counts c = p.classify(options);
        assertEquals(2, c.ok(), c.toString());
        assertEquals(before + 1, ExecutorPipelines.built(), "the tasks used the prepared pipeline: none built another");
    }

    @Test
    void aPipelineThatCannotBeBuiltFailsTheStageWithTheReason(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.PROSTATE));
        Path missing = tmp.resolve("no-such-model");
        SparkArchivePipeline p = SparkArchivePipeline.of(TestSpark.session(), tmp.resolve("out"));
        ClassifyOptions options = ClassifyOptions.defaults().withBackend("cpu").withSegmenter(List.of(missing.toString()));
        p.prepareClassification(options); // fails in the background, silently
        p.index(List.of(root.toString()));
        p.link();
        RtsiteException e = assertThrows(RtsiteException.class, () -> p.classify(options));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
