package org.rtsite.eval.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.rtsite.eval.seg.SegmentationMetrics.Metric;
import org.rtsite.eval.seg.SegmentationMetrics.Status;

class CohortStatisticsTest {

    private static SegmentationMetrics row(String caseId, String structure, double dsc, double hd95) {
        return new SegmentationMetrics(caseId, structure, Status.OK, 1, 1, 1, dsc, hd95, hd95, hd95, 1, 1, 1, 1, 0);
    }

    @Test
    void meanAndSampleSdPerStructureLeavingOutUndefinedValues() {
        List<SegmentationMetrics> rows = List.of(
                row("1", "liver", 0.9, 2), row("2", "liver", 0.8, 4), row("3", "liver", 0.7, Double.NaN),
                row("1", "heart", 0.5, 1));
        Map<String, StructureSummary> byKey = new HashMap<>();
        for (StructureSummary s : StructureSummary.summarize(rows)) {
            byKey.put(s.structure() + "/" + s.metric(), s);
        }
        StructureSummary dsc = byKey.get("liver/DSC");
        assertEquals(3, dsc.n());
        assertEquals(0.8, dsc.mean(), 1e-12);
        assertEquals(0.1, dsc.sd(), 1e-12);
        StructureSummary hd = byKey.get("liver/HD95");
        assertEquals(2, hd.n());
        assertEquals(1, hd.undefined());
        assertEquals(3.0, hd.mean(), 1e-12);
        assertEquals(Math.sqrt(2), hd.sd(), 1e-12);
        assertTrue(Double.isNaN(byKey.get("heart/DSC").sd()), "one case has no SD");
    }

    @Test
    void smallSamplesWithoutTiesUseTheExactDistribution() {
        List<SegmentationMetrics> a = new ArrayList<>();
        List<SegmentationMetrics> b = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            a.add(row("c" + i, "parotid", 0.5 + 0.01 * i, 3));
            b.add(row("c" + i, "parotid", 0.5, 3));
        }
        PairedComparison dsc = PairedComparison.compare(a, b).stream().filter(c -> c.metric() == Metric.DSC)
                .findFirst().orElseThrow();
        assertEquals(5, dsc.pairs());
        assertTrue(dsc.exact());
        // all five differences positive: two-sided exact p = 2 / 2^5
        assertEquals(2.0 / 32, dsc.pValue(), 1e-12);
        PairedComparison hd = PairedComparison.compare(a, b).stream().filter(c -> c.metric() == Metric.HD95)
                .findFirst().orElseThrow();
        assertEquals(1.0, hd.pValue(), "identical values: no difference to test");
    }

    @Test
    void largeSamplesWithTiesUseTheNormalApproximationWithTieCorrection() {
        List<SegmentationMetrics> a = new ArrayList<>();
        List<SegmentationMetrics> b = new ArrayList<>();
        int n = 60;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (i % 7 - 2) * 0.01 + (i % 7 == 2 ? 0.005 : 0); // ties in |d|, no zeros, mostly positive
            a.add(row("c" + i, "bladder", 0.6 + d[i], 3));
            b.add(row("c" + i, "bladder", 0.6, 3));
        }
        PairedComparison c = PairedComparison.compare(a, b).stream().filter(x -> x.metric() == Metric.DSC)
                .findFirst().orElseThrow();
        assertFalse(c.exact());
        // independent computation: mid-ranks of |d|, W+ , tie-corrected variance, continuity 0.5
        double[] abs = new double[n];
        for (int i = 0; i < n; i++) {
            abs[i] = Math.abs(Math.round(d[i] * 1e6) / 1e6);
        }
        double wPlus = 0;
        double ties = 0;
        Map<Double, Integer> counts = new HashMap<>();
        for (double v : abs) {
            counts.merge(v, 1, Integer::sum);
        }
        for (int t : counts.values()) {
            ties += (double) t * t * t - t;
        }
        for (int i = 0; i < n; i++) {
            int below = 0;
            int equal = 0;
            for (double v : abs) {
                below += v < abs[i] ? 1 : 0;
                equal += v == abs[i] ? 1 : 0;
            }
            double rank = below + (equal + 1) / 2.0;
            if (d[i] > 0) {
                wPlus += rank;
            }
        }
        double mean = n * (n + 1) / 4.0;
        double var = n * (n + 1) * (2 * n + 1) / 24.0 - ties / 48.0;
        double z = (Math.abs(wPlus - mean) - 0.5) / Math.sqrt(var);
        double p = 2 * NormalDistribution.of(0, 1).survivalProbability(z);
        assertEquals(p, c.pValue(), 1e-9);
        assertTrue(c.meanA() > c.meanB());
    }
}
