package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.volume.CtVolume;

class ConcurrencyTest {

    /** One segmenter shared by several caller threads, each call with its own worker predictors, gives the sequential result. */
    @Test
    void concurrentCallsOnOneSegmenterAgreeWithASequentialRun(@TempDir Path tmp) throws Exception {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        Path pkg = Fixtures.tinyPackage(tmp.resolve("pt"), s -> s);
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(pkg), 2)) {
            byte[] expected = seg.segment(ct).labelMaps().get(0).labels();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                List<Future<byte[]>> results = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    results.add(callers.submit(() -> seg.segment(ct).labelMaps().get(0).labels()));
                }
                for (Future<byte[]> f : results) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    /**
     * A loaded TorchScript network has had DJL's first forward pass, which DJL runs under the model's lock: a window
     * predicted afterwards does not wait for that lock (held here by the test), so workers that start together run
     * their first windows side by side instead of one after the other (before, the wait would time out here).
     */
    @Test
    void aLoadedNetworkPredictsWithoutWaitingForDjlsFirstPassLock() throws Exception {
        ModelSpec spec = Fixtures.tinySpec();
        int[] patch = spec.patchSize().stream().mapToInt(Integer::intValue).toArray();
        int voxels = patch[0] * patch[1] * patch[2];
        try (Network net = new Network(Fixtures.resource("tiny/model.pt"), ModelSpec.PYTORCH, patch, spec.numClasses())) {
            ExecutorService worker = Executors.newSingleThreadExecutor();
            try {
                synchronized (net.firstPassLock()) {
                    Future<float[]> window = worker.submit(() -> {
                        try (Predictor<float[], float[]> p = net.newPredictor()) {
                            return net.predict(p, new float[voxels]);
                        }
                    });
                    assertEquals(spec.numClasses() * voxels, window.get(30, TimeUnit.SECONDS).length);
                }
            } finally {
                worker.shutdownNow();
            }
        }
    }

    /** A network whose output does not have numClasses channels is reported with its file, not mis-read. */
    @Test
    void aWrongClassCountIsReportedWithTheNetworkFile(@TempDir Path tmp) {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        Path pkg = Fixtures.tinyPackage(tmp.resolve("pt"), s -> new ModelSpec(s.task(), s.network(), null, 4, s.labels(),
                s.auxiliaryLabels(), s.targetSpacing(), s.patchSize(), s.axisOrder(), s.normalization(), s.tileStep(),
                s.gaussian(), s.mirrorAxes(), false, 0, null, null));
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(pkg), 1)) {
            RtsiteException e = assertThrows(RtsiteException.class, () -> seg.segment(ct));
            String all = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
            assertTrue(all.contains("model.pt") && all.contains("(1, 4, 16, 16, 16)"), all);
        }
    }
}
