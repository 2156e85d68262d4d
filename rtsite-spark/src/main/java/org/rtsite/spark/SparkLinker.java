package org.rtsite.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.rtsite.archive.FileStatus;
import org.rtsite.archive.IndexedFile;
import org.rtsite.archive.Linkage;
import org.rtsite.archive.LinkageReport;
import org.rtsite.archive.Orphan;
import org.rtsite.archive.PlanBundle;
import scala.Tuple2;

/**
 * Stage 2: rtsite's own linkage ({@link Linkage}) run per group on the executors. Files are grouped by
 * {@link Linkage#groupKey}; groups that meet through a UID are joined first (the UIDs are grouped on
 * the executors, only the joins travel to the driver); each group is linked with the unreadable files
 * beside its plans as context. The bundles are written as Parquet ({@code plans/}, one row per plan or
 * dose without plan, the bundle as JSON), the orphans as {@code orphans/}; only counts reach the driver.
 */
final class SparkLinker {

    static final StructType PLANS = new StructType()
            .add("plan_file", DataTypes.StringType, false)
            .add("patient_id", DataTypes.StringType)
            .add("status", DataTypes.StringType, false)
            .add("planless", DataTypes.BooleanType, false)
            .add("bundle_json", DataTypes.StringType, false)
            // bytes of the bundle's files as indexed: what stage 3 balances its tasks by (PlanBalance)
            .add("input_bytes", DataTypes.LongType, false);

    static final StructType ORPHANS = new StructType()
            .add("path", DataTypes.StringType)
            .add("modality", DataTypes.StringType)
            .add("uid", DataTypes.StringType)
            .add("files", DataTypes.IntegerType, false)
            .add("reason", DataTypes.StringType);

    private SparkLinker() {
    }

    /** Links the index and returns the whole archive's counts. */
    static LinkageReport.Summary link(SparkSession spark, Layout layout, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<IndexedFile> files = spark.read().parquet(layout.uri(Layout.INDEX)).javaRDD().map(IndexRows::fromRow);

        // groups that meet through a UID carried by some file and carried or referenced by files of several groups
        JavaPairRDD<String, Tuple2<String, Boolean>> byUid = files.flatMapToPair(f -> {
            List<Tuple2<String, Tuple2<String, Boolean>>> out = new ArrayList<>();
            String key = Linkage.groupKey(f);
            Linkage.carriedUids(f).forEach(u -> out.add(new Tuple2<>(u, new Tuple2<>(key, true))));
            Linkage.referencedUids(f).forEach(u -> out.add(new Tuple2<>(u, new Tuple2<>(key, false))));
            return out.iterator();
        });
        List<List<String>> joins = byUid.groupByKey(partitions).flatMap(e -> {
            Set<String> keys = new HashSet<>();
            boolean carried = false;
            for (Tuple2<String, Boolean> k : e._2()) {
                keys.add(k._1());
                carried |= k._2();
            }
            return carried && keys.size() > 1 ? List.of(List.copyOf(keys)).iterator()
                    : java.util.Collections.<List<String>>emptyIterator();
        }).distinct().collect();
        Linkage.Groups groups = new Linkage.Groups();
        joins.forEach(groups::join);
        Broadcast<Linkage.Groups> groupsB = jsc.broadcast(groups);

        // unreadable files are context for the plans and doses beside them, whatever their group
        Map<String, List<IndexedFile>> beside = new HashMap<>();
        files.filter(Linkage::isContext).collect()
                .forEach(f -> beside.computeIfAbsent(Linkage.besideKey(f), k -> new ArrayList<>()).add(f));
        Broadcast<Map<String, List<IndexedFile>>> besideB = jsc.broadcast(beside);

        JavaRDD<Linked> linked = files.keyBy(f -> groupsB.value().keyOf(f)).groupByKey(partitions)
                .map(g -> {
                    List<IndexedFile> group = new ArrayList<>();
                    g._2().forEach(group::add);
                    LinkageReport r = Linkage.link(group, context(group, besideB.value()));
                    Map<String, Long> size = new HashMap<>();
                    group.forEach(f -> size.put(f.path(), f.size()));
                    List<Row> rows = new ArrayList<>();
                    r.plans().forEach(b -> rows.add(planRow(b, size)));
                    r.planlessDoses().forEach(b -> rows.add(planRow(b, size)));
                    return new Linked(r, rows);
                });
        linked = linked.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        JavaRDD<LinkageReport> reports = linked.map(Linked::report);
        try {
            JavaRDD<Row> plans = linked.flatMap(l -> l.planRows().iterator());
            spark.createDataFrame(plans, PLANS).write().mode(SaveMode.Overwrite).parquet(layout.uri(Layout.PLANS));
            JavaRDD<Row> orphans = reports.flatMap(r -> r.orphans().stream().map(SparkLinker::orphanRow).iterator());
            spark.createDataFrame(orphans, ORPHANS).write().mode(SaveMode.Overwrite).parquet(layout.uri(Layout.ORPHANS));
            // counts only: the bundles and orphans stay in the tables, not on the driver
            Linkage.Merger counts = new Linkage.Merger(false);
            reports.map(r -> new LinkageReport(r.summary(), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of())).collect().forEach(counts::add);
            return counts.summary();
        } finally {
            linked.unpersist(false);
        }
    }

    /** One group's linkage and its rows of {@code plans/}. */
    private record Linked(LinkageReport report, List<Row> planRows) implements java.io.Serializable {
    }

    /** The unreadable files with the beside key of one of the group's DICOM files. */
    private static List<IndexedFile> context(List<IndexedFile> group, Map<String, List<IndexedFile>> beside) {
        if (beside.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new HashSet<>();
        List<IndexedFile> out = new ArrayList<>();
        for (IndexedFile f : group) {
            if (f.status() == FileStatus.DICOM && keys.add(Linkage.besideKey(f))) {
                out.addAll(beside.getOrDefault(Linkage.besideKey(f), List.of()));
            }
        }
        return out;
    }

    private static Row planRow(PlanBundle b, Map<String, Long> size) {
        List<String> read = new ArrayList<>(b.ctFiles());
        if (b.dose() != null) {
            read.addAll(b.dose().files());
        }
        read.add(b.planFile());
        read.add(b.structureSetFile());
        long bytes = 0;
        for (String f : new HashSet<>(read)) {
            bytes += f == null ? 0 : size.getOrDefault(f, 0L);
        }
        return RowFactory.create(b.planFile(), b.patientId(), b.status().name(), b.planless(), BundleCodec.write(b),
                bytes);
    }

    private static Row orphanRow(Orphan o) {
        return RowFactory.create(o.path(), o.modality(), o.uid(), o.files(), o.reason());
    }
}
