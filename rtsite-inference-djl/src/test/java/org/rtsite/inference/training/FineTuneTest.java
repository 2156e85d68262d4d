package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.ModelSpec;
import org.rtsite.inference.NetworkImage;

/**
 * Fine-tuning on the committed tiny network (src/test/resources/tiny: two 3³ convolutions with instance norm,
 * 3 classes background/liver/skull, 16³ windows, 15 kB of TorchScript).
 */
class FineTuneTest {
    static final int[] PATCH = {16, 16, 16};

    static Path tiny() {
        try {
            return Path.of(FineTuneTest.class.getResource("/tiny").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** A CT (3 mm voxels, 30 × 28 × 26) with a soft-tissue box, a 'liver' sphere of 60 HU and a 'skull' sphere of 900 HU. */
    static CtVolume phantomCt() {
        ImageGrid g = ImageGrid.axial(30, 28, 26, 3, 3, 3, new Vec3(-45, -42, -39));
        short[] hu = new short[g.voxelCount()];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    Vec3 p = g.toPatient(i, j, k);
                    double n = ((i * 7 + j * 13 + k * 29) % 17 - 8) * 3; // deterministic texture
                    hu[g.index(i, j, k)] = (short) (inSphere(p, -15, 0, 0, 14) ? 60 + n
                            : inSphere(p, 18, 5, 0, 10) ? 900 + n : Math.abs(p.x()) < 40 && Math.abs(p.y()) < 36 ? 20 + n : -1000);
                }
            }
        }
        return new CtVolume(g, hu);
    }

    static boolean inSphere(Vec3 p, double x, double y, double z, double r) {
        double dx = p.x() - x, dy = p.y() - y, dz = p.z() - z;
        return dx * dx + dy * dy + dz * dz <= r * r;
    }

    /** A case whose reference draws the 'liver' and 'skull' spheres {@code grow} mm larger than the CT shows them (a local protocol). */
    static TrainingCase phantomCase(String id, double shift, double grow) {
        CtVolume ct0 = phantomCt();
        ImageGrid g = ct0.grid();
        short[] hu = ct0.hu().clone();
        long[] liver = BinaryMask.bitsFor(g);
        long[] skull = BinaryMask.bitsFor(g);
        for (int v = 0; v < hu.length; v++) {
            Vec3 p = g.toPatient(v % g.nx(), (v / g.nx()) % g.ny(), v / (g.nx() * g.ny()));
            if (inSphere(p, -15 + shift, 0, 0, 14 + grow)) {
                BinaryMask.set(liver, v);
            }
            if (inSphere(p, 18 - shift, 5, 0, 10 + grow)) {
                BinaryMask.set(skull, v);
            }
        }
        OrganMasks ref = new OrganMasks(g, List.of(), List.of(new BinaryMask("Liver", g, liver), new BinaryMask("Skull", g, skull)));
        return new TrainingCase(id, new CtVolume(g, hu), ref);
    }

    static List<NetworkCase> cases(FineTuner tuner, int n) {
        ClassMapping mapping = tuner.mapping(Map.of(), RegionDictionary.defaults());
        List<NetworkCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tuner.prepare(phantomCase("case" + i, 0, 6), mapping));
        }
        return out;
    }

    static float[] batchImage(NetworkCase c, int at0) {
        float[] img = new float[16 * 16 * 16];
        byte[] lab = new byte[img.length];
        new PatchSampler(List.of(c), PATCH, 3).extract(new PatchSampler.Spot(0, at0, 2, 4), img, lab, 0);
        return img;
    }

    static byte[] batchLabels(NetworkCase c, int at0) {
        float[] img = new float[16 * 16 * 16];
        byte[] lab = new byte[img.length];
        new PatchSampler(List.of(c), PATCH, 3).extract(new PatchSampler.Spot(0, at0, 2, 4), img, lab, 0);
        return lab;
    }

    @Test
    void lossDecreasesOverAFewAdamSteps() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            float[] img = batchImage(c, 5);
            byte[] lab = batchLabels(c, 5);
            float[] w = {1, 1, 1};
            double before = net.evaluate(img, lab, 1, PATCH, w);
            for (int s = 0; s < 15; s++) {
                net.trainStep(img, lab, 1, PATCH, w, 1e-2);
            }
            double after = net.evaluate(img, lab, 1, PATCH, w);
            assertEquals(15, net.adamSteps());
            assertTrue(after < 0.85 * before, "loss " + before + " → " + after);
        }
    }

    /** Two patches side by side, one batch. */
    static float[] twoPatchImage(NetworkCase c) {
        float[] img = new float[2 * 16 * 16 * 16];
        System.arraycopy(batchImage(c, 5), 0, img, 0, 4096);
        System.arraycopy(batchImage(c, 6), 0, img, 4096, 4096);
        return img;
    }

    static byte[] twoPatchLabels(NetworkCase c) {
        byte[] lab = new byte[2 * 16 * 16 * 16];
        System.arraycopy(batchLabels(c, 5), 0, lab, 0, 4096);
        System.arraycopy(batchLabels(c, 6), 0, lab, 4096, 4096);
        return lab;
    }

    /** Parameter entries checked by finite differences: the first layer's (below both convolutions) and some of each later one. */
    static final Map<String, int[]> CHECKED = Map.of("conv1.weight", new int[] {0, 13, 40, 94}, "norm1.weight", new int[] {0, 1, 2, 3},
            "norm1.bias", new int[] {0, 1, 2, 3}, "conv2.weight", new int[] {0, 200}, "norm2.bias", new int[] {1, 3}, "head.bias", new int[] {0, 2});

    /** Central differences of the loss for the {@link #CHECKED} entries (forward passes only). */
    static Map<String, double[]> finiteDifferences(TrainableNetwork net, float[] img, byte[] lab, float[] w) {
        float h = 1e-3f;
        Map<String, double[]> fd = new java.util.TreeMap<>();
        CHECKED.forEach((name, idx) -> {
            double[] d = new double[idx.length];
            for (int k = 0; k < idx.length; k++) {
                net.nudge(name, idx[k], h);
                double plus = net.evaluate(img, lab, 2, PATCH, w);
                net.nudge(name, idx[k], -2 * h);
                double minus = net.evaluate(img, lab, 2, PATCH, w);
                net.nudge(name, idx[k], h);
                d[k] = (plus - minus) / (2 * h);
            }
            fd.put(name, d);
        });
        return fd;
    }

    /** Entries whose gradient is not within 5e-4 + 5 % of the finite difference (NaN included), as text. */
    static List<String> mismatches(Map<String, float[]> grads, Map<String, double[]> fd) {
        List<String> bad = new ArrayList<>();
        fd.forEach((name, d) -> {
            int[] idx = CHECKED.get(name);
            for (int k = 0; k < idx.length; k++) {
                float g = grads.get(name)[idx[k]];
                if (!(Math.abs(g - d[k]) <= 5e-4 + 0.05 * Math.abs(d[k]))) {
                    bad.add(name + "[" + idx[k] + "]: backward " + g + ", finite difference " + d[k]);
                }
            }
        });
        return bad;
    }

    /**
     * The gradients a training step applies are those of the loss: backpropagation agrees with central differences,
     * for a batch of two (with more than one patch PyTorch's CPU convolutions would choose oneDNN, whose backward pass
     * was wrong; {@link OneDnnSwitch}).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            float[] img = twoPatchImage(c);
            byte[] lab = twoPatchLabels(c);
            float[] w = {1, 2, 3};
            Map<String, float[]> grads = net.gradients(img, lab, 2, PATCH, w);
            List<String> bad = mismatches(grads, finiteDifferences(net, img, lab, w));
            assertTrue(bad.isEmpty(), String.join("\n", bad));
            // and the check has teeth: the first layer's gradients are not all tiny
            double norm = 0;
            for (float v : grads.get("norm1.weight")) {
                norm = Math.max(norm, Math.abs(v));
            }
            assertTrue(norm > 5e-3, "norm1.weight gradient " + norm);
        }
    }

    /**
     * The fault {@link OneDnnSwitch} avoids, reproduced: with oneDNN on, the same batch's first-layer gradients are not
     * those of the loss (or NaN). oneDNN's AVX2 and AVX-512 kernels have it, its SSE4.1 ones do not, so the test needs an
     * x86-64 CPU with AVX2. If it fails after a DJL/libtorch upgrade, oneDNN's backward pass is right again and the
     * switch can go (docs/finetune.md).
     */
    @Test
    void oneDnnBackwardIsWrongOnAvx2() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(System.getProperty("os.arch").equals("amd64") && Files.isReadable(cpuinfo)
                && Files.readString(cpuinfo).contains(" avx2") && System.getenv("ONEDNN_MAX_CPU_ISA") == null,
                "needs an x86-64 CPU with AVX2 and oneDNN free to use it");
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            float[] img = twoPatchImage(c);
            byte[] lab = twoPatchLabels(c);
            float[] w = {1, 2, 3};
            Map<String, double[]> fd = finiteDifferences(net, img, lab, w);
            Map<String, float[]> withOneDnn;
            OneDnnSwitch.set(true);
            try {
                withOneDnn = net.gradients(img, lab, 2, PATCH, w);
            } finally {
                OneDnnSwitch.set(false);
            }
            List<String> bad = mismatches(withOneDnn, fd);
            // Where oneDNN gives the right gradients (another CPU, a fixed libtorch) there is no fault to
            // reproduce; the switch is then merely unneeded, which is not a failure of rtsite's.
            assumeTrue(bad.stream().anyMatch(b -> b.startsWith("norm1.")),
                    "oneDNN's convolution backward pass gives the gradients of the loss on this CPU: " + bad);
            assertTrue(bad.stream().noneMatch(b -> b.startsWith("head.") || b.startsWith("norm2.")),
                    "above the second convolution the gradients do not depend on it: " + bad);
        }
    }

    @Test
    void oneDnnIsOffWhileNetworksAreOpenAndRestoredAfter() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        boolean before = OneDnnSwitch.enabled();
        try (ModelPackage p = ModelPackage.open(tiny())) {
            TrainableNetwork a = new TrainableNetwork(p.networkFile(), 3);
            TrainableNetwork b = new TrainableNetwork(p.networkFile(), 3);
            assertFalse(OneDnnSwitch.enabled());
            a.close();
            a.close();
            assertFalse(OneDnnSwitch.enabled(), "b is still open");
            b.close();
        }
        assertEquals(before, OneDnnSwitch.enabled());
    }

    @Test
    void classWeightsChangeTheLossAsDefined() {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            float[] img = batchImage(c, 5);
            byte[] lab = batchLabels(c, 5);
            float[] logits = net.logits(img, PATCH);
            int n = lab.length;
            for (float[] w : new float[][] {{1, 1, 1}, {0.2f, 3, 7}, {1, 0, 0}}) {
                // by hand: Σ w[y]·(−log softmax[y]) / Σ w[y], in double
                double num = 0, den = 0;
                for (int v = 0; v < n; v++) {
                    double max = Math.max(logits[v], Math.max(logits[n + v], logits[2 * n + v]));
                    double z = 0;
                    for (int k = 0; k < 3; k++) {
                        z += Math.exp(logits[k * n + v] - max);
                    }
                    int y = lab[v];
                    num += w[y] * -(logits[y * n + v] - max - Math.log(z));
                    den += w[y];
                }
                double expected = num / den;
                double got = net.evaluate(img, lab, 1, PATCH, w);
                assertEquals(expected, got, 1e-5 * Math.max(1, expected), "weights " + java.util.Arrays.toString(w));
            }
            Set<Integer> present = new HashSet<>();
            for (byte b : lab) {
                present.add((int) b);
            }
            assertEquals(Set.of(0, 1, 2), present, "the patch must hold all three classes for the weights to matter");
            assertNotEquals(net.evaluate(img, lab, 1, PATCH, new float[] {1, 1, 1}),
                    net.evaluate(img, lab, 1, PATCH, new float[] {0.2f, 3, 7}), 1e-3);
        }
    }

    @Test
    void classWeightsFromFrequencies() {
        float[] w = ClassWeights.fromCounts(new long[] {900, 90, 10, 0}, ClassWeights.Weighting.INVERSE_FREQUENCY);
        // 1/f ∝ 1/900, 1/90, 1/10, normalized to mean 1 over the present classes; absent class 1
        double s = 1 / 900.0 + 1 / 90.0 + 1 / 10.0;
        assertEquals(3 * (1 / 900.0) / s, w[0], 1e-6);
        assertEquals(3 * (1 / 10.0) / s, w[2], 1e-6);
        assertEquals(1, w[3]);
        float[] q = ClassWeights.fromCounts(new long[] {900, 100}, ClassWeights.Weighting.INVERSE_SQRT_FREQUENCY);
        assertEquals(3.0, q[1] / q[0], 1e-5);
        assertArrayEquals(new float[] {1, 1}, ClassWeights.fromCounts(new long[] {5, 7}, ClassWeights.Weighting.NONE));
    }

    @Test
    void foldsPartitionTheCases() {
        for (int n : new int[] {5, 13, 60}) {
            int[] f = Folds.assign(n, 5, 42);
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < 5; k++) {
                List<Integer> m = Folds.members(f, k);
                assertTrue(m.size() == n / 5 || m.size() == n / 5 + 1, "fold " + k + " of " + n + ": " + m);
                for (int i : m) {
                    assertTrue(seen.add(i), "case " + i + " in two folds");
                }
            }
            assertEquals(n, seen.size());
            assertArrayEquals(f, Folds.assign(n, 5, 42), "the seed fixes the folds");
        }
        assertNotEquals(java.util.Arrays.toString(Folds.assign(60, 5, 1)), java.util.Arrays.toString(Folds.assign(60, 5, 2)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Folds.assign(3, 5, 1));
        assertTrue(e.getMessage().contains("3 training cases cannot fill 5"), e.getMessage());
    }

    @Test
    void namesReachClassesThroughMappingAndDictionary() {
        ModelSpec spec = ModelPackage.open(tiny()).spec();
        ClassMapping m = ClassMapping.of(spec.labels(), Map.of("Hepar", "liver"), RegionDictionary.defaults());
        assertEquals(1, m.classOf("Hepar"));
        assertEquals(1, m.classOf("LIVER"));
        assertEquals(2, m.classOf("skull"));
        assertEquals(0, m.classOf("Body"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassMapping.of(spec.labels(), Map.of("Lung_L", "lung_left"), null));
        assertTrue(e.getMessage().contains("no class 'lung_left'"), e.getMessage());
    }

    @Test
    void patchesAreCutFromTheImageInferenceSees() {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            FineTuner tuner = new FineTuner(p, FineTuneOptions.defaults(), log());
            TrainingCase c = phantomCase("a", 0, 0);
            NetworkCase nc = tuner.prepare(c, tuner.mapping(Map.of(), null));
            NetworkImage input = NetworkImage.of(p.spec(), c.ct());
            assertArrayEquals(input.image(), nc.image());
            assertArrayEquals(input.dims(), nc.dims());
            // the reference's classes land where the CT's spheres are: bright voxels are skull, mid ones liver
            int skull = 0, liver = 0, wrong = 0;
            for (int v = 0; v < nc.labels().length; v++) {
                if (nc.labels()[v] == 2) {
                    skull++;
                    wrong += nc.image()[v] > 1.5 ? 0 : 1;
                } else if (nc.labels()[v] == 1) {
                    liver++;
                }
            }
            assertTrue(skull > 100 && liver > 300 && wrong < skull / 10, skull + " " + liver + " " + wrong);
        }
    }

    @Test
    void savedPackageLoadsAndPredictsIdenticallyInAFreshJvm(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("tuned");
        try (ModelPackage p = ModelPackage.open(tiny())) {
            FineTuneOptions o = FineTuneOptions.defaults().withEpochs(2).withFolds(2).withLearningRate(3e-3).withBatchSize(2);
            FineTuner tuner = new FineTuner(p, o, log());
            TrainingRecord r = tuner.run(cases(tuner, 4), out, false);
            assertEquals(4, r.epochs().size());
            assertTrue(r.chosenFold() != null && r.chosenEpoch() != null && r.chosenValidationLoss() != null);
        }
        assertTrue(Files.isRegularFile(out.resolve("model.pt")) && Files.isRegularFile(out.resolve("rtsite-model.json"))
                && Files.isRegularFile(out.resolve("training.json")));
        assertTrue(!Files.exists(out.resolve(FineTuner.CHECKPOINT_DIR)), "the checkpoint folder is removed on success");
        float[] window = new float[16 * 16 * 16];
        Random r = new Random(5);
        for (int i = 0; i < window.length; i++) {
            window[i] = (float) r.nextGaussian();
        }
        float[] here;
        try (TrainableNetwork net = new TrainableNetwork(out.resolve("model.pt"), 3)) {
            here = net.logits(window, PATCH);
        }
        byte[] labelsHere;
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(out), 1)) {
            labelsHere = seg.segment(phantomCt()).labelMaps().get(0).labels();
        }
        Path in = tmp.resolve("window.bin");
        FineTuneProbe.writeFloats(in, window);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process proc = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), FineTuneProbe.class.getName(), out.toString(), in.toString(),
                tmp.resolve("logits.bin").toString(), tmp.resolve("labels.bin").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("probe.log").toFile()).start();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, proc.exitValue(), Files.readString(tmp.resolve("probe.log")));
        float[] there = FineTuneProbe.readFloats(tmp.resolve("logits.bin"));
        assertArrayEquals(here, there, 1e-6f);
        assertArrayEquals(labelsHere, Files.readAllBytes(tmp.resolve("labels.bin")));
        // and the fine-tuned package is not the base network
        try (TrainableNetwork base = new TrainableNetwork(tiny().resolve("model.pt"), 3)) {
            float[] b = base.logits(window, PATCH);
            double diff = 0;
            for (int i = 0; i < b.length; i++) {
                diff = Math.max(diff, Math.abs(b[i] - here[i]));
            }
            assertTrue(diff > 1e-3, "fine-tuning did not change the network: " + diff);
        }
    }

    @Test
    void trainedLogitsAreWhatTheSavedFileGives(@TempDir Path tmp) {
        try (ModelPackage p = ModelPackage.open(tiny());
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3)) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            for (int s = 0; s < 3; s++) {
                net.trainStep(batchImage(c, 5), batchLabels(c, 5), 1, PATCH, new float[] {1, 2, 3}, 1e-2);
            }
            float[] x = batchImage(c, 8);
            float[] trained = net.logits(x, PATCH);
            net.save(tmp.resolve("m.pt"));
            try (TrainableNetwork again = new TrainableNetwork(tmp.resolve("m.pt"), 3)) {
                assertArrayEquals(trained, again.logits(x, PATCH), 1e-6f);
            }
        }
    }

    @Test
    void resumeContinuesFromTheCheckpointAsIfUninterrupted(@TempDir Path tmp) {
        FineTuneOptions o = FineTuneOptions.defaults().withEpochs(3).withFolds(2).withLearningRate(3e-3).withBatchSize(2)
                .withPatchesPerCase(2);
        Path whole = tmp.resolve("whole");
        Path broken = tmp.resolve("broken");
        try (ModelPackage p = ModelPackage.open(tiny())) {
            List<NetworkCase> cs = cases(new FineTuner(p, o, log()), 4);
            TrainingRecord uninterrupted = new FineTuner(p, o, log()).run(cs, whole, false);
            // a crash after fold 1's second epoch: its checkpoint is on disk, the rest never ran
            RuntimeException crash = assertThrows(RuntimeException.class, () -> new FineTuner(p, o, new FineTuner.Progress() {
                @Override
                public void epoch(TrainingRecord.EpochLog log, TrainingRecord soFar) {
                    if (log.fold() == 0 && log.epoch() == 2) {
                        throw new RtsiteException("simulated crash");
                    }
                }
            }).run(cs, broken, false));
            assertEquals("simulated crash", crash.getMessage());
            TrainingRecord ck = FineTuner.read(broken.resolve(FineTuner.CHECKPOINT_DIR).resolve(FineTuner.RECORD_FILE));
            assertEquals(0, ck.checkpoint().fold());
            assertEquals(2, ck.checkpoint().epoch());
            InvalidInputException notResumed = assertThrows(InvalidInputException.class, () -> new FineTuner(p, o, log()).run(cs, broken, false));
            assertTrue(notResumed.getMessage().contains("unfinished fine-tuning run"), notResumed.getMessage());
            InvalidInputException other = assertThrows(InvalidInputException.class,
                    () -> new FineTuner(p, o.withEpochs(4), log()).run(cs, broken, true));
            assertTrue(other.getMessage().contains("other options"), other.getMessage());

            TrainingRecord resumed = new FineTuner(p, o, log()).run(cs, broken, true);
            assertEquals(uninterrupted.epochs().size(), resumed.epochs().size());
            for (int i = 0; i < resumed.epochs().size(); i++) {
                TrainingRecord.EpochLog a = uninterrupted.epochs().get(i);
                TrainingRecord.EpochLog b = resumed.epochs().get(i);
                assertEquals(a.fold(), b.fold());
                assertEquals(a.epoch(), b.epoch());
                assertEquals(a.adamSteps(), b.adamSteps(), "Adam's step count continues");
                assertEquals(a.learningRate(), b.learningRate(), 0);
                assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss of fold " + a.fold() + " epoch " + a.epoch());
                assertEquals(a.validationLoss(), b.validationLoss(), 1e-5, "validation loss of fold " + a.fold() + " epoch " + a.epoch());
            }
            assertEquals(uninterrupted.chosenFold(), resumed.chosenFold());
            assertEquals(uninterrupted.chosenEpoch(), resumed.chosenEpoch());
            float[] x = batchImage(cs.get(0), 6);
            try (TrainableNetwork a = new TrainableNetwork(whole.resolve("model.pt"), 3);
                 TrainableNetwork b = new TrainableNetwork(broken.resolve("model.pt"), 3)) {
                assertArrayEquals(a.logits(x, PATCH), b.logits(x, PATCH), 1e-5f);
            }
        }
    }

    @Test
    void oneFoldTrainsOnEveryCaseAndKeepsTheLastEpoch(@TempDir Path tmp) {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            FineTuneOptions o = FineTuneOptions.defaults().withEpochs(2).withFolds(1).withBatchSize(2).withPatchesPerCase(1);
            FineTuner tuner = new FineTuner(p, o, log());
            TrainingRecord r = tuner.run(cases(tuner, 2), tmp.resolve("one"), false);
            assertEquals(2, r.chosenEpoch());
            assertNull(r.chosenValidationLoss());
            assertTrue(r.epochs().stream().allMatch(e -> e.validationLoss() == null));
            assertEquals(1e-4 * 0.9, r.epochs().get(1).learningRate(), 1e-12);
            InvalidInputException again = assertThrows(InvalidInputException.class, () -> tuner.run(cases(tuner, 2), tmp.resolve("one"), false));
            assertTrue(again.getMessage().contains("already holds a model package"), again.getMessage());
        }
    }

    @Test
    void onnxPackagesAreRefused(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("onnx");
        Files.createDirectories(dir);
        Files.copy(tiny().resolve("model.onnx"), dir.resolve("model.onnx"));
        ModelSpec s = ModelPackage.open(tiny()).spec().withNetwork("model.onnx");
        ModelPackage.writeSpec(s, dir);
        try (ModelPackage p = ModelPackage.open(dir)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> new FineTuner(p, FineTuneOptions.defaults(), log()));
            assertTrue(e.getMessage().contains("needs a TorchScript network"), e.getMessage());
        }
    }

    static FineTuner.Progress log() {
        return (log, soFar) -> {
        };
    }

}
