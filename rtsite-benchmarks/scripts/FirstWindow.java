import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two threads, one predictor each, start their windows together on a freshly loaded TorchScript network
 * (docs/PERFORMANCE.md, "Spark, ninth round"): DJL runs the model's first forward pass under the model's lock, so
 * with nothing done first one thread's first window also waits for the other's. WARMUP is none, small (a pass on
 * the largest power of two dividing each patch axis, as rtsite's Network does at load) or full (one patch).
 * Uses DJL's own API, not rtsite's, so that none of the three depends on what Network does:
 *   java -cp 'rtsite-examples/target/lib/*' rtsite-benchmarks/scripts/FirstWindow.java \
 *     models/phantom-total-pt/model.pt none|small|full [112 96 64]
 */
public class FirstWindow {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String warmUp = args[1];
        int[] patch = args.length >= 5
                ? new int[] {Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4])}
                : new int[] {112, 96, 64};
        Shape window = new Shape(1, 1, patch[0], patch[1], patch[2]);
        Criteria<float[], float[]> criteria = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(file).optEngine("PyTorch").optTranslator(new NoBatchifyTranslator<float[], float[]>() {
                    @Override
                    public NDList processInput(TranslatorContext ctx, float[] in) {
                        return new NDList(ctx.getNDManager().create(in, window));
                    }

                    @Override
                    public float[] processOutput(TranslatorContext ctx, NDList out) {
                        return out.get(0).toFloatArray();
                    }
                }).build();
        float[] input = new float[patch[0] * patch[1] * patch[2]];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        try (ZooModel<float[], float[]> model = criteria.loadModel()) {
            long t0 = System.nanoTime();
            if (!warmUp.equals("none")) {
                Shape shape = warmUp.equals("small")
                        ? new Shape(1, 1, patch[0] & -patch[0], patch[1] & -patch[1], patch[2] & -patch[2]) : window;
                try (NDManager m = model.getNDManager().newSubManager()) {
                    model.getBlock().forward(new ParameterStore(m, false), new NDList(m.zeros(shape)), false);
                }
            }
            long t1 = System.nanoTime();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<String>> calls = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                calls.add(threads.submit(() -> {
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
                    StringBuilder ms = new StringBuilder();
                    try (Predictor<float[], float[]> p = model.newPredictor()) {
                        for (int k = 0; k < 5; k++) {
                            long s = System.nanoTime();
                            p.predict(input);
                            ms.append(String.format(" %.0f", (System.nanoTime() - s) / 1e6));
                        }
                    }
                    return ms.toString();
                }));
            }
            for (Future<String> c : calls) {
                System.out.println("  a thread's windows, ms:" + c.get());
            }
            long t2 = System.nanoTime();
            System.out.printf("%s: warm-up %.0f ms, two threads x 5 windows %.0f ms%n", warmUp, (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6);
            threads.shutdown();
        }
    }
}
