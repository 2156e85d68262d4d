package org.rtsite.inference.training;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rtsite.inference.ModelPackage;

/**
 * Times fine-tuning steps (forward, backward, Adam) of a package's network the two ways training can run a batch,
 * alternating in one process: the whole batch in one pass on PyTorch's native convolutions ({@code --micro-batch 0}:
 * oneDNN is off, its backward pass is wrong above batch 1 in libtorch 2.7.1), and micro-batches of one patch with
 * oneDNN's convolutions ({@code --micro-batch 1}, the default). Run by rtsite-benchmarks/scripts/finetune-step.sh.
 *
 * <pre>TrainStepTiming PACKAGE ROUNDS STEPS BATCH PATCH0 PATCH1 PATCH2</pre>
 */
public final class TrainStepTiming {
    private TrainStepTiming() {
    }

    public static void main(String[] args) {
        Path pkg = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        int[] patch = {Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6])};
        try (ModelPackage p = ModelPackage.open(pkg)) {
            int classes = p.spec().numClasses();
            int n = batch * patch[0] * patch[1] * patch[2];
            float[] image = new float[n];
            byte[] labels = new byte[n];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < n; i++) {
                image[i] = (float) (r.nextDouble() * 4 - 2);
                labels[i] = (byte) (i / 4096 % classes);
            }
            float[] weights = new float[classes];
            java.util.Arrays.fill(weights, 1f);
            for (int round = 1; round <= rounds; round++) {
                for (int microBatch : new int[] {0, 1}) {
                    // one network open at a time: the whole-batch one switches oneDNN off process-wide while open
                    try (TrainableNetwork net = new TrainableNetwork(p.networkFile(), classes, microBatch)) {
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d %-34s s/step:", round,
                                microBatch == 0 ? "whole batch, native (oneDNN off)" : "micro-batch 1, oneDNN " + (OneDnnSwitch.enabled() ? "on" : "off")));
                        for (int s = 0; s < steps; s++) {
                            long t0 = System.nanoTime();
                            net.trainStep(image, labels, batch, patch, weights, 1e-5);
                            line.append(String.format(Locale.ROOT, " %.2f", (System.nanoTime() - t0) / 1e9));
                        }
                        System.out.println(line);
                    }
                }
            }
        }
    }
}
