package org.rtsite.spark;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.rtsite.archive.FileStatus;
import org.rtsite.archive.IndexedFile;
import org.rtsite.archive.RefKind;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Parquet index: one row per file with the SQLite index's {@code files} columns, the references
 * as a map from kind to UIDs in file order. Reading a row back gives the {@link IndexedFile} the
 * SQLite index gives (empty texts as null, as {@code IndexDatabase} reads them), so both link alike.
 */
final class IndexRows {

    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("mtime", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType)
            .add("has_meta", DataTypes.BooleanType, false)
            .add("sop_class", DataTypes.StringType)
            .add("sop_instance", DataTypes.StringType)
            .add("modality", DataTypes.StringType)
            .add("patient_id", DataTypes.StringType)
            .add("study_uid", DataTypes.StringType)
            .add("series_uid", DataTypes.StringType)
            .add("frame_of_reference", DataTypes.StringType)
            .add("instance_number", DataTypes.IntegerType)
            .add("slice_position", DataTypes.DoubleType)
            .add("dose_summation_type", DataTypes.StringType)
            .add("dose_grid", DataTypes.StringType)
            .add("fractions", DataTypes.IntegerType)
            .add("content_key", DataTypes.StringType)
            .add("refs", DataTypes.createMapType(DataTypes.StringType,
                    DataTypes.createArrayType(DataTypes.StringType, false), false));

    private IndexRows() {
    }

    static Row toRow(IndexedFile f) {
        // Spark's row encoder takes Scala collections for map and array columns
        Map<String, scala.collection.immutable.Seq<String>> refs = new java.util.TreeMap<>();
        f.refs().forEach((k, v) -> refs.put(k.name(), CollectionConverters.asScala(v).toSeq()));
        return RowFactory.create(f.path(), f.size(), f.mtime(), f.status().name(), f.reason(), f.hasMeta(),
                f.sopClass(), f.sopInstance(), f.modality(), f.patientId(), f.studyUid(), f.seriesUid(),
                f.frameOfReference(), f.instanceNumber(), f.slicePosition(), f.doseSummationType(), f.doseGrid(),
                f.fractions(), f.contentKey(), CollectionConverters.asScala(refs));
    }

    static IndexedFile fromRow(Row r) {
        Map<RefKind, List<String>> refs = new EnumMap<>(RefKind.class);
        scala.collection.Map<String, scala.collection.Seq<String>> m = r.getMap(r.fieldIndex("refs"));
        if (m != null) {
            CollectionConverters.asJava(m).forEach((k, v) ->
                    refs.put(RefKind.valueOf(k), new ArrayList<>(CollectionConverters.asJava(v))));
        }
        return new IndexedFile(r.getString(0), r.getLong(1), r.getLong(2), FileStatus.valueOf(r.getString(3)),
                r.getString(4), r.getBoolean(5), text(r, 6), text(r, 7), text(r, 8), text(r, 9), text(r, 10),
                text(r, 11), text(r, 12), r.isNullAt(13) ? null : r.getInt(13), r.isNullAt(14) ? null : r.getDouble(14),
                text(r, 15), text(r, 16), r.isNullAt(17) ? null : r.getInt(17), text(r, 18), refs);
    }

    /** The SQLite index stores absent texts as empty and reads them back as null; so does this. */
    private static String text(Row r, int i) {
        String s = r.getString(i);
        return s == null || s.isEmpty() ? null : s;
    }
}
