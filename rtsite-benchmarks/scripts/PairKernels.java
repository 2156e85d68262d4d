/**
 * How much of two cores the machine gives two independent processes (docs/PERFORMANCE.md, "Spark, ninth round"):
 * a compute loop in registers ("spin") or a pass over two 128 MB float arrays ("stream"), timed in one process.
 * Run one alone, then two at once, and compare their seconds:
 *   java rtsite-benchmarks/scripts/PairKernels.java spin 1000000000
 *   java rtsite-benchmarks/scripts/PairKernels.java stream 500
 */
public class PairKernels {
    public static void main(String[] args) {
        String kind = args[0];
        long n = Long.parseLong(args[1]);
        long t0 = System.nanoTime();
        double check;
        if (kind.equals("spin")) {
            double x = 1.0;
            for (long i = 0; i < n; i++) {
                x = x * 1.0000001 + 1e-9;
                if (x > 2) {
                    x -= 1;
                }
            }
            check = x;
        } else {
            float[] s = new float[32 << 20];
            float[] d = new float[32 << 20];
            for (int i = 0; i < s.length; i++) {
                s[i] = i;
            }
            t0 = System.nanoTime();
            double acc = 0;
            for (long r = 0; r < n; r++) {
                for (int i = 0; i < s.length; i++) {
                    d[i] = s[i] * 1.5f + d[i];
                }
                acc += d[(int) (r % d.length)];
            }
            check = acc;
        }
        // the result is printed so that the loop cannot be dropped
        System.out.printf("%s %.2f s (%s)%n", kind, (System.nanoTime() - t0) / 1e9, check > 0 ? "ok" : "?");
    }
}
