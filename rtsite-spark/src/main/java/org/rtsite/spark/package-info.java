/**
 * The archive pipeline on Apache Spark: index (headers read on the executors, Parquet), link (per
 * patient group with rtsite's own linkage rules), classify (one classifier per executor JVM), with
 * results as Parquet tables shaped like the SQLite store's. Entry point: {@link org.rtsite.spark.SparkArchivePipeline};
 * the command line is {@link org.rtsite.spark.SparkCli} ({@code rtsite spark classify}). See docs/spark.md.
 */
package org.rtsite.spark;
