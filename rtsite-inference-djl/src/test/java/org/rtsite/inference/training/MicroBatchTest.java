package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rtsite.inference.ModelPackage;

/**
 * Micro-batching ({@code --micro-batch}) on the phantom network (models/phantom-total-pt: a traced U-Net with batch
 * norm): a batch run as several forward/backward passes gives the gradient of the whole batch, and the default of one
 * patch per pass, which keeps PyTorch's oneDNN convolutions, gives the gradients of PyTorch's native kernels.
 */
class MicroBatchTest {
    /** Small enough for seconds, deep enough for the U-Net's four stride-2 levels. */
    static final int[] PATCH = {32, 32, 16};

    static Path phantomNetwork() {
        for (Path p : List.of(Path.of("..", "models", "phantom-total-pt"), Path.of("models", "phantom-total-pt"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError("models/phantom-total-pt not found from " + Path.of("").toAbsolutePath());
    }

    /** {@code batch} patches of blocks of classes with matching intensities plus noise: every layer sees structure. */
    static float[] images(int batch, int classes, byte[] labels) {
        int n = batch * PATCH[0] * PATCH[1] * PATCH[2];
        float[] image = new float[n];
        SplittableRandom r = new SplittableRandom(19);
        for (int i = 0; i < n; i++) {
            int c = (i / 1024 + i / 9000) % classes;
            labels[i] = (byte) c;
            image[i] = (float) (c * 0.4 - 2 + r.nextGaussian() * 0.3);
        }
        return image;
    }

    static float[] weights(int classes) {
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = 0.2f + c * 0.3f; // unequal, so a wrong normalisation across passes shows
        }
        return w;
    }

    /** Entries whose values differ by more than 1e-4 of the parameter's largest gradient (plus 1e-7), as text. */
    static List<String> differences(Map<String, float[]> expected, Map<String, float[]> actual) {
        List<String> bad = new ArrayList<>();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, e) -> {
            float[] a = actual.get(name);
            double max = 0;
            for (float v : e) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < e.length; i++) {
                if (!(Math.abs(e[i] - a[i]) <= 1e-4 * max + 1e-7)) {
                    bad.add(name + "[" + i + "]: " + e[i] + " vs " + a[i] + " (largest " + max + ")");
                    return;
                }
            }
        });
        return bad;
    }

    /**
     * On PyTorch's native kernels (a whole-batch network is open, so oneDNN is off for both), passes of 1 and of 2
     * patches (3 = 2 + 1: an uneven last pass) give the whole batch's loss and gradients: the traced network's batch norm
     * uses running statistics, so no pass depends on the other patches, and each pass's loss is its share of the batch's
     * weighted mean.
     */
    @Test
    void microBatchGradientsEqualTheWholeBatchGradient() {
        try (ModelPackage p = ModelPackage.open(phantomNetwork());
             TrainableNetwork whole = new TrainableNetwork(p.networkFile(), p.spec().numClasses(), 0)) {
            int classes = p.spec().numClasses();
            int batch = 3;
            byte[] labels = new byte[batch * PATCH[0] * PATCH[1] * PATCH[2]];
            float[] images = images(batch, classes, labels);
            float[] w = weights(classes);
            Map<String, float[]> expected = whole.gradients(images, labels, batch, PATCH, w);
            double loss = whole.evaluate(images, labels, batch, PATCH, w);
            for (int micro : new int[] {1, 2}) {
                try (TrainableNetwork net = new TrainableNetwork(p.networkFile(), classes, micro)) {
                    assertFalse(OneDnnSwitch.enabled(), "native kernels while the whole-batch network is open");
                    List<String> bad = differences(expected, net.gradients(images, labels, batch, PATCH, w));
                    assertTrue(bad.isEmpty(), "micro-batch " + micro + ": " + bad);
                    assertEquals(loss, net.evaluate(images, labels, batch, PATCH, w), 1e-5 * loss, "micro-batch " + micro);
                }
            }
            // the check has teeth: one patch alone has other gradients than the batch
            try (TrainableNetwork net = new TrainableNetwork(p.networkFile(), classes, 1)) {
                int one = PATCH[0] * PATCH[1] * PATCH[2];
                Map<String, float[]> first = net.gradients(java.util.Arrays.copyOf(images, one), java.util.Arrays.copyOf(labels, one),
                        1, PATCH, w);
                assertFalse(differences(expected, first).isEmpty(), "a single patch's gradient differs from the batch's");
            }
        }
    }

    /**
     * What fine-tuning does by default (micro-batches of one patch, oneDNN left on) gives the gradient that the whole
     * batch gives on PyTorch's native kernels, whose gradients match finite differences
     * ({@code FineTuneTest.gradientsMatchFiniteDifferences}). oneDNN is wrong only above batch 1 (docs/finetune.md).
     */
    @Test
    void oneDnnAtMicroBatchOneGivesTheNativeGradients() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        boolean before = OneDnnSwitch.enabled();
        try (ModelPackage p = ModelPackage.open(phantomNetwork())) {
            int classes = p.spec().numClasses();
            int batch = 2;
            byte[] labels = new byte[batch * PATCH[0] * PATCH[1] * PATCH[2]];
            float[] images = images(batch, classes, labels);
            float[] w = weights(classes);
            Map<String, float[]> nativeWhole;
            try (TrainableNetwork whole = new TrainableNetwork(p.networkFile(), classes, 0)) {
                assertFalse(OneDnnSwitch.enabled());
                nativeWhole = whole.gradients(images, labels, batch, PATCH, w);
            }
            OneDnnSwitch.set(true);
            try (TrainableNetwork micro = new TrainableNetwork(p.networkFile(), classes, 1)) {
                assertTrue(OneDnnSwitch.enabled(), "a micro-batch-1 network leaves oneDNN on");
                List<String> bad = differences(nativeWhole, micro.gradients(images, labels, batch, PATCH, w));
                assertTrue(bad.isEmpty(), "oneDNN at batch 1 against native kernels: " + bad);
            } finally {
                OneDnnSwitch.set(before);
            }
        }
    }

    @Test
    void microBatchOptionIsCheckedAndSplitsTheBatch() {
        FineTuneOptions d = FineTuneOptions.defaults();
        assertEquals(1, d.microBatch());
        assertEquals(1, d.passSize(4));
        assertEquals(4, d.withMicroBatch(0).passSize(4));
        assertEquals(3, d.withMicroBatch(8).passSize(3));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.rtsite.core.InvalidInputException.class, () -> d.withMicroBatch(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
