package org.rtsite.eval.labels;

import org.rtsite.core.region.Region;

/**
 * Label-based counts for one region on the top-2 label sets (as the paper's Table 2), and the
 * per-class Top-1 accuracy: the share of plans where "predicted primary is this region" agrees
 * with "expert primary is this region". Undefined ratios (0/0) are NaN.
 */
public record ClassMetrics(Region region, int tp, int fp, int tn, int fn, int top1Agreements) {

    public int n() {
        return tp + fp + tn + fn;
    }

    public double top1Accuracy() {
        return ratio(top1Agreements, n());
    }

    public double top2Accuracy() {
        return ratio(tp + tn, n());
    }

    public double sensitivity() {
        return ratio(tp, tp + fn);
    }

    public double precision() {
        return ratio(tp, tp + fp);
    }

    public double f1() {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
