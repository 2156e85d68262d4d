package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.volume.CtVolume;

/**
 * A segmenter opened with an intra-op thread count runs each window on that many engine threads: PyTorch's
 * count is per calling thread, so it is checked on the thread that segmented, a thread new to libtorch each
 * time; ONNX Runtime takes it as a session option (checked to load and give the same labels: the session
 * has no getter for it).
 */
class IntraOpThreadsTest {

    @Test
    void pyTorchRunsEachCallersWindowsOnTheAskedThreadCount(@TempDir Path tmp) throws Exception {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        Path pt = Fixtures.tinyPackage(tmp.resolve("pt"), s -> s);
        byte[] reference;
        try (DjlSegmenter s = DjlSegmenter.open(List.of(pt), 1)) {
            reference = s.segment(ct).labelMaps().get(0).labels();
        }
        for (int asked : new int[] {1, 2, 1}) {
            try (DjlSegmenter s = DjlSegmenter.open(List.of(pt), 1, asked)) {
                assertEquals(asked, s.intraOpThreads());
                ExecutorService caller = Executors.newSingleThreadExecutor();
                try {
                    Object[] seen = caller.submit(() -> new Object[] {
                        s.segment(ct).labelMaps().get(0).labels(), JniUtils.getNumThreads()}).get();
                    assertEquals(asked, seen[1], "libtorch threads of the thread that segmented");
                    assertArrayEquals(reference, (byte[]) seen[0], "the thread count does not change the labels");
                } finally {
                    caller.shutdownNow();
                }
            }
        }
    }

    @Test
    void onnxRuntimeTakesTheCountAsASessionOption(@TempDir Path tmp) {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        Path onnx = Fixtures.tinyPackage(tmp.resolve("onnx"), s -> s.withNetwork("model.onnx"));
        byte[] a;
        byte[] b;
        try (DjlSegmenter s = DjlSegmenter.open(List.of(onnx), 1)) {
            a = s.segment(ct).labelMaps().get(0).labels();
        }
        try (DjlSegmenter s = DjlSegmenter.open(List.of(onnx), 2, 1)) {
            assertEquals(1, s.intraOpThreads());
            b = s.segment(ct).labelMaps().get(0).labels();
        }
        assertArrayEquals(a, b);
    }

    @Test
    void aNegativeCountIsRefusedWithTheValue(@TempDir Path tmp) {
        Path pt = Fixtures.tinyPackage(tmp.resolve("pt"), s -> s);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DjlSegmenter.open(List.of(pt), 1, -2));
        assertTrue(e.getMessage().contains("intra-op thread count") && e.getMessage().contains("-2"), e.getMessage());
    }
}
