package org.rtsite.spark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.pipeline.store.PlanRecord;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The result tables, column for column those of the SQLite store ({@code ResultStore}): {@code plan_result}
 * (one row per plan, OK or FAILED with the reason), {@code plan_label} (ranked labels) and
 * {@code plan_organ} (per-organ metrics). A classified plan first becomes one nested row holding all
 * three, so that classification runs once and the three tables are cut from it.
 */
final class ResultRows {

    static final StructType PLAN_RESULT = new StructType()
            .add("plan_file", DataTypes.StringType, false)
            .add("plan_uid", DataTypes.StringType)
            .add("patient_id", DataTypes.StringType)
            .add("status", DataTypes.StringType, false)
            .add("mask_source", DataTypes.StringType)
            .add("primary_region", DataTypes.StringType)
            .add("labels", DataTypes.StringType)
            .add("rule", DataTypes.StringType)
            .add("dmax_gy", DataTypes.DoubleType)
            .add("dose_grid_dmax_gy", DataTypes.DoubleType)
            .add("v85_cc", DataTypes.DoubleType)
            .add("v50_cc", DataTypes.DoubleType)
            .add("com85_x", DataTypes.DoubleType)
            .add("com85_y", DataTypes.DoubleType)
            .add("com85_z", DataTypes.DoubleType)
            .add("organs", DataTypes.IntegerType)
            .add("unmatched", DataTypes.StringType)
            .add("error", DataTypes.StringType)
            .add("load_ms", DataTypes.DoubleType)
            .add("masks_ms", DataTypes.DoubleType)
            .add("classify_ms", DataTypes.DoubleType)
            .add("finished", DataTypes.StringType)
            .add("result_json", DataTypes.StringType)
            .add("missing_plan", DataTypes.StringType)
            .add("linkage", DataTypes.StringType);

    static final StructType PLAN_LABEL = new StructType()
            .add("plan_file", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("region", DataTypes.StringType, false);

    static final StructType PLAN_ORGAN = new StructType()
            .add("plan_file", DataTypes.StringType, false)
            .add("name", DataTypes.StringType, false)
            .add("source", DataTypes.StringType)
            .add("canonical", DataTypes.StringType)
            .add("region", DataTypes.StringType)
            .add("role", DataTypes.StringType)
            .add("voxels", DataTypes.LongType)
            .add("v85_voxels", DataTypes.LongType)
            .add("v50_voxels", DataTypes.LongType)
            .add("score85", DataTypes.DoubleType)
            .add("score50", DataTypes.DoubleType)
            .add("dice85", DataTypes.DoubleType)
            .add("dice50", DataTypes.DoubleType);

    /** plan_result's columns, then the plan's label and organ rows. */
    static final StructType NESTED = withNested();

    private static StructType withNested() {
        StructType s = PLAN_RESULT;
        s = s.add("label_rows", new ArrayType(PLAN_LABEL, false), false);
        return s.add("organ_rows", new ArrayType(PLAN_ORGAN, false), false);
    }

    private ResultRows() {
    }

    /** The nested row of one plan's record, as {@code ResultStore.write} would store it. */
    static Row nested(PlanRecord r, String resultJson) {
        SiteResult s = r.result();
        List<Object> v = new ArrayList<>();
        v.add(r.planFile());
        v.add(r.planUid());
        v.add(r.patientId());
        v.add(r.ok() ? "OK" : "FAILED");
        v.add(r.maskSource());
        v.add(s == null || s.labels().isEmpty() ? null : s.labels().get(0).label());
        v.add(s == null ? null : String.join("|", s.labelNames()));
        v.add(s == null ? null : s.rule().name());
        v.add(s == null ? null : real(s.dmaxGy()));
        v.add(s == null ? null : real(s.doseGridDmaxGy()));
        v.add(s == null ? null : real(s.v85Cc()));
        v.add(s == null ? null : real(s.v50Cc()));
        v.add(s == null || s.com85() == null ? null : real(s.com85().x()));
        v.add(s == null || s.com85() == null ? null : real(s.com85().y()));
        v.add(s == null || s.com85() == null ? null : real(s.com85().z()));
        v.add(s == null ? null : s.organs().size());
        v.add(r.unmatched().isEmpty() ? null : String.join("|", r.unmatched()));
        v.add(r.error());
        v.add(real(r.loadMs()));
        v.add(real(r.masksMs()));
        v.add(real(r.classifyMs()));
        v.add(Instant.now().toString());
        v.add(resultJson);
        v.add(r.missingPlan());
        v.add(r.linkage());
        List<Row> labels = new ArrayList<>();
        List<Row> organs = new ArrayList<>();
        if (s != null) {
            int rank = 1;
            for (Region g : s.labels()) {
                labels.add(RowFactory.create(r.planFile(), rank++, g.label()));
            }
            for (OrganMetrics o : s.organs()) {
                organs.add(RowFactory.create(r.planFile(), o.name(), o.source(), o.canonical(),
                        o.region() == null ? null : o.region().label(), o.role().name(), o.voxels(), o.v85Voxels(),
                        o.v50Voxels(), real(o.score85()), real(o.score50()), real(o.dice85()), real(o.dice50())));
            }
        }
        v.add(CollectionConverters.asScala(labels).toSeq());
        v.add(CollectionConverters.asScala(organs).toSeq());
        return RowFactory.create(v.toArray());
    }

    /** NaN is stored as NULL, as the SQLite store does. */
    private static Double real(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
