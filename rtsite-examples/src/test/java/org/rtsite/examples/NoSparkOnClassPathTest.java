package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Spark stays off the {@code rtsite} command line's class path: {@code ./rtsite spark} runs rtsite-spark's own
 * main on its own class path (docs/spark.md), so no other command starts slower or holds more memory
 * because that module exists. Guards against rtsite-spark (or Spark) becoming a dependency of this module.
 */
class NoSparkOnClassPathTest {

    @Test
    void neitherSparkNorRtsiteSparkIsOnTheClassPath() {
        ClassLoader cl = RtsiteCli.class.getClassLoader();
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.sql.SparkSession", false, cl));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.rtsite.spark.SparkCli", false, cl));
    }
}
