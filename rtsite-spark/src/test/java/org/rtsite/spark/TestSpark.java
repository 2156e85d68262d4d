package org.rtsite.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The test JVM's one Spark session, local[2] as on CI's two cores: starting Spark costs seconds, so the
 * tests and the command lines they run ({@code rtsite spark classify} uses a session that already runs)
 * share it. Stopped when the JVM exits.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("rtsite-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName()) // as the command line sets it
                    .getOrCreate();
        }
        return session;
    }
}
