package org.rtsite.inference.training;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test: repeats the gradient of one fixed patch (no update) with cross-entropy only and with the Dice term,
 * alternating, and reports each repetition whose gradient has an entry above {@link TrainableNetwork#MAX_GRADIENT} or not
 * finite, with the tensors affected, in backward order (head first): where in the network the huge values start.
 * The true gradient of a fixed patch and fixed weights is the same every time; a repetition that differs is a fault of a
 * kernel or of memory, not of the loss. (docs/finetune.md, "Huge gradients".)
 *
 * <pre>GradientFaultProbe NETWORK CLASSES MICRO_BATCH DICE_WEIGHT REPETITIONS D0 D1 D2 [SEED]</pre>
 */
public final class GradientFaultProbe {
    private GradientFaultProbe() {
    }

    public static void main(String[] args) {
        Path network = Path.of(args[0]);
        int classes = Integer.parseInt(args[1]);
        int micro = Integer.parseInt(args[2]);
        double dice = Double.parseDouble(args[3]);
        int reps = Integer.parseInt(args[4]);
        int[] patch = {Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7])};
        long seed = args.length > 8 ? Long.parseLong(args[8]) : 19;
        int n = patch[0] * patch[1] * patch[2];
        byte[] labels = new byte[n];
        float[] image = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        // blocks of a few classes (an organ patch: most classes absent), intensities by class plus noise
        for (int i = 0; i < n; i++) {
            int block = (i / 4096 + i / 50000) % 5;
            int c = block == 0 ? 0 : new int[] {0, 4, 9, 15, 2}[block] % classes;
            labels[i] = (byte) c;
            image[i] = (float) (c * 0.3 - 1 + r.nextGaussian() * 0.3);
        }
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = c == 0 ? 0.15f : 1f;
        }
        try (TrainableNetwork ce = new TrainableNetwork(network, classes, micro, 0);
             TrainableNetwork withDice = new TrainableNetwork(network, classes, micro, dice)) {
            int[] faults = new int[2];
            Map<String, float[]> reference = null;
            for (int rep = 0; rep < reps; rep++) {
                for (int k = 0; k < 2; k++) {
                    TrainableNetwork net = k == 0 ? ce : withDice;
                    Map<String, float[]> g = net.gradients(image, labels, 1, patch, w);
                    if (k == 0 && reference == null) {
                        reference = g;
                    }
                    StringBuilder where = new StringBuilder();
                    for (String name : reverse(g.keySet().toArray(new String[0]))) {
                        double max = 0;
                        for (float f : g.get(name)) {
                            max = Math.max(max, Float.isNaN(f) ? Double.POSITIVE_INFINITY : Math.abs(f));
                        }
                        if (max > TrainableNetwork.MAX_GRADIENT) {
                            where.append(String.format(Locale.ROOT, " %s %.3g;", name, max));
                        }
                    }
                    if (where.length() > 0) {
                        faults[k]++;
                        System.out.println("rep " + rep + (k == 0 ? " CE" : " CE+Dice") + ":" + where);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "micro-batch %d: %d repetitions; faulty gradients: CE only %d, CE + Dice %.2f %d%n",
                    micro, reps, faults[0], dice, faults[1]);
        }
    }

    private static String[] reverse(String[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            String t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
