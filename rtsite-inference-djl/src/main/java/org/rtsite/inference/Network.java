package org.rtsite.inference;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exported network loaded on the DJL engine its file implies. The model is shared; DJL predictors are not
 * thread-safe, so each worker thread takes its own from {@link #newPredictor}. A window's input and output
 * arrays live in the predictor's per-call NDManager, which DJL closes (try-with-resources in its
 * predictor) when the call returns: nothing native outlives a window.
 *
 * <p>Intra-op threads: by default each engine spreads one window's operators over every physical core, and
 * several callers at once (workers of {@code rtsite classify -j N}, Spark task slots) each start such a pool,
 * so N callers run N × cores busy threads. A positive {@code intraOpThreads} bounds each window to that many:
 * ONNX Runtime takes it as the session's {@code intraOpNumThreads}; PyTorch keeps the count per calling
 * thread (OpenMP), so it is set on each thread before its windows run.
 */
public final class Network implements AutoCloseable {
    /** The engine's own intra-op thread count (every physical core, for PyTorch and ONNX Runtime). */
    public static final int ENGINE_DEFAULT = 0;

    private static final Logger LOG = LoggerFactory.getLogger(Network.class);

    private final Path file;
    private final String engine;
    private final int numClasses;
    private final ZooModel<float[], float[]> model;
    private final int[] patch;
    private final int intraOpThreads;
    private final boolean pytorch;
    private final LongAdder forwardNanos = new LongAdder();

    /** Loads {@code file} on {@code engine} for windows of {@code patch} voxels producing {@code numClasses} channels. */
    public Network(Path file, String engine, int[] patch, int numClasses) {
        this(file, engine, patch, numClasses, ENGINE_DEFAULT);
    }

    /**
     * As {@link #Network(Path, String, int[], int)}, each window's operators on at most {@code intraOpThreads}
     * threads ({@link #ENGINE_DEFAULT}: the engine's choice).
     *
     * @throws InvalidInputException when {@code intraOpThreads} is negative or the file does not exist
     */
    public Network(Path file, String engine, int[] patch, int numClasses, int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new InvalidInputException("intra-op thread count must be ≥ 0 (0: the engine's default), got "
                    + intraOpThreads);
        }
        this.intraOpThreads = intraOpThreads;
        this.pytorch = ModelSpec.PYTORCH.equals(engine);
        this.file = file;
        this.engine = engine;
        this.numClasses = numClasses;
        this.patch = patch.clone();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("network file " + file + " does not exist");
        }
        Criteria.Builder<float[], float[]> builder = Criteria.builder()
                .setTypes(float[].class, float[].class)
                .optModelPath(file)
                .optEngine(engine)
                .optTranslator(new WindowTranslator());
        if (intraOpThreads > 0 && !pytorch) {
            // ONNX Runtime: the session's own pool (PyTorch's count is per thread: set in predict)
            builder.optOption("intraOpNumThreads", Integer.toString(intraOpThreads));
        }
        Criteria<float[], float[]> criteria = builder.build();
        try {
            this.model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new RtsiteException("cannot load network " + file + " on engine " + engine + ": " + e.getMessage(), e);
        }
        if (pytorch) {
            warmUp();
        }
    }

    /**
     * One forward pass of a small input of zeros. DJL runs a TorchScript model's first forward pass under the
     * model's lock (it records the input and output shapes then), so where several threads start at once
     * (workers of {@code rtsite classify -j N}, Spark task slots) all but one waited for that first window, the
     * dearest of all (≈ 1 s of the phantom network on one core against ≈ 0.4 s later): one core idle for most of
     * a second at the start of every parallel run (docs/PERFORMANCE.md, "Spark, ninth round"). Here that turn
     * costs ≈ 0.1–0.15 s, and each thread's own first window then runs beside the others'. The input is, per
     * axis, the largest power of two dividing the patch: nnU-Net's pooling strides multiply to a power of two
     * that divides the patch, so a network that takes the patch takes it. A network that does not is left as
     * it was (its first window takes the lock).
     */
    private void warmUp() {
        Shape small = new Shape(1, 1, patch[0] & -patch[0], patch[1] & -patch[1], patch[2] & -patch[2]);
        try (NDManager manager = model.getNDManager().newSubManager()) {
            model.getBlock().forward(new ParameterStore(manager, false), new NDList(manager.zeros(small)), false);
        } catch (RuntimeException e) {
            LOG.debug("network {}: no warm-up pass on a {} input ({}); its first window takes DJL's lock", file,
                    small, e.toString());
        }
    }

    public Path file() {
        return file;
    }

    public String engine() {
        return engine;
    }

    public int[] patch() {
        return patch.clone();
    }

    public int numClasses() {
        return numClasses;
    }

    /** Threads one window's operators may use ({@link #ENGINE_DEFAULT}: the engine's choice). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** A predictor for one worker thread: window (C order, {@code patch} voxels) → logits ({@code numClasses} × patch). */
    public Predictor<float[], float[]> newPredictor() {
        return model.newPredictor();
    }

    /** Runs one window, wrapping engine failures with the network's name. */
    float[] predict(Predictor<float[], float[]> predictor, float[] window) {
        if (pytorch && intraOpThreads > 0 && JniUtils.getNumThreads() != intraOpThreads) {
            // libtorch keeps its OpenMP count per calling thread (a thread new to libtorch takes the count last
            // set in the process, whichever network set it), so each thread is checked before its windows
            JniUtils.setNumThreads(intraOpThreads);
        }
        long start = System.nanoTime();
        try {
            return predictor.predict(window);
        } catch (TranslateException e) {
            throw new RtsiteException("network " + file + " (" + engine + ") failed on a " + Arrays.toString(patch)
                    + " window: " + e.getMessage(), e);
        } finally {
            forwardNanos.add(System.nanoTime() - start);
        }
    }

    /** The monitor DJL's first forward pass of the model takes (tests hold it to show that windows never wait for it). */
    Object firstPassLock() {
        return model.getBlock();
    }

    /** Wall time spent in this network's predictions (input copy, forward pass, output copy) since loading, all threads. */
    public long forwardNanos() {
        return forwardNanos.sum();
    }

    @Override
    public void close() {
        model.close();
    }

    private final class WindowTranslator implements NoBatchifyTranslator<float[], float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input, new Shape(1, 1, patch[0], patch[1], patch[2])));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.get(0);
            Shape expected = new Shape(1, numClasses, patch[0], patch[1], patch[2]);
            if (!out.getShape().equals(expected)) {
                throw new RtsiteException("network " + file + " returned shape " + out.getShape() + ", expected "
                        + expected + " (is deep supervision off and numClasses right?)");
            }
            return out.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }
}
