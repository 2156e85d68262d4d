package org.rtsite.eval.labels;

import org.rtsite.core.region.Region;

/** Counts of (expert primary, predicted primary) pairs; a null region means "no label". */
public final class ConfusionMatrix {
    private static final int NONE = Region.values().length;
    private final int[][] counts;

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
    }

    public int count(Region expert, Region predicted) {
        return counts[slot(expert)][slot(predicted)];
    }

    private static int slot(Region r) {
        return r == null ? NONE : r.ordinal();
    }

    static final class Builder {
        private final int[][] counts = new int[NONE + 1][NONE + 1];

        void add(Region expert, Region predicted) {
            counts[slot(expert)][slot(predicted)]++;
        }

        ConfusionMatrix build() {
            return new ConfusionMatrix(counts);
        }
    }
}
