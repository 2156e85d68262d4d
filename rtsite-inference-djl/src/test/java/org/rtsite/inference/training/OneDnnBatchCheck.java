package org.rtsite.inference.training;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.rtsite.inference.ModelPackage;

/**
 * Whether oneDNN's convolution backward pass gives a package network's gradients at a given batch size on this CPU:
 * the gradients of one batch by parameter with oneDNN on and with PyTorch's native kernels (which match finite
 * differences, {@code FineTuneTest}), and central differences of the loss for the first entries of a few parameters.
 * Run by rtsite-benchmarks/scripts/finetune-onednn-check.sh.
 *
 * <pre>OneDnnBatchCheck PACKAGE BATCH PATCH0 PATCH1 PATCH2 [FD_PARAMETERS...]</pre>
 */
public final class OneDnnBatchCheck {
    private OneDnnBatchCheck() {
    }

    public static void main(String[] args) {
        Path pkg = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int[] patch = {Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4])};
        try (ModelPackage p = ModelPackage.open(pkg);
             TrainableNetwork net = new TrainableNetwork(p.networkFile(), p.spec().numClasses())) {
            int classes = p.spec().numClasses();
            int n = batch * patch[0] * patch[1] * patch[2];
            float[] image = new float[n];
            byte[] labels = new byte[n];
            SplittableRandom r = new SplittableRandom(19);
            for (int i = 0; i < n; i++) {
                // smooth blocks of classes and intensities, so that every layer sees structure, plus noise
                int block = (i / 4096) % classes;
                labels[i] = (byte) block;
                image[i] = (float) (block * 0.5 - 2 + r.nextGaussian() * 0.3);
            }
            float[] weights = new float[classes];
            java.util.Arrays.fill(weights, 1f);
            OneDnnSwitch.set(false);
            Map<String, float[]> nat = net.gradients(image, labels, batch, patch, weights);
            OneDnnSwitch.set(true);
            Map<String, float[]> one = net.gradients(image, labels, batch, patch, weights);
            Map<String, float[]> one2 = net.gradients(image, labels, batch, patch, weights);
            double worst = 0;
            for (String name : nat.keySet()) {
                float[] a = nat.get(name), b = one.get(name), b2 = one2.get(name);
                double max = 0, diff = 0, rep = 0;
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs(a[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                    rep = Math.max(rep, Math.abs(b[i] - b2[i]));
                }
                double rel = diff / Math.max(max, 1e-12);
                worst = Math.max(worst, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
                System.out.printf(Locale.ROOT, "batch %d %-22s max|g| %.3e  max|oneDNN-native| %.3e  relative %.2e  oneDNN repeat %.1e%n",
                        batch, name, max, diff, rel, rep);
            }
            System.out.printf(Locale.ROOT, "batch %d worst relative difference oneDNN vs native: %.3e%n", batch, worst);
            float h = 1e-2f;
            for (int a = 5; a < args.length; a++) {
                String name = args[a];
                for (int idx = 0; idx < 3; idx++) {
                    double[] loss = new double[2];
                    for (boolean on : new boolean[] {false, true}) {
                        OneDnnSwitch.set(on);
                        net.nudge(name, idx, h);
                        double plus = net.evaluate(image, labels, batch, patch, weights);
                        net.nudge(name, idx, -2 * h);
                        double minus = net.evaluate(image, labels, batch, patch, weights);
                        net.nudge(name, idx, h);
                        loss[on ? 1 : 0] = (plus - minus) / (2 * h);
                    }
                    System.out.printf(Locale.ROOT, "batch %d %s[%d]: finite difference (native fwd) %.5e (oneDNN fwd) %.5e, backward native %.5e, oneDNN %.5e%n",
                            batch, name, idx, loss[0], loss[1], nat.get(name)[idx], one.get(name)[idx]);
                }
            }
            OneDnnSwitch.set(false);
        }
    }
}
