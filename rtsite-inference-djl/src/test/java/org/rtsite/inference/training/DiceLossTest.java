package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rtsite.inference.training.FineTuneTest.PATCH;
import static org.rtsite.inference.training.FineTuneTest.batchImage;
import static org.rtsite.inference.training.FineTuneTest.batchLabels;
import static org.rtsite.inference.training.FineTuneTest.cases;
import static org.rtsite.inference.training.FineTuneTest.log;
import static org.rtsite.inference.training.FineTuneTest.tiny;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.inference.ModelPackage;

/**
 * The soft Dice term of {@code rtsite finetune --dice-weight} and the per-class patch focus ({@code --focus}), on the
 * committed tiny network (3 classes: background, liver, skull; 16³ patches).
 */
class DiceLossTest {
    private static final int V = 16 * 16 * 16;
    private static final float[] W = {0.2f, 3, 7};

    /** Patches at axis-0 origins 5 and 6 (both hold liver and skull) and one beyond the image (background only). */
    private record Patches(float[] image, byte[] labels) {
        static Patches of(NetworkCase c, int... origins) {
            float[] img = new float[origins.length * V];
            byte[] lab = new byte[img.length];
            PatchSampler s = new PatchSampler(List.of(c), PATCH, 3);
            for (int i = 0; i < origins.length; i++) {
                s.extract(new PatchSampler.Spot(0, origins[i], 2, 4), img, lab, i * V);
            }
            return new Patches(img, lab);
        }
    }

    /** 1 − mean over present organ classes of (2 Σ p·t + 1)/(Σ p + Σ t + 1) over patches [from, to), in double from the logits. */
    private static double diceLossByHand(TrainableNetwork net, Patches b, int from, int to) {
        double[] inter = new double[3];
        double[] psum = new double[3];
        double[] truth = new double[3];
        for (int i = from; i < to; i++) {
            float[] img = java.util.Arrays.copyOfRange(b.image(), i * V, (i + 1) * V);
            float[] z = net.logits(img, PATCH);
            for (int v = 0; v < V; v++) {
                double max = Math.max(z[v], Math.max(z[V + v], z[2 * V + v]));
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += Math.exp(z[k * V + v] - max);
                }
                int y = b.labels()[i * V + v];
                truth[y]++;
                for (int k = 0; k < 3; k++) {
                    double p = Math.exp(z[k * V + v] - max) / sum;
                    psum[k] += p;
                    if (k == y) {
                        inter[k] += p;
                    }
                }
            }
        }
        double dice = 0;
        int n = 0;
        for (int c = 1; c < 3; c++) {
            if (truth[c] > 0) {
                dice += (2 * inter[c] + 1) / (psum[c] + truth[c] + 1);
                n++;
            }
        }
        return n == 0 ? 0 : 1 - dice / n;
    }

    @Test
    void diceTermEqualsItsDefinition() {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches two = Patches.of(c, 5, 6);
            Patches withEmpty = Patches.of(c, 5, 100, 6);
            for (int micro : new int[] {0, 1}) {
                try (TrainableNetwork ce = new TrainableNetwork(p.networkFile(), 3, micro);
                     TrainableNetwork dice = new TrainableNetwork(p.networkFile(), 3, micro, 0.7)) {
                    // whole batch in one pass: train_phantom_network.py's dice_loss over the batch
                    double expected = micro == 0 ? 0.7 * diceLossByHand(ce, two, 0, 2)
                            : 0.7 * (diceLossByHand(ce, two, 0, 1) + diceLossByHand(ce, two, 1, 2)) / 2;
                    double got = dice.evaluate(two.image(), two.labels(), 2, PATCH, W) - ce.evaluate(two.image(), two.labels(), 2, PATCH, W);
                    assertEquals(expected, got, 1e-5, "micro-batch " + micro);
                    assertTrue(expected > 0.05, "the untrained tiny network's Dice term is not negligible: " + expected);
                    // passes of one: the background-only patch neither adds a term nor counts in the mean
                    if (micro == 1) {
                        double got3 = dice.evaluate(withEmpty.image(), withEmpty.labels(), 3, PATCH, W)
                                - ce.evaluate(withEmpty.image(), withEmpty.labels(), 3, PATCH, W);
                        assertEquals(expected, got3, 1e-5, "with a background-only patch in the batch");
                    }
                }
            }
        }
    }

    @Test
    void aBatchWithoutOrgansAddsNothing() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork ce = new TrainableNetwork(p.networkFile(), 3, 0);
             TrainableNetwork dice = new TrainableNetwork(p.networkFile(), 3, 0, 2.0)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches empty = Patches.of(c, 100, 120);
            for (byte b : empty.labels()) {
                assertEquals(0, b);
            }
            assertEquals(ce.evaluate(empty.image(), empty.labels(), 2, PATCH, W), dice.evaluate(empty.image(), empty.labels(), 2, PATCH, W), 0);
            Map<String, float[]> g0 = ce.gradients(empty.image(), empty.labels(), 2, PATCH, W);
            Map<String, float[]> g1 = dice.gradients(empty.image(), empty.labels(), 2, PATCH, W);
            g0.forEach((name, g) -> org.junit.jupiter.api.Assertions.assertArrayEquals(g, g1.get(name), 0, name));
        }
    }

    @Test
    void gradientsAreFiniteAndTheLossDecreases() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork ce = new TrainableNetwork(p.networkFile(), 3, 1);
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3, 1, 1.0)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches two = Patches.of(c, 5, 6);
            Map<String, float[]> g0 = ce.gradients(two.image(), two.labels(), 2, PATCH, W);
            Map<String, float[]> g = net.gradients(two.image(), two.labels(), 2, PATCH, W);
            double change = 0;
            for (var e : g.entrySet()) {
                for (int i = 0; i < e.getValue().length; i++) {
                    assertTrue(Float.isFinite(e.getValue()[i]), e.getKey() + "[" + i + "]");
                    change = Math.max(change, Math.abs(e.getValue()[i] - g0.get(e.getKey())[i]));
                }
            }
            assertTrue(change > 1e-4, "the Dice term changes the gradients: max |Δ| " + change);
            double before = net.evaluate(two.image(), two.labels(), 2, PATCH, W);
            for (int s = 0; s < 15; s++) {
                net.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            }
            double after = net.evaluate(two.image(), two.labels(), 2, PATCH, W);
            assertTrue(after < 0.85 * before, "loss " + before + " → " + after);
        }
    }

    /** A step whose oneDNN gradient is not finite is recomputed on the native kernels: the same step as without the fault. */
    @Test
    void aNonFiniteOneDnnStepIsRecomputedOnNativeKernels() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork plain = new TrainableNetwork(p.networkFile(), 3, 1, 1.0);
             TrainableNetwork retried = new TrainableNetwork(p.networkFile(), 3, 1, 1.0)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches two = Patches.of(c, 5, 6);
            boolean before = OneDnnSwitch.enabled();
            double l0 = plain.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            retried.simulateNonFiniteGradients(1, false);
            double l1 = retried.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            assertEquals(1, retried.nativeRetries());
            assertEquals(0, plain.nativeRetries());
            assertEquals(l0, l1, 1e-5);
            float[] a = plain.logits(java.util.Arrays.copyOf(two.image(), V), PATCH);
            float[] b = retried.logits(java.util.Arrays.copyOf(two.image(), V), PATCH);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 1e-4f, "one Adam step each, same result");
            assertEquals(before, OneDnnSwitch.enabled(), "the retry gives PyTorch its oneDNN setting back");
        }
    }

    /** Non-finite on both kernels at a finite loss: the step is skipped (no update); too many in a row stop the run. */
    @Test
    void stepsNonFiniteOnBothKernelsAreSkippedUntilTooManyInARow() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3, 1, 1.0)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches two = Patches.of(c, 5, 6);
            float[] x = java.util.Arrays.copyOf(two.image(), V);
            float[] before = net.logits(x, PATCH);
            net.simulateNonFiniteGradients(1, true);
            net.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            assertEquals(1, net.skippedSteps());
            assertEquals(0, net.adamSteps());
            assertTrue(net.lastSkip().startsWith("Adam step 1: the gradient (simulated) is not finite"), net.lastSkip());
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, net.logits(x, PATCH), 0f, "a skipped step changes nothing");
            net.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            assertEquals(1, net.adamSteps());
            net.simulateNonFiniteGradients(TrainableNetwork.MAX_SKIPPED_IN_A_ROW + 1, true);
            for (int i = 0; i < TrainableNetwork.MAX_SKIPPED_IN_A_ROW; i++) {
                net.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2);
            }
            org.rtsite.core.RtsiteException e = assertThrows(org.rtsite.core.RtsiteException.class,
                    () -> net.trainStep(two.image(), two.labels(), 2, PATCH, W, 1e-2));
            assertTrue(e.getMessage().startsWith("fine-tuning diverged") && e.getMessage().contains("5 steps skipped in a row"), e.getMessage());
        }
    }

    /**
     * A gradient that is finite but whose square overflows (what oneDNN's unwritten memory gave in a long run, leaving Adam's
     * second moments infinite and every later update 0) counts as not finite: the step is skipped, Adam's state stays finite.
     */
    @Test
    void aGradientWhoseSquareOverflowsIsNotTakenIntoAdam(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3, 1)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches one = Patches.of(c, 5);
            float[] w = {1, 1, 1};
            // a huge head weight: the loss stays finite, the gradients of the layers below reach ~1e20 and their squares overflow
            net.nudge("head.weight", 0, 1e20f);
            double loss = net.evaluate(one.image(), one.labels(), 1, PATCH, w);
            assertTrue(Double.isFinite(loss), "loss " + loss);
            Map<String, float[]> g = net.gradients(one.image(), one.labels(), 1, PATCH, w);
            float max = 0;
            for (float[] a : g.values()) {
                for (float f : a) {
                    assertTrue(Float.isFinite(f));
                    max = Math.max(max, Math.abs(f));
                }
            }
            assertTrue(max > 1e19f, "the case needs a finite gradient whose square overflows: largest " + max);
            net.trainStep(one.image(), one.labels(), 1, PATCH, w, 1e-3);
            assertEquals(1, net.skippedSteps(), "skipped, not taken into Adam");
            assertEquals(0, net.adamSteps());
            net.saveOptimizer(tmp.resolve("adam"));
            try (java.io.DataInputStream in = new java.io.DataInputStream(java.nio.file.Files.newInputStream(tmp.resolve("adam")))) {
                in.readInt();
                in.readLong();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    in.readUTF();
                    for (int k = 0; k < 2; k++) {
                        int len = in.readInt();
                        for (int j = 0; j < len; j++) {
                            assertTrue(Float.isFinite(in.readFloat()));
                        }
                    }
                }
            }
        }
    }

    /**
     * A garbage collection between a pass's forward and its backward changes no gradient, with cross-entropy alone and with the
     * Dice term. It did before: the loss multiplied and divided by numbers through DJL's {@code mul(Number)}/{@code div(Number)},
     * which wrap the number in a tensor over a Java direct buffer and close it at once while autograd keeps it for the
     * backward pass; a collection in between freed the buffer, and the backward read allocator pointers instead of 2, 1/n or
     * 1/Σw (gradients of 1e18-3e38, infinite or NaN at a finite loss, or merely wrong).
     */
    @Test
    void aGarbageCollectionBetweenForwardAndBackwardChangesNoGradient() {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            Patches two = Patches.of(c, 5, 6);
            for (double dice : new double[] {0, 0.7}) {
                try (TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3, 1, dice)) {
                    Map<String, float[]> expected = net.gradients(two.image(), two.labels(), 2, PATCH, W);
                    net.beforeBackward(DiceLossTest::collectGarbage);
                    for (int rep = 0; rep < 3; rep++) {
                        Map<String, float[]> g = net.gradients(two.image(), two.labels(), 2, PATCH, W);
                        for (var e : expected.entrySet()) {
                            float max = 0;
                            for (float f : e.getValue()) {
                                max = Math.max(max, Math.abs(f));
                            }
                            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(), g.get(e.getKey()), 1e-5f * max + 1e-9f,
                                    e.getKey() + ", Dice weight " + dice + ", repetition " + rep + " with a collection before backward");
                        }
                    }
                }
            }
        }
    }

    /** A full collection, and time for the reference handler to free the direct buffers it found unreachable. */
    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void focusCentresOrganPatchesOnTheFocusedClassMoreOften() {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            int uniform = skullCentred(new PatchSampler(List.of(c), PATCH, 3));
            int focused = skullCentred(new PatchSampler(List.of(c), PATCH, 3, new double[] {1, 1, 9}));
            // 400 organ patches: about half on the skull without focus, 90 % with skull:9
            assertTrue(uniform > 140 && uniform < 260, "uniform: " + uniform + " of 400");
            assertTrue(focused > 320, "focused: " + focused + " of 400");
        }
    }

    /** Of 400 organ-centred patches, those whose centre voxel is skull (class 2). */
    private static int skullCentred(PatchSampler s) {
        List<PatchSampler.Spot> spots = s.sample(List.of(0), 400, 1.0, new SplittableRandom(5));
        float[] img = new float[V];
        byte[] lab = new byte[V];
        int n = 0;
        for (PatchSampler.Spot spot : spots) {
            s.extract(spot, img, lab, 0);
            if (lab[(8 * 16 + 8) * 16 + 8] == 2) {
                n++;
            }
        }
        return n;
    }

    @Test
    void focusOnAClassTheNetworkLacksIsRefused() {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            FineTuneOptions o = FineTuneOptions.defaults().withFocus(Map.of("thyroid_gland", 4.0));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> new FineTuner(p, o, log()));
            assertTrue(e.getMessage().contains("thyroid_gland") && e.getMessage().contains("skull"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> FineTuneOptions.defaults().withFocus(Map.of("skull", 0.0)));
            assertThrows(InvalidInputException.class, () -> FineTuneOptions.defaults().withDiceWeight(-1));
        }
    }
}
