package org.rtsite.eval.seg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;
import org.rtsite.core.InvalidInputException;
import org.rtsite.eval.seg.SegmentationMetrics.Metric;

/**
 * Two segmentation sources scored against the same reference, compared per structure and metric
 * with the two-sided Wilcoxon signed-rank test of Apache Commons Statistics (seed 002's Table 2).
 * Commons chooses the p-value: exact for fewer than 50 pairs without ties or zero differences,
 * otherwise the normal approximation with tie and continuity correction; {@code exact} records
 * which. Pairs are matched by case id; a pair with an undefined value on either side is left out.
 *
 * @param statistic the Wilcoxon W statistic as Commons reports it (NaN when fewer than 2 pairs)
 */
public record PairedComparison(String structure, Metric metric, int pairs,
                               double meanA, double sdA, double meanB, double sdB,
                               double statistic, double pValue, boolean exact) {

    /** Pairs below which no test is run. */
    public static final int MIN_PAIRS = 2;
    /** Commons uses its exact distribution below this many pairs, if no ties and no zeros occur. */
    public static final int EXACT_LIMIT = 50;

    public static List<PairedComparison> compare(List<SegmentationMetrics> a, List<SegmentationMetrics> b) {
        Map<String, Map<String, SegmentationMetrics>> ia = index(a, "A");
        Map<String, Map<String, SegmentationMetrics>> ib = index(b, "B");
        List<PairedComparison> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, SegmentationMetrics>> e : ia.entrySet()) {
            Map<String, SegmentationMetrics> other = ib.get(e.getKey());
            if (other == null) {
                continue;
            }
            for (Metric m : Metric.values()) {
                List<double[]> pairs = new ArrayList<>();
                for (Map.Entry<String, SegmentationMetrics> c : e.getValue().entrySet()) {
                    SegmentationMetrics y = other.get(c.getKey());
                    if (y == null) {
                        continue;
                    }
                    double va = c.getValue().metric(m);
                    double vb = y.metric(m);
                    if (Double.isFinite(va) && Double.isFinite(vb)) {
                        pairs.add(new double[] {va, vb});
                    }
                }
                out.add(of(e.getKey(), m, pairs));
            }
        }
        return out;
    }

    static PairedComparison of(String structure, Metric m, List<double[]> pairs) {
        int n = pairs.size();
        double[] x = new double[n];
        double[] y = new double[n];
        boolean anyDifference = false;
        for (int i = 0; i < n; i++) {
            x[i] = pairs.get(i)[0];
            y[i] = pairs.get(i)[1];
            anyDifference |= x[i] != y[i];
        }
        double nan = Double.NaN;
        double meanA = n == 0 ? nan : Mean.of(x).getAsDouble();
        double meanB = n == 0 ? nan : Mean.of(y).getAsDouble();
        double sdA = n < 2 ? nan : StandardDeviation.of(x).getAsDouble();
        double sdB = n < 2 ? nan : StandardDeviation.of(y).getAsDouble();
        if (n < MIN_PAIRS || !anyDifference) {
            // no test is possible: too few pairs, or every difference is zero (p = 1 by symmetry)
            return new PairedComparison(structure, m, n, meanA, sdA, meanB, sdB, nan, anyDifference ? nan : 1.0, false);
        }
        WilcoxonSignedRankTest.Result r = WilcoxonSignedRankTest.withDefaults().test(x, y);
        boolean exact = n < EXACT_LIMIT && !r.hasTiedValues() && !r.hasZeroValues();
        return new PairedComparison(structure, m, n, meanA, sdA, meanB, sdB, r.getStatistic(), r.getPValue(), exact);
    }

    private static Map<String, Map<String, SegmentationMetrics>> index(List<SegmentationMetrics> rows, String side) {
        Map<String, Map<String, SegmentationMetrics>> map = new TreeMap<>();
        for (SegmentationMetrics r : rows) {
            if (map.computeIfAbsent(r.structure(), s -> new LinkedHashMap<>()).put(r.caseId(), r) != null) {
                throw new InvalidInputException("source " + side + " scores structure '" + r.structure()
                        + "' twice in case '" + r.caseId() + "'");
            }
        }
        return map;
    }
}
