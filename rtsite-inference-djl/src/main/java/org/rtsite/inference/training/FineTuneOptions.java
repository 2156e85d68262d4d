package org.rtsite.inference.training;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.rtsite.core.InvalidInputException;

/**
 * The fine-tuning recipe. {@link #defaults()} is the second seed paper's (ALGORITHM.md §5): Adam, learning
 * rate 1e-4 multiplied by 0.9 after every epoch, batch 4, 60 epochs, class-weighted cross-entropy, 5-fold
 * cross-validation keeping the fold model and epoch with the lowest validation loss.
 *
 * @param epochs             epochs per fold
 * @param batchSize          patches per Adam step
 * @param learningRate       Adam's learning rate in the first epoch
 * @param learningRateDecay  factor applied to the learning rate after each epoch
 * @param folds              cross-validation folds; 1 trains on every case without validation and keeps the last epoch
 * @param patchesPerCase     training patches drawn from each training case per epoch
 * @param validationPatches  fixed validation patches drawn once from each held-out case
 * @param patchSize          training patch in voxels along tensor axes 0, 1, 2; {@code null} = the package's patchSize
 * @param foregroundFraction share of patches centred on a voxel of a random class present in the case (nnU-Net's oversampling)
 * @param weighting          how class weights follow from the training voxels' class frequencies
 * @param classWeights       explicit weights per network channel (background first); {@code null} = from {@code weighting}
 * @param seed               seeds fold assignment and patch sampling; epoch e of fold f draws the same patches
 *                           whether or not the run was resumed
 * @param microBatch         patches per forward and backward pass within a batch, gradients summed over the passes
 *                           before the one Adam step (the same step as the whole batch at once, {@link TrainableNetwork});
 *                           0 = the whole batch in one pass. 1 (the default) lets PyTorch keep its oneDNN convolutions,
 *                           whose backward pass is right at batch 1 and 4-10 times faster than PyTorch's native kernels
 *                           on the CPU (docs/finetune.md)
 * @param diceWeight         weight W of a soft Dice term added to the cross-entropy: W × (1 − mean soft Dice over the
 *                           organ classes present in a pass's patches), averaged over the passes of a batch that hold an
 *                           organ ({@link TrainableNetwork}); 0 (the default, the paper's recipe) = cross-entropy only
 * @param focus              class name → relative chance that an organ-centred patch is centred on that class when the
 *                           case has it (others 1; {@code train_phantom_network.py --focus}); empty = every present class alike
 * @param edgeReach          how far a training patch may reach past the image's edge, as a share of the patch along each
 *                           axis, in [0, 0.5]: there it reads what inference pads a window with (0 after normalization)
 *                           and background (nnU-Net's padded sampling). 0 (the default) keeps a patch inside the image
 *                           along every axis where the image is at least the patch
 */
public record FineTuneOptions(int epochs, int batchSize, double learningRate, double learningRateDecay, int folds,
                              int patchesPerCase, int validationPatches, List<Integer> patchSize,
                              double foregroundFraction, ClassWeights.Weighting weighting, List<Double> classWeights,
                              long seed, int microBatch, double diceWeight, Map<String, Double> focus,
                              double edgeReach) {

    public FineTuneOptions {
        if (epochs < 1) {
            throw new InvalidInputException("epochs must be ≥ 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be ≥ 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidInputException("learning rate must be > 0, got " + learningRate);
        }
        if (!(learningRateDecay > 0) || learningRateDecay > 1) {
            throw new InvalidInputException("learning-rate decay must be in (0, 1], got " + learningRateDecay);
        }
        if (folds < 1) {
            throw new InvalidInputException("folds must be ≥ 1, got " + folds);
        }
        if (patchesPerCase < 1 || validationPatches < 1) {
            throw new InvalidInputException("patches per case (" + patchesPerCase + ") and validation patches ("
                    + validationPatches + ") must be ≥ 1");
        }
        if (patchSize != null) {
            patchSize = List.copyOf(patchSize);
            if (patchSize.size() != 3 || patchSize.stream().anyMatch(p -> p < 1)) {
                throw new InvalidInputException("patch size must be 3 positive voxel counts, got " + patchSize);
            }
        }
        if (!(foregroundFraction >= 0) || foregroundFraction > 1) {
            throw new InvalidInputException("foreground fraction must be in [0, 1], got " + foregroundFraction);
        }
        if (weighting == null) {
            weighting = ClassWeights.Weighting.INVERSE_SQRT_FREQUENCY;
        }
        if (microBatch < 0) {
            throw new InvalidInputException("micro-batch must be ≥ 0 (0 = the whole batch), got " + microBatch);
        }
        if (!(diceWeight >= 0) || !Double.isFinite(diceWeight)) {
            throw new InvalidInputException("Dice weight must be finite and ≥ 0, got " + diceWeight);
        }
        focus = focus == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(focus));
        for (Map.Entry<String, Double> e : focus.entrySet()) {
            if (e.getValue() == null || !(e.getValue() > 0) || !Double.isFinite(e.getValue())) {
                throw new InvalidInputException("focus weight of class '" + e.getKey() + "' must be finite and > 0, got " + e.getValue());
            }
        }
        if (!(edgeReach >= 0) || edgeReach > 0.5) {
            throw new InvalidInputException("edge reach must be a share of the patch in [0, 0.5], got " + edgeReach);
        }
        if (classWeights != null) {
            classWeights = List.copyOf(classWeights);
            if (classWeights.stream().anyMatch(w -> !(w >= 0) || !Double.isFinite(w))) {
                throw new InvalidInputException("class weights must be finite and ≥ 0, got " + classWeights);
            }
        }
    }

    /** The paper's recipe; 4 training patches per case and epoch, 2 validation patches per held-out case, 2/3 centred on organs. */
    public static FineTuneOptions defaults() {
        return new FineTuneOptions(60, 4, 1e-4, 0.9, 5, 4, 2, null, 2.0 / 3, ClassWeights.Weighting.INVERSE_SQRT_FREQUENCY, null, 19, 1, 0, Map.of(), 0);
    }

    /** Learning rate of epoch {@code epoch} (1-based): decayed once after each earlier epoch. */
    public double learningRate(int epoch) {
        return learningRate * Math.pow(learningRateDecay, epoch - 1);
    }

    public FineTuneOptions withEpochs(int v) {
        return copy(c -> c.epochs = v);
    }

    public FineTuneOptions withBatchSize(int v) {
        return copy(c -> c.batchSize = v);
    }

    public FineTuneOptions withLearningRate(double v) {
        return copy(c -> c.learningRate = v);
    }

    public FineTuneOptions withLearningRateDecay(double v) {
        return copy(c -> c.learningRateDecay = v);
    }

    public FineTuneOptions withFolds(int v) {
        return copy(c -> c.folds = v);
    }

    public FineTuneOptions withPatchesPerCase(int v) {
        return copy(c -> c.patchesPerCase = v);
    }

    public FineTuneOptions withValidationPatches(int v) {
        return copy(c -> c.validationPatches = v);
    }

    public FineTuneOptions withPatchSize(List<Integer> v) {
        return copy(c -> c.patchSize = v);
    }

    public FineTuneOptions withForegroundFraction(double v) {
        return copy(c -> c.foregroundFraction = v);
    }

    public FineTuneOptions withWeighting(ClassWeights.Weighting v) {
        return copy(c -> c.weighting = v);
    }

    public FineTuneOptions withClassWeights(List<Double> v) {
        return copy(c -> c.classWeights = v);
    }

    public FineTuneOptions withSeed(long v) {
        return copy(c -> c.seed = v);
    }

    public FineTuneOptions withMicroBatch(int v) {
        return copy(c -> c.microBatch = v);
    }

    public FineTuneOptions withDiceWeight(double v) {
        return copy(c -> c.diceWeight = v);
    }

    public FineTuneOptions withFocus(Map<String, Double> v) {
        return copy(c -> c.focus = v);
    }

    public FineTuneOptions withEdgeReach(double v) {
        return copy(c -> c.edgeReach = v);
    }

    /** This recipe with one option changed; the record's constructor checks the result as it checks any. */
    private FineTuneOptions copy(Consumer<Copy> change) {
        Copy c = new Copy();
        change.accept(c);
        return new FineTuneOptions(c.epochs, c.batchSize, c.learningRate, c.learningRateDecay, c.folds, c.patchesPerCase, c.validationPatches, c.patchSize, c.foregroundFraction, c.weighting, c.classWeights, c.seed, c.microBatch, c.diceWeight, c.focus, c.edgeReach);
    }

    /** The options as mutable fields, so that each {@code with…} names only the one it changes. */
    private final class Copy {
        int epochs = FineTuneOptions.this.epochs;
        int batchSize = FineTuneOptions.this.batchSize;
        double learningRate = FineTuneOptions.this.learningRate;
        double learningRateDecay = FineTuneOptions.this.learningRateDecay;
        int folds = FineTuneOptions.this.folds;
        int patchesPerCase = FineTuneOptions.this.patchesPerCase;
        int validationPatches = FineTuneOptions.this.validationPatches;
        List<Integer> patchSize = FineTuneOptions.this.patchSize;
        double foregroundFraction = FineTuneOptions.this.foregroundFraction;
        ClassWeights.Weighting weighting = FineTuneOptions.this.weighting;
        List<Double> classWeights = FineTuneOptions.this.classWeights;
        long seed = FineTuneOptions.this.seed;
        int microBatch = FineTuneOptions.this.microBatch;
        double diceWeight = FineTuneOptions.this.diceWeight;
        Map<String, Double> focus = FineTuneOptions.this.focus;
        double edgeReach = FineTuneOptions.this.edgeReach;
    }

    /** Patches per forward/backward pass for a batch of {@code batch}. */
    public int passSize(int batch) {
        return microBatch == 0 ? batch : Math.min(microBatch, batch);
    }
}
