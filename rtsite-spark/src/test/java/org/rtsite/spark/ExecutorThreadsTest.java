package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

/** How many threads classify plans in one executor JVM, for each kind of master. */
class ExecutorThreadsTest {

    private static int threads(String master, String... conf) {
        SparkConf c = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < conf.length; i += 2) {
            c.set(conf[i], conf[i + 1]);
        }
        return ExecutorThreads.perExecutor(c, 8);
    }

    @Test
    void localModeUsesTheTaskSlotsOfTheMasterNotTheMachine() {
        assertEquals(1, threads("local[1]"), "local[1] is one core: no slice decoding beside the task");
        assertEquals(2, threads("local[2]"));
        assertEquals(3, threads("local[3,2]"), "local[N,F]: N slots, F retries");
        assertEquals(8, threads("local[*]"), "local[*]: the driver's processors");
        assertEquals(1, threads("local"));
        assertEquals(4, threads("local-cluster[2, 4, 1024]"), "cores per worker");
    }

    @Test
    void clustersUseTheExecutorCores() {
        assertEquals(4, threads("yarn", "spark.executor.cores", "4"));
        assertEquals(4, threads("k8s://https://api:6443", "spark.executor.cores", "4", "spark.task.cpus", "4"),
                "one task of 4 cpus: its plan has the executor's 4 threads");
        assertEquals(1, threads("yarn"), "YARN's default executor has one core");
        assertEquals(ExecutorThreads.EXECUTOR_PROCESSORS, threads("spark://head:7077"),
                "a standalone executor takes its worker's cores, known on the executor");
        assertEquals(Runtime.getRuntime().availableProcessors(),
                ExecutorThreads.resolve(ExecutorThreads.EXECUTOR_PROCESSORS));
        assertEquals(3, ExecutorThreads.resolve(3));
    }

    @Test
    void anExplicitSettingWinsAndIsChecked() {
        assertEquals(6, threads("local[2]", ExecutorThreads.CONF, "6"));
        assertEquals(2, threads("spark://head:7077", ExecutorThreads.CONF, " 2 "));
        InvalidInputException zero = assertThrows(InvalidInputException.class,
                () -> threads("local[2]", ExecutorThreads.CONF, "0"));
        assertTrue(zero.getMessage().contains(ExecutorThreads.CONF) && zero.getMessage().contains("0"), zero.getMessage());
        InvalidInputException word = assertThrows(InvalidInputException.class,
                () -> threads("local[2]", ExecutorThreads.CONF, "many"));
        assertTrue(word.getMessage().contains("'many'"), word.getMessage());
    }

    private static int segmenter(String... conf) {
        SparkConf c = new SparkConf(false).set("spark.master", "local[4]");
        for (int i = 0; i < conf.length; i += 2) {
            c.set(conf[i], conf[i + 1]);
        }
        return ExecutorThreads.segmenterPerTask(c);
    }

    @Test
    void theSegmenterOfAPlanRunsOnItsTaskSlotsCores() {
        assertEquals(1, segmenter(), "spark.task.cpus defaults to 1: one engine thread per plan, one plan per slot");
        assertEquals(2, segmenter("spark.task.cpus", "2"));
        assertEquals(4, segmenter("spark.executor.cores", "4", "spark.task.cpus", "4"), "one plan per GPU executor");
        assertEquals(3, segmenter("spark.task.cpus", "2", ExecutorThreads.SEGMENTER_CONF, "3"), "the override wins");
        InvalidInputException zero = assertThrows(InvalidInputException.class,
                () -> segmenter(ExecutorThreads.SEGMENTER_CONF, "0"));
        assertTrue(zero.getMessage().contains(ExecutorThreads.SEGMENTER_CONF) && zero.getMessage().contains("0"),
                zero.getMessage());
        InvalidInputException word = assertThrows(InvalidInputException.class, () -> segmenter("spark.task.cpus", "x"));
        assertTrue(word.getMessage().contains("spark.task.cpus") && word.getMessage().contains("'x'"), word.getMessage());
    }
}
