package org.rtsite.eval.seg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.rtsite.eval.seg.SegmentationMetrics.Metric;

/**
 * Mean ± SD (sample SD, n − 1) of one metric of one structure over a cohort. Undefined (NaN)
 * values, e.g. 95HD of an empty mask, are left out and counted in {@code undefined}.
 */
public record StructureSummary(String structure, Metric metric, int n, int undefined, double mean, double sd) {

    /** Summaries of every structure and metric, structures in name order. */
    public static List<StructureSummary> summarize(List<SegmentationMetrics> rows) {
        Map<String, List<SegmentationMetrics>> byStructure = new TreeMap<>();
        for (SegmentationMetrics r : rows) {
            byStructure.computeIfAbsent(r.structure(), s -> new ArrayList<>()).add(r);
        }
        List<StructureSummary> out = new ArrayList<>();
        for (Map.Entry<String, List<SegmentationMetrics>> e : byStructure.entrySet()) {
            for (Metric m : Metric.values()) {
                double[] values = e.getValue().stream().mapToDouble(r -> r.metric(m)).filter(Double::isFinite).toArray();
                int undefined = e.getValue().size() - values.length;
                double mean = values.length == 0 ? Double.NaN : Mean.of(values).getAsDouble();
                double sd = values.length < 2 ? Double.NaN : StandardDeviation.of(values).getAsDouble();
                out.add(new StructureSummary(e.getKey(), m, values.length, undefined, mean, sd));
            }
        }
        return out;
    }
}
