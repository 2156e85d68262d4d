package org.rtsite.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: the loss of {@link TrainableNetwork} (the same DJL operations) on fixed random logits, backward to the
 * logits many times, no network: whether the loss's own backward pass gives a gradient above
 * {@link TrainableNetwork#MAX_GRADIENT} now and then.
 *
 * <pre>LossFaultProbe CLASSES REPETITIONS D0 D1 D2 MODE</pre>
 * MODE: {@code ce}; {@code dice} (+ the Dice term); {@code dice-clone} (its one-hot tensor copied into libtorch's memory);
 * {@code softmax} (+ Σ softmax·one-hot only); {@code softmax-clone}; {@code dice-exp}, {@code softmax-exp}: p as exp(log_softmax);
 * {@code dice-managed}, {@code dice-exp-managed}: scalars as manager-owned tensors;
 * {@code linear}: + Σ logits·G for a constant G (a gradient injected from outside autograd).
 */
public final class LossFaultProbe {
    private LossFaultProbe() {
    }

    public static void main(String[] args) {
        int classes = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        int voxels = Integer.parseInt(args[2]) * Integer.parseInt(args[3]) * Integer.parseInt(args[4]);
        String mode = args[5];
        boolean dice = !mode.equals("ce");
        SplittableRandom r = new SplittableRandom(7);
        float[] z = new float[classes * voxels];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (r.nextGaussian() * 4);
        }
        byte[] labels = new byte[voxels];
        for (int v = 0; v < voxels; v++) {
            labels[v] = (byte) (((v / 4096) % 5 == 0) ? 3 : (v / 50000) % 2 == 0 ? 0 : 9);
        }
        Shape shape = new Shape(1, classes, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        Shape one = new Shape(1, 1, shape.get(2), shape.get(3), shape.get(4));
        int faults = 0;
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            for (int rep = 0; rep < reps; rep++) {
                try (NDManager m = root.newSubManager()) {
                    NDArray out = m.create(z, shape);
                    out.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        long[] target = new long[voxels];
                        float[] w = new float[voxels];
                        for (int v = 0; v < voxels; v++) {
                            target[v] = labels[v];
                            w[v] = labels[v] == 0 ? 0.15f : 1f;
                        }
                        NDArray y = m.create(target, one);
                        NDArray wt = m.create(w, one);
                        // "-managed": every scalar a tensor of the pass's manager (TrainableNetwork.constant), none through
                        // DJL's mul(Number)/div(Number), whose temporary tensors autograd keeps after DJL has closed them
                        boolean managed = mode.endsWith("-managed");
                        NDArray loss = managed ? out.logSoftmax(1).gather(y, 1).mul(wt).sum().mul(m.create(-1e-3f))
                                : out.logSoftmax(1).gather(y, 1).mul(wt).sum().div(1000f).neg();
                        if (mode.equals("linear")) {
                            // a constant gradient tensor at the logits, as a Dice gradient computed outside autograd would be
                            float[] g = new float[classes * voxels];
                            for (int i = 0; i < g.length; i++) {
                                g[i] = (float) Math.sin(i) * 1e-6f;
                            }
                            loss = loss.add(out.mul(m.create(g, shape)).sum());
                        } else if (dice) {
                            float[] onehot = new float[classes * voxels];
                            float[] truth = new float[classes];
                            for (int v = 0; v < voxels; v++) {
                                onehot[labels[v] * voxels + v] = 1;
                                truth[labels[v]]++;
                            }
                            float[] present = new float[classes];
                            int n = 0;
                            for (int c = 1; c < classes; c++) {
                                if (truth[c] > 0) {
                                    present[c] = 1;
                                    n++;
                                }
                            }
                            int[] axes = {0, 2, 3, 4};
                            // "-exp": the softmax as exp(log_softmax), whose backward is log_softmax's and exp's, not softmax's
                            NDArray p = mode.contains("-exp") ? out.logSoftmax(1).exp() : out.softmax(1);
                            NDArray t = m.create(onehot, shape);
                            if (mode.endsWith("-clone")) {
                                t = t.duplicate();
                            }
                            if (mode.startsWith("softmax")) {
                                loss = loss.sub(p.mul(t).sum().div(1000f));
                            } else {
                                NDArray inter = p.mul(t).sum(axes);
                                NDArray denom = p.sum(axes).add(m.create(truth)).add(1f);
                                if (managed) {
                                    NDArray d = inter.mul(m.create(2f)).add(m.create(1f)).div(denom);
                                    loss = loss.add(m.create(1f).sub(d.mul(m.create(present)).sum().mul(m.create(1f / n))));
                                } else {
                                    NDArray d = inter.mul(2f).add(1f).div(denom);
                                    loss = loss.add(d.mul(m.create(present)).sum().div((float) n).neg().add(1f));
                                }
                            }
                        }
                        gc.backward(loss);
                    }
                    float max = 0;
                    for (float f : out.getGradient().toFloatArray()) {
                        max = Math.max(max, Float.isNaN(f) ? Float.POSITIVE_INFINITY : Math.abs(f));
                    }
                    if (!(max <= TrainableNetwork.MAX_GRADIENT)) {
                        faults++;
                        System.out.printf(Locale.ROOT, "rep %d: largest |gradient at the logits| %.3g%n", rep, max);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d repetitions, %d with a gradient at the logits above %.0g%n", args[5], reps, faults,
                (double) TrainableNetwork.MAX_GRADIENT);
    }
}
