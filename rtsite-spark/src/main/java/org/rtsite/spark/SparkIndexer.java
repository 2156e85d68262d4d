package org.rtsite.spark;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.rtsite.archive.HeaderReader;

/** Stage 1: list the roots, read every file's header on the executors, write the index as Parquet. */
final class SparkIndexer {

    private SparkIndexer() {
    }

    /**
     * @param partitions header-reading tasks (files are spread evenly over them after the listing)
     * @return files indexed
     */
    static long index(SparkSession spark, List<Path> roots, String indexUri, int partitions) {
        List<ArchiveListing.Unit> units = ArchiveListing.firstLevel(roots);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<ArchiveListing.Listed> listed = jsc.parallelize(units, Math.max(1, Math.min(units.size(), partitions)))
                .flatMap(u -> ArchiveListing.walk(u).iterator());
        // the walk's pieces differ in size (one folder per patient, or one for the whole archive): spread the files
        JavaRDD<Row> rows = listed.repartition(partitions).map(l -> IndexRows.toRow(l.failure() != null
                ? HeaderReader.unreadable(l.path(), l.failure())
                : HeaderReader.read(Path.of(l.path()), l.size(), l.mtime())));
        spark.createDataFrame(rows, IndexRows.SCHEMA).write().mode(SaveMode.Overwrite).parquet(indexUri);
        return spark.read().parquet(indexUri).count();
    }
}
