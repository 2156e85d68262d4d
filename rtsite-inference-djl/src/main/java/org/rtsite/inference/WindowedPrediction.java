package org.rtsite.inference;

import ai.djl.inference.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.rtsite.core.RtsiteException;

/**
 * nnU-Net v2's {@code predict_sliding_window_return_logits} around one network: pad to at least the patch
 * (centred, value 0), windows at nnU-Net's positions, optional mirroring (mean over all flip combinations),
 * Gaussian weighting, accumulation, division by the summed weights, crop back. Or, with consensus, a majority
 * vote of every window's argmax. Logits of all classes are held as float32: 4·classes bytes per voxel.
 */
final class WindowedPrediction {
    private final Network network;
    private final ModelSpec spec;
    private final ExecutorService workers;
    private final int workerCount;

    WindowedPrediction(Network network, ModelSpec spec, ExecutorService workers, int workerCount) {
        this.network = network;
        this.spec = spec;
        this.workers = workers;
        this.workerCount = workerCount;
    }

    /** Logits (class-major: {@code out[c][voxel]}) of an image of {@code dims} (C order). */
    float[][] logits(float[] image, int[] dims) {
        return run(image, dims, false);
    }

    /** Argmax labels (auxiliary labels not yet dropped) of an image of {@code dims}. */
    byte[] labels(float[] image, int[] dims) {
        float[][] scores = run(image, dims, spec.consensus());
        int n = image.length;
        byte[] out = new byte[n];
        // class-outermost so that each class's scores are read sequentially; ties keep the lower class, as argmax does
        float[] best = scores[0];
        for (int c = 1; c < scores.length; c++) {
            float[] s = scores[c];
            for (int v = 0; v < n; v++) {
                if (s[v] > best[v]) {
                    best[v] = s[v];
                    out[v] = (byte) c;
                }
            }
            scores[c] = null;
        }
        return out;
    }

    private float[][] run(float[] image, int[] dims, boolean vote) {
        int[] patch = network.patch();
        int classes = network.numClasses();
        int[] padded = new int[3];
        int[] below = new int[3];
        for (int a = 0; a < 3; a++) {
            padded[a] = Math.max(dims[a], patch[a]);
            below[a] = (padded[a] - dims[a]) / 2; // acvl_utils pad_nd_image: the odd voxel goes above
        }
        float[] data = pad(image, dims, padded, below);
        int pv = padded[0] * padded[1] * padded[2];
        float[][] acc = new float[classes][pv];
        float[] weightSum = vote ? null : new float[pv];
        float[] gaussian = spec.gaussian() ? SlidingWindow.gaussian(patch) : null;
        List<int[]> windows = SlidingWindow.windows(padded, patch, spec.tileStep());
        AtomicInteger next = new AtomicInteger();
        Object lock = new Object();
        Runnable worker = () -> {
            try (Predictor<float[], float[]> predictor = network.newPredictor()) {
                float[] window = new float[patch[0] * patch[1] * patch[2]];
                for (int w; (w = next.getAndIncrement()) < windows.size(); ) {
                    int[] at = windows.get(w);
                    extract(data, padded, at, patch, window);
                    float[] out = mirrored(predictor, window, patch, classes);
                    synchronized (lock) {
                        if (vote) {
                            addVote(acc, out, padded, at, patch, classes);
                        } else {
                            addWeighted(acc, weightSum, out, gaussian, padded, at, patch, classes);
                        }
                    }
                }
            }
        };
        runWorkers(worker, Math.min(workerCount, windows.size()));
        if (!vote) {
            for (float[] cls : acc) {
                for (int v = 0; v < pv; v++) {
                    cls[v] /= weightSum[v];
                }
            }
        }
        float[][] out = new float[classes][];
        for (int c = 0; c < classes; c++) {
            out[c] = crop(acc[c], padded, dims, below);
            acc[c] = null;
        }
        return out;
    }

    private void runWorkers(Runnable worker, int count) {
        if (count <= 1 || workers == null) {
            worker.run();
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            futures.add(workers.submit(worker));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RtsiteException("interrupted while segmenting with " + network.file(), e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new RtsiteException("segmentation with " + network.file() + " failed: " + cause, cause);
            }
        }
    }

    /** {@code _internal_maybe_mirror_and_predict}: the plain prediction plus every flip combination, flipped back, averaged. */
    private float[] mirrored(Predictor<float[], float[]> predictor, float[] window, int[] patch, int classes) {
        float[] sum = network.predict(predictor, window);
        List<Integer> axes = spec.mirrorAxes();
        if (axes.isEmpty()) {
            return sum;
        }
        int combos = 0;
        for (int mask = 1; mask < (1 << axes.size()); mask++) {
            boolean[] flip = new boolean[3];
            for (int b = 0; b < axes.size(); b++) {
                if ((mask & (1 << b)) != 0) {
                    flip[axes.get(b)] = true;
                }
            }
            float[] out = network.predict(predictor, flip(window, patch, 1, flip));
            float[] back = flip(out, patch, classes, flip);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += back[i];
            }
            combos++;
        }
        float scale = 1f / (combos + 1);
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        return sum;
    }

    static float[] flip(float[] src, int[] dims, int channels, boolean[] flip) {
        float[] out = new float[src.length];
        int n0 = dims[0], n1 = dims[1], n2 = dims[2];
        int per = n0 * n1 * n2;
        for (int c = 0; c < channels; c++) {
            int base = c * per;
            for (int a = 0; a < n0; a++) {
                int fa = flip[0] ? n0 - 1 - a : a;
                for (int b = 0; b < n1; b++) {
                    int fb = flip[1] ? n1 - 1 - b : b;
                    int so = base + (a * n1 + b) * n2;
                    int to = base + (fa * n1 + fb) * n2;
                    for (int z = 0; z < n2; z++) {
                        out[to + (flip[2] ? n2 - 1 - z : z)] = src[so + z];
                    }
                }
            }
        }
        return out;
    }

    private static void addWeighted(float[][] acc, float[] weightSum, float[] out, float[] gaussian, int[] dims,
                                    int[] at, int[] patch, int classes) {
        int per = patch[0] * patch[1] * patch[2];
        // class-outermost, rows innermost: every array is walked sequentially
        for (int c = -1; c < classes; c++) {
            float[] dstArray = c < 0 ? weightSum : acc[c];
            for (int a = 0; a < patch[0]; a++) {
                for (int b = 0; b < patch[1]; b++) {
                    int dst = ((at[0] + a) * dims[1] + at[1] + b) * dims[2] + at[2];
                    int src = (a * patch[1] + b) * patch[2];
                    if (c < 0) {
                        for (int z = 0; z < patch[2]; z++) {
                            dstArray[dst + z] += gaussian == null ? 1f : gaussian[src + z];
                        }
                    } else if (gaussian == null) {
                        int o = c * per + src;
                        for (int z = 0; z < patch[2]; z++) {
                            dstArray[dst + z] += out[o + z];
                        }
                    } else {
                        int o = c * per + src;
                        for (int z = 0; z < patch[2]; z++) {
                            dstArray[dst + z] += out[o + z] * gaussian[src + z];
                        }
                    }
                }
            }
        }
    }

    private static void addVote(float[][] acc, float[] out, int[] dims, int[] at, int[] patch, int classes) {
        int per = patch[0] * patch[1] * patch[2];
        for (int a = 0; a < patch[0]; a++) {
            for (int b = 0; b < patch[1]; b++) {
                int dst = ((at[0] + a) * dims[1] + at[1] + b) * dims[2] + at[2];
                int src = (a * patch[1] + b) * patch[2];
                for (int z = 0; z < patch[2]; z++) {
                    int best = 0;
                    float bestScore = out[src + z];
                    for (int c = 1; c < classes; c++) {
                        float s = out[c * per + src + z];
                        if (s > bestScore) {
                            bestScore = s;
                            best = c;
                        }
                    }
                    acc[best][dst + z] += 1;
                }
            }
        }
    }

    private static void extract(float[] data, int[] dims, int[] at, int[] patch, float[] window) {
        for (int a = 0; a < patch[0]; a++) {
            for (int b = 0; b < patch[1]; b++) {
                System.arraycopy(data, ((at[0] + a) * dims[1] + at[1] + b) * dims[2] + at[2],
                        window, (a * patch[1] + b) * patch[2], patch[2]);
            }
        }
    }

    private static float[] pad(float[] image, int[] dims, int[] padded, int[] below) {
        if (dims[0] == padded[0] && dims[1] == padded[1] && dims[2] == padded[2]) {
            return image;
        }
        float[] out = new float[padded[0] * padded[1] * padded[2]];
        for (int a = 0; a < dims[0]; a++) {
            for (int b = 0; b < dims[1]; b++) {
                System.arraycopy(image, (a * dims[1] + b) * dims[2],
                        out, ((a + below[0]) * padded[1] + b + below[1]) * padded[2] + below[2], dims[2]);
            }
        }
        return out;
    }

    private static float[] crop(float[] src, int[] padded, int[] dims, int[] below) {
        if (dims[0] == padded[0] && dims[1] == padded[1] && dims[2] == padded[2]) {
            return src;
        }
        float[] out = new float[dims[0] * dims[1] * dims[2]];
        for (int a = 0; a < dims[0]; a++) {
            for (int b = 0; b < dims[1]; b++) {
                System.arraycopy(src, ((a + below[0]) * padded[1] + b + below[1]) * padded[2] + below[2],
                        out, (a * dims[1] + b) * dims[2], dims[2]);
            }
        }
        return out;
    }
}
