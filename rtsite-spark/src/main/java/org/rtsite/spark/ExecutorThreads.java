package org.rtsite.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.rtsite.core.InvalidInputException;

/**
 * How many threads classify plans in one executor JVM: the executor's cores, the same number Spark
 * fills with tasks ({@code spark.executor.cores / spark.task.cpus} tasks at a time, each classifying one
 * plan). All tasks of the JVM run their plans on one pool of that many threads, and the CT reader's
 * slice decoding (a parallel stream, which runs in the pool of the thread that starts it) uses the same
 * threads: plans and slices together never use more threads than the executor has cores, and cores that
 * no task holds (the last plans of a stage, {@code spark.task.cpus} above 1) decode slices.
 *
 * <p>Without this, a plan classified on Spark's task thread decodes its slices in the JVM's common pool
 * (processors − 1 threads) beside it, so {@code local[1]} was not one core and {@code local[2]} could run
 * more threads than cores (little on uncompressed CTs, whose decoding is a small part of a plan's work:
 * docs/PERFORMANCE.md, "Spark on clinical-size plans").
 */
final class ExecutorThreads {
    /** Overrides the choice: threads per executor JVM. */
    static final String CONF = "spark.rtsite.executor.threads";
    /** Overrides the segmenter's threads per plan (default {@code spark.task.cpus}). */
    static final String SEGMENTER_CONF = "spark.rtsite.segmenter.threads";
    /** The executor's processor count, decided on the executor (standalone executors take a worker's cores). */
    static final int EXECUTOR_PROCESSORS = 0;

    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*]");

    private ExecutorThreads() {
    }

    /**
     * Threads per executor JVM for a session's configuration, decided on the driver: {@value #CONF} when
     * set; in local mode the N of {@code local[N]} ({@code local[*]}: the driver's processors; {@code local}: 1);
     * else {@code spark.executor.cores} when set; else, on a standalone master (whose executors take every
     * core of their worker), {@link #EXECUTOR_PROCESSORS}; else 1 (YARN's and Kubernetes' default executor).
     *
     * @throws InvalidInputException when {@value #CONF} is not a positive number
     */
    static int perExecutor(SparkConf conf, int driverProcessors) {
        if (conf.contains(CONF)) {
            return positive(conf, CONF);
        }
        String master = conf.get("spark.master", "local[*]").trim();
        if (master.equals("local")) {
            return 1;
        }
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) {
            return m.group(1).equals("*") ? driverProcessors : Math.max(1, Integer.parseInt(m.group(1)));
        }
        Matcher c = LOCAL_CLUSTER.matcher(master);
        if (c.matches()) {
            return Math.max(1, Integer.parseInt(c.group(1)));
        }
        if (conf.contains("spark.executor.cores")) {
            return Math.max(1, conf.getInt("spark.executor.cores", 1));
        }
        return master.startsWith("spark://") ? EXECUTOR_PROCESSORS : 1;
    }

    /**
     * Threads the segmenter's engine (PyTorch, ONNX Runtime) may use inside one plan's inference: the cores of
     * one task slot, {@code spark.task.cpus} (Spark's default 1), or {@value #SEGMENTER_CONF} when set. Left to
     * the engine, each of an executor's concurrent tasks would start a pool of every physical core (N slots ×
     * all cores busy threads, spinning OpenMP threads among them), which undoes the scaling over slots.
     *
     * @throws InvalidInputException when either setting is not a positive number
     */
    static int segmenterPerTask(SparkConf conf) {
        if (conf.contains(SEGMENTER_CONF)) {
            return positive(conf, SEGMENTER_CONF);
        }
        return conf.contains("spark.task.cpus") ? positive(conf, "spark.task.cpus") : 1;
    }

    private static int positive(SparkConf conf, String key) {
        String v = conf.get(key).trim();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + " must be a positive number of threads, got '" + v + "'");
        }
        if (n < 1) {
            throw new InvalidInputException(key + " must be a positive number of threads, got " + n);
        }
        return n;
    }

    /** The pool size on the executor for a driver's choice ({@link #EXECUTOR_PROCESSORS}: this JVM's processors). */
    static int resolve(int perExecutor) {
        return perExecutor == EXECUTOR_PROCESSORS ? Runtime.getRuntime().availableProcessors() : perExecutor;
    }
}
