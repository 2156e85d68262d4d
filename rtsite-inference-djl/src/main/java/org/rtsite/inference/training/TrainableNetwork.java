package org.rtsite.inference.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * A TorchScript network loaded for training on DJL's PyTorch engine: its parameters require gradients, a
 * {@link GradientCollector} records the forward pass, and Adam updates the parameters with DJL's engine kernel
 * ({@code adamUpdate}, the one {@code ai.djl.training.optimizer.Adam} calls). The Adam moments and step count are
 * kept here rather than inside DJL's optimizer so that a checkpoint can save and restore them exactly.
 * A batch runs as micro-batches of {@code microBatch} patches: each pass's loss is its share of the batch's
 * class-weighted mean (its Σ w·nll over the whole batch's Σ w), so the gradients the passes add up are those of the whole
 * batch. That is exact because nothing in a pass depends on the other patches of the batch: traced networks keep batch
 * norm on its running statistics ({@code torch.jit.trace} records the eval-mode flag, docs/finetune.md), and instance norm
 * is per patch. While a network that runs passes of more than one patch is open, PyTorch's oneDNN convolutions are off
 * ({@link OneDnnSwitch}: their backward pass gives wrong gradients in libtorch 2.7.1 for batches above 1), a process-wide
 * setting restored when the last such network closes; with micro-batches of one patch oneDNN stays as PyTorch has it
 * (on by default), whose gradients at batch 1 equal the native kernels' (docs/finetune.md) and are 4-10 times faster.
 * Not thread-safe.
 */
public final class TrainableNetwork implements AutoCloseable {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    private static final int OPTIMIZER_MAGIC = 0x72744164; // "rtAd"
    /** Steps in a row whose gradient is not finite at a finite loss that are skipped before the run counts as diverged. */
    static final int MAX_SKIPPED_IN_A_ROW = 5;
    /** A gradient entry above this is taken as broken, like a NaN (the losses' true gradients are far smaller). */
    static final float MAX_GRADIENT = 1e6f;

    private final Path file;
    private final Model model;
    private final PtSymbolBlock block;
    private final List<Parameter> parameters = new ArrayList<>();
    private final NDArray[] means;
    private final NDArray[] variances;
    private final int numClasses;
    private final int microBatch;
    private final double diceWeight;
    private final boolean holdsOneDnnOff;
    private long adamSteps;
    private long nativeRetries;
    private long skippedSteps;
    private int skippedInARow;
    private String lastSkip;
    private String lastRetry;
    private int simulatedFaults;
    private boolean simulateNativeFaults;
    private Runnable beforeBackward;
    private boolean closed;

    /** {@link #TrainableNetwork(Path, int, int)} running each batch in one pass, with oneDNN off. */
    public TrainableNetwork(Path file, int numClasses) {
        this(file, numClasses, 0);
    }

    /**
     * Loads {@code file} (TorchScript) with trainable parameters on DJL's default device (a GPU when DJL finds one).
     *
     * @param microBatch patches per forward/backward pass; 0 = a whole batch in one pass
     * @throws RtsiteException when the PyTorch engine cannot load it (DJL's exception as cause)
     */
    public TrainableNetwork(Path file, int numClasses, int microBatch) {
        this(file, numClasses, microBatch, 0);
    }

    /**
     * As {@link #TrainableNetwork(Path, int, int)}, with a soft Dice term of weight {@code diceWeight} added to the loss
     * ({@link #trainStep}); 0 = cross-entropy only.
     */
    public TrainableNetwork(Path file, int numClasses, int microBatch, double diceWeight) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("network file " + file + " does not exist");
        }
        if (microBatch < 0) {
            throw new InvalidInputException("micro-batch must be ≥ 0 (0 = the whole batch), got " + microBatch);
        }
        this.file = file;
        this.numClasses = numClasses;
        if (!(diceWeight >= 0) || !Double.isFinite(diceWeight)) {
            throw new InvalidInputException("Dice weight must be finite and ≥ 0, got " + diceWeight);
        }
        this.microBatch = microBatch;
        this.diceWeight = diceWeight;
        this.holdsOneDnnOff = microBatch != 1;
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        Engine.getEngine("PyTorch"); // loads libtorch, which OneDnnSwitch calls into
        if (holdsOneDnnOff) {
            OneDnnSwitch.acquire();
        }
        Model m = Model.newInstance("rtsite-finetune", "PyTorch");
        try {
            // trainParam: DJL loads TorchScript parameters with requires_grad off unless asked
            m.load(dir, name, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            releaseOneDnn();
            throw new RtsiteException("cannot load network " + file + " for training on PyTorch: " + e.getMessage(), e);
        }
        this.model = m;
        if (!(m.getBlock() instanceof PtSymbolBlock b)) {
            m.close();
            releaseOneDnn();
            throw new RtsiteException("network " + file + " did not load as a TorchScript module");
        }
        this.block = b;
        // DJL's block believes it is in training mode after loading; make the module agree
        JniUtils.enableTrainingMode(block);
        for (var p : block.getParameters()) {
            parameters.add(p.getValue());
        }
        means = new NDArray[parameters.size()];
        variances = new NDArray[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            means[i] = w.zerosLike();
            variances[i] = w.zerosLike();
        }
    }

    /** The device the network trains on, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return model.getNDManager().getDevice().toString();
    }

    /** Trainable tensors. */
    public int parameterCount() {
        return parameters.size();
    }

    /**
     * Steps whose gradient came out non-finite on oneDNN (micro-batches of one) and were recomputed on PyTorch's native
     * kernels, in this process.
     */
    public long nativeRetries() {
        return nativeRetries;
    }

    /** Steps skipped because their gradient was not finite on either kernel at a finite loss, in this process. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** What the last skipped step found (its step, parameter, loss, and the gradients' NaN/infinity counts), or null. */
    public String lastSkip() {
        return lastSkip;
    }

    /**
     * What the last step recomputed on native kernels found: oneDNN's gradient against the native one (largest entries, and
     * how many entries differ by more than 1e-3 of the native tensor's largest), or null.
     */
    public String lastRetry() {
        return lastRetry;
    }

    /** Every parameter's gradient, in order. */
    private float[][] gradientArrays() {
        float[][] out = new float[parameters.size()][];
        for (int i = 0; i < out.length; i++) {
            try (NDArray g = parameters.get(i).getArray().getGradient()) {
                out[i] = g.toFloatArray();
            }
        }
        return out;
    }

    /**
     * oneDNN's flagged gradient against the native kernels' on the same step: a kernel fault leaves a few entries wrong (huge,
     * NaN) and the rest equal; a true blow-up of the loss makes both large.
     */
    private String compareGradients(float[][] oneDnn, float[][] nativeGrad) {
        double maxOne = 0;
        double maxNative = 0;
        long differing = 0;
        long total = 0;
        String worst = null;
        StringBuilder tensors = new StringBuilder();
        for (int i = 0; i < oneDnn.length; i++) {
            double scale = 0;
            for (float f : nativeGrad[i]) {
                scale = Math.max(scale, Math.abs(f));
            }
            int bad = 0;
            double tensorMax = 0;
            for (int j = 0; j < oneDnn[i].length; j++) {
                float a = oneDnn[i][j];
                double d = Math.abs((double) a - nativeGrad[i][j]);
                if (!(d <= 1e-3 * scale + 1e-12)) {
                    bad++;
                }
                double abs = Float.isNaN(a) ? Double.POSITIVE_INFINITY : Math.abs(a);
                tensorMax = Math.max(tensorMax, abs);
            }
            if (tensorMax > maxOne) {
                maxOne = tensorMax;
                worst = parameters.get(i).getName();
            }
            maxNative = Math.max(maxNative, scale);
            if (bad > 0) {
                tensors.append(tensors.length() == 0 ? "" : ", ").append(parameters.get(i).getName()).append(' ').append(bad)
                        .append('/').append(oneDnn[i].length);
            }
            differing += bad;
            total += oneDnn[i].length;
        }
        return String.format(Locale.ROOT, "oneDNN's largest |gradient| %.3g (%s), native's %.3g; %d of %d entries differ "
                + "by more than 1e-3 of their tensor's native largest (%s)", maxOne, worst, maxNative, differing, total, tensors);
    }

    /** Per parameter with a non-finite gradient: NaN and infinite entries, and the largest finite magnitude of all gradients. */
    private String gradientSummary() {
        StringBuilder sb = new StringBuilder();
        double maxAbs = 0;
        for (Parameter p : parameters) {
            try (NDArray g = p.getArray().getGradient()) {
                int nan = 0;
                int inf = 0;
                for (float f : g.toFloatArray()) {
                    if (Float.isNaN(f)) {
                        nan++;
                    } else if (Float.isInfinite(f)) {
                        inf++;
                    } else {
                        maxAbs = Math.max(maxAbs, Math.abs(f));
                    }
                }
                if (nan + inf > 0) {
                    sb.append(p.getName()).append(": ").append(nan).append(" NaN, ").append(inf).append(" inf; ");
                }
            }
        }
        return sb.append("largest finite |gradient| ").append((float) maxAbs).toString();
    }

    /** Makes the next {@code steps} steps' gradients count as non-finite on oneDNN, and on native kernels too if {@code alsoNative}: for tests. */
    void simulateNonFiniteGradients(int steps, boolean alsoNative) {
        simulatedFaults = steps;
        simulateNativeFaults = alsoNative;
    }

    /** Runs {@code hook} between each pass's forward and backward: for tests (a garbage collection there, say). */
    void beforeBackward(Runnable hook) {
        beforeBackward = hook;
    }

    /** Adam steps taken since the start of training (restored from a checkpoint). */
    public long adamSteps() {
        return adamSteps;
    }

    /**
     * One Adam step on a batch: forward in training mode, loss, backward, update. The loss is the class-weighted
     * cross-entropy {@code Σ w·nll / Σ w} over the whole batch plus, with a Dice weight W above 0, W × the mean over the
     * batch's passes that hold an organ voxel of (1 − the mean soft Dice of the organ classes present in that pass), where
     * a class's soft Dice over the pass's patches is {@code (2 Σ p·t + 1) / (Σ p + Σ t + 1)} with p its softmax and t its
     * one-hot reference ({@code train_phantom_network.py}'s {@code dice_loss}: with the whole batch in one pass, exactly
     * that). A pass without organ voxels adds no Dice term.
     *
     * @param images  {@code batch} patches, C order over (batch, axis 0, 1, 2)
     * @param labels  the patches' classes, same order
     * @param weights one weight per class
     * @return the batch's loss before the update
     */
    public double trainStep(float[] images, byte[] labels, int batch, int[] patch, float[] weights, double learningRate) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            double loss = backward(images, labels, batch, patch, weights);
            String bad = Double.isFinite(loss) ? nonFiniteGradient() : "the loss";
            if (simulatedFaults > 0) {
                bad = "the gradient (simulated)";
            }
            if (bad != null && !holdsOneDnnOff) {
                // on oneDNN a non-finite gradient need not mean divergence (above batch 1 its backward pass reads memory it did
                // not write, docs/finetune.md): redo the step on the native kernels. (The huge gradients of the first runs with the
                // Dice term, one step in ~30, were not oneDNN's but the loss's freed scalars, constant(); the retry stays as a guard.)
                float[][] oneDnnGradients = gradientArrays();
                zeroGradients();
                nativeRetries++;
                OneDnnSwitch.acquire();
                try {
                    loss = backward(images, labels, batch, patch, weights);
                } finally {
                    OneDnnSwitch.release();
                }
                lastRetry = "Adam step " + (adamSteps + 1) + ", loss " + loss + ": " + compareGradients(oneDnnGradients, gradientArrays());
                bad = Double.isFinite(loss) ? nonFiniteGradient() : "the loss";
                if (simulatedFaults > 0 && simulateNativeFaults) {
                    bad = "the gradient (simulated)";
                }
            }
            simulatedFaults = Math.max(0, simulatedFaults - 1);
            if (bad != null && Double.isFinite(loss) && skippedInARow < MAX_SKIPPED_IN_A_ROW) {
                // a finite loss with a non-finite gradient on both kernels: skip the update (as PyTorch's GradScaler skips
                // steps with inf/NaN gradients) rather than lose the run; many in a row is divergence
                lastSkip = "Adam step " + (adamSteps + 1) + ": " + bad + " is not finite at loss " + loss + " (" + gradientSummary()
                        + "); step skipped, no update";
                zeroGradients();
                skippedSteps++;
                skippedInARow++;
                return loss;
            }
            if (bad != null) {
                zeroGradients();
                throw new RtsiteException("fine-tuning diverged: " + bad + " is not finite at Adam step " + (adamSteps + 1)
                        + " (loss " + loss + ", learning rate " + learningRate + " too high?"
                        + (holdsOneDnnOff ? "" : "; on oneDNN and again on PyTorch's native kernels")
                        + (skippedInARow > 0 ? "; " + skippedInARow + " steps skipped in a row before" : "") + ")");
            }
            skippedInARow = 0;
            adamSteps++;
            double coef1 = 1.0 - Math.pow(BETA1, adamSteps);
            double coef2 = 1.0 - Math.pow(BETA2, adamSteps);
            float lr = (float) learningRate;
            float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).getArray();
                try (NDArray g = w.getGradient()) {
                    w.getNDArrayInternal().adamUpdate(new NDList(w, g, means[i], variances[i]), new NDList(w),
                            lr, corrected, 0f, 1f, Float.MAX_VALUE, BETA1, BETA2, EPSILON, false, false);
                }
                JniUtils.zeroGrad((PtNDArray) w);
            }
            return loss;
        }
    }

    /**
     * The gradients of the class-weighted loss of a batch by parameter name, without an update (the gradients are
     * zeroed again): what {@link #trainStep} would apply. For checking them against finite differences.
     */
    Map<String, float[]> gradients(float[] images, byte[] labels, int batch, int[] patch, float[] weights) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (NDManager m = model.getNDManager().newSubManager()) {
            backward(images, labels, batch, patch, weights);
            for (Parameter p : parameters) {
                try (NDArray g = p.getArray().getGradient()) {
                    out.put(p.getName(), g.toFloatArray());
                }
            }
            zeroGradients();
        }
        return out;
    }

    /** Adds {@code delta} to element {@code index} (C order) of parameter {@code name}, outside autograd. */
    void nudge(String name, int index, float delta) {
        Parameter p = parameters.stream().filter(q -> q.getName().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("network " + file + " has no parameter '" + name + "'"));
        NDArray w = p.getArray();
        try (NDManager m = model.getNDManager().newSubManager()) {
            float[] d = new float[Math.toIntExact(w.size())];
            d[index] = delta;
            w.addi(m.create(d, w.getShape()));
        }
    }

    /**
     * The name of the first parameter whose gradient holds a NaN, an infinity or an entry above {@link #MAX_GRADIENT} ("the
     * gradient of NAME"), null if none.
     */
    private String nonFiniteGradient() {
        for (Parameter p : parameters) {
            // not only NaN and infinity: Adam squares each entry, and one entry above ~1.8e19 makes its second moment infinite
            // (every later update 0), one of 1e11 makes it 1e22 (updates ~0 for thousands of steps); the loss is a weighted
            // mean plus a Dice term below its weight, whose gradients stay far below MAX_GRADIENT (seen: 1e11-3e38, from the
            // loss's scalars freed before the backward pass read them, constant())
            try (NDArray g = p.getArray().getGradient(); NDArray a = g.abs(); NDArray s = a.max()) {
                float max = s.getFloat();
                if (!Float.isFinite(max) || max > MAX_GRADIENT) {
                    return "the gradient of " + p.getName();
                }
            }
        }
        return null;
    }

    private void zeroGradients() {
        for (Parameter p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }

    /** The loss {@link #trainStep} minimizes, of a batch in inference mode (no gradients, batch norm on running statistics). */
    public double evaluate(float[] images, byte[] labels, int batch, int[] patch, float[] weights) {
        double weightSum = weightSum(labels, weights);
        int pass = passSize(batch);
        int organPasses = organPasses(labels, batch, pass, patch);
        double loss = 0;
        for (int from = 0; from < batch; from += pass) {
            try (NDManager m = model.getNDManager().newSubManager()) {
                loss += loss(m, images, labels, from, Math.min(pass, batch - from), patch, weights, weightSum, organPasses, false).getFloat();
            }
        }
        return loss;
    }

    /** Forward and backward passes over a batch in micro-batches, gradients accumulated; returns the batch's loss. */
    private double backward(float[] images, byte[] labels, int batch, int[] patch, float[] weights) {
        double weightSum = weightSum(labels, weights);
        int pass = passSize(batch);
        int organPasses = organPasses(labels, batch, pass, patch);
        double loss = 0;
        // one collector for every pass: PyTorch adds each backward pass's gradients to those already there
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            for (int from = 0; from < batch; from += pass) {
                try (NDManager m = model.getNDManager().newSubManager()) {
                    NDArray l = loss(m, images, labels, from, Math.min(pass, batch - from), patch, weights, weightSum, organPasses, true);
                    if (beforeBackward != null) {
                        beforeBackward.run();
                    }
                    gc.backward(l);
                    loss += l.getFloat();
                }
            }
        }
        return loss;
    }

    private int passSize(int batch) {
        return microBatch == 0 ? batch : Math.min(microBatch, batch);
    }

    /** The passes of a batch whose patches hold at least one organ (non-background) voxel: the Dice term's divisor. */
    private static int organPasses(byte[] labels, int batch, int pass, int[] patch) {
        int voxels = patch[0] * patch[1] * patch[2];
        int n = 0;
        for (int from = 0; from < batch; from += pass) {
            if (hasOrgan(labels, from * voxels, Math.min(batch, from + pass) * voxels)) {
                n++;
            }
        }
        return n;
    }

    private static boolean hasOrgan(byte[] labels, int start, int end) {
        for (int v = start; v < end; v++) {
            if (labels[v] != 0) {
                return true;
            }
        }
        return false;
    }

    private static double weightSum(byte[] labels, float[] weights) {
        double sum = 0;
        for (byte b : labels) {
            sum += weights[b & 0xFF];
        }
        if (sum <= 0) {
            throw new InvalidInputException("the class weights of a batch sum to 0: every voxel is of a class weighted 0");
        }
        return sum;
    }

    /** Logits ({@code numClasses} × patch, C order) of one patch in inference mode. */
    public float[] logits(float[] image, int[] patch) {
        try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(image, new Shape(1, 1, patch[0], patch[1], patch[2]));
            NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            return out.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /**
     * Σ w·nll over patches [from, from + batch) of the arrays, divided by {@code weightSum} (the whole batch's Σ w), plus
     * this pass's share of the Dice term: W × (1 − mean soft Dice) / {@code organPasses} when the pass holds an organ.
     */
    private NDArray loss(NDManager m, float[] images, byte[] labels, int from, int batch, int[] patch, float[] weights,
                         double weightSum, int organPasses, boolean training) {
        Shape shape = new Shape(batch, 1, patch[0], patch[1], patch[2]);
        int voxels = patch[0] * patch[1] * patch[2];
        int start = from * voxels;
        int end = start + batch * voxels;
        NDArray x = m.create(start == 0 && end == images.length ? images : java.util.Arrays.copyOfRange(images, start, end), shape);
        NDArray out = block.forward(new ParameterStore(m, training), new NDList(x), training).singletonOrThrow();
        Shape expected = new Shape(batch, numClasses, patch[0], patch[1], patch[2]);
        if (!out.getShape().equals(expected)) {
            throw new RtsiteException("network " + file + " returned shape " + out.getShape() + " for a batch of "
                    + shape + ", expected " + expected);
        }
        long[] target = new long[end - start];
        float[] voxelWeights = new float[end - start];
        for (int v = 0; v < target.length; v++) {
            int c = labels[start + v] & 0xFF;
            target[v] = c;
            // the batch's 1/Σw is folded in here rather than applied with div(Number): see constant()
            voxelWeights[v] = (float) (weights[c] / weightSum);
        }
        NDArray y = m.create(target, shape);
        NDArray w = m.create(voxelWeights, shape);
        NDArray picked = out.logSoftmax(1).gather(y, 1);
        NDArray ce = picked.mul(w).sum().neg();
        if (diceWeight == 0 || !hasOrgan(labels, start, end)) {
            return ce;
        }
        return ce.add(diceLoss(m, out, labels, start, batch, voxels).mul(constant(m, (float) (diceWeight / organPasses))));
    }

    /**
     * A scalar for the loss's arithmetic, owned by the pass's manager {@code m} until the pass's backward is done. Not DJL's
     * {@code mul(Number)}/{@code div(Number)}: they wrap the number in a tensor over a 4-byte Java direct buffer (PyTorch's
     * {@code from_blob}, no copy) and close it as soon as the forward operation returns, while autograd keeps that tensor for
     * the backward pass (the gradient of x·s is s). When a garbage collection frees the buffer in between, the backward
     * reads whatever was allocated there since: gradients of 1e18-3e38 or infinite at a finite loss, in ~2 % of passes with
     * the Dice term's three scalars and rarely with cross-entropy's one (docs/finetune.md, "Huge gradients").
     */
    private static NDArray constant(NDManager m, float value) {
        return m.create(value);
    }

    /**
     * 1 − the mean soft Dice over the organ classes present in the pass ({@code train_phantom_network.py}'s
     * {@code dice_loss}): per class c, {@code (2 Σ p_c·t_c + 1) / (Σ p_c + Σ t_c + 1)} summed over the pass's patches and
     * voxels, p the softmax, t the one-hot reference.
     */
    private NDArray diceLoss(NDManager m, NDArray logits, byte[] labels, int start, int batch, int voxels) {
        float[] onehot = new float[batch * numClasses * voxels];
        float[] truth = new float[numClasses];
        for (int i = 0; i < batch; i++) {
            for (int v = 0; v < voxels; v++) {
                int c = labels[start + i * voxels + v] & 0xFF;
                onehot[(i * numClasses + c) * voxels + v] = 1;
                truth[c]++;
            }
        }
        int n = 0;
        for (int c = 1; c < numClasses; c++) {
            if (truth[c] > 0) {
                n++;
            }
        }
        // 1/n (the mean over present classes) folded into the mask; every scalar a manager-owned tensor (constant())
        float[] presentOverN = new float[numClasses];
        float[] truthPlusOne = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            presentOverN[c] = c > 0 && truth[c] > 0 ? 1f / n : 0f;
            truthPlusOne[c] = truth[c] + 1;
        }
        int[] axes = {0, 2, 3, 4};
        NDArray p = logits.softmax(1);
        NDArray t = m.create(onehot, logits.getShape());
        NDArray inter = p.mul(t).sum(axes);
        NDArray denom = p.sum(axes).add(m.create(truthPlusOne));
        NDArray dice = inter.mul(constant(m, 2f)).add(constant(m, 1f)).div(denom);
        return constant(m, 1f).sub(dice.mul(m.create(presentOverN)).sum());
    }

    /** Writes the module as TorchScript (what a model package holds), atomically. */
    public void save(Path target) {
        writeAtomically(target, os -> JniUtils.writeModule(block, os, false));
    }

    /** Writes Adam's moments and step count, atomically. */
    public void saveOptimizer(Path target) {
        writeAtomically(target, os -> {
            DataOutputStream out = new DataOutputStream(os);
            out.writeInt(OPTIMIZER_MAGIC);
            out.writeLong(adamSteps);
            out.writeInt(parameters.size());
            for (int i = 0; i < parameters.size(); i++) {
                out.writeUTF(parameters.get(i).getName());
                for (NDArray a : new NDArray[] {means[i], variances[i]}) {
                    float[] v = a.toFloatArray();
                    out.writeInt(v.length);
                    for (float f : v) {
                        out.writeFloat(f);
                    }
                }
            }
            out.flush();
        });
    }

    /** Restores what {@link #saveOptimizer} wrote, for the same network. */
    public void loadOptimizer(Path source) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(source)))) {
            if (in.readInt() != OPTIMIZER_MAGIC) {
                throw new InvalidInputException("optimizer state " + source + " is not an rtsite Adam checkpoint");
            }
            long steps = in.readLong();
            int n = in.readInt();
            if (n != parameters.size()) {
                throw new InvalidInputException("optimizer state " + source + " has " + n + " parameters, network " + file
                        + " has " + parameters.size());
            }
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                if (!name.equals(parameters.get(i).getName())) {
                    throw new InvalidInputException("optimizer state " + source + ": parameter " + i + " is '" + name
                            + "', the network's is '" + parameters.get(i).getName() + "'");
                }
                NDArray[] targets = {means[i], variances[i]};
                for (int k = 0; k < 2; k++) {
                    int len = in.readInt();
                    if (len != targets[k].size()) {
                        throw new InvalidInputException("optimizer state " + source + ": parameter '" + name + "' has "
                                + len + " values, the network's " + targets[k].size());
                    }
                    float[] v = new float[len];
                    for (int j = 0; j < len; j++) {
                        v[j] = in.readFloat();
                    }
                    targets[k].set(v);
                }
            }
            adamSteps = steps;
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read optimizer state " + source, e);
        }
    }

    private interface Writer {
        void write(OutputStream os) throws IOException;
    }

    private static void writeAtomically(Path target, Writer writer) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(os);
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + target, e);
        }
    }

    /** Frees the network; the last one open that switched oneDNN off gives PyTorch back its setting. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        releaseOneDnn();
    }

    private void releaseOneDnn() {
        if (holdsOneDnnOff) {
            OneDnnSwitch.release();
        }
    }
}
