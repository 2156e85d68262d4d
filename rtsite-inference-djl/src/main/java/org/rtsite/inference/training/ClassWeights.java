package org.rtsite.inference.training;

import java.util.List;
import org.rtsite.core.InvalidInputException;

/**
 * Class weights of the cross-entropy, {@code L = Σ_v w[y_v] · (−log softmax(z_v)[y_v]) / Σ_v w[y_v]} (PyTorch's
 * {@code CrossEntropyLoss(weight=w)} with mean reduction), so a weight scales how much a class's voxels pull on
 * the network relative to the others; only ratios matter.
 */
public final class ClassWeights {

    /** How weights follow from class frequencies f_c (voxels of class c / all voxels of the training cases). */
    public enum Weighting {
        /** Every class 1. */
        NONE,
        /** w_c ∝ 1 / f_c. */
        INVERSE_FREQUENCY,
        /** w_c ∝ 1 / √f_c, gentler on tiny structures (the phantom network's training used it). */
        INVERSE_SQRT_FREQUENCY
    }

    private ClassWeights() {
    }

    /**
     * Weights for {@code numClasses} channels from voxel counts per class, normalized so that the classes present
     * average 1; classes absent from the training data get 1 (they contribute no voxels, so their weight is moot).
     */
    public static float[] fromCounts(long[] counts, Weighting weighting) {
        float[] w = new float[counts.length];
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0 || weighting == Weighting.NONE) {
                w[c] = 1;
                continue;
            }
            double f = (double) counts[c] / total;
            w[c] = (float) (weighting == Weighting.INVERSE_FREQUENCY ? 1 / f : 1 / Math.sqrt(f));
            sum += w[c];
            present++;
        }
        if (present > 0 && weighting != Weighting.NONE) {
            double mean = sum / present;
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] > 0) {
                    w[c] = (float) (w[c] / mean);
                }
            }
        }
        return w;
    }

    /** Explicit weights, one per channel. */
    public static float[] explicit(List<Double> weights, int numClasses) {
        if (weights.size() != numClasses) {
            throw new InvalidInputException(weights.size() + " class weights given for a network of " + numClasses
                    + " classes (background first)");
        }
        float[] w = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            w[c] = weights.get(c).floatValue();
        }
        return w;
    }
}
