package org.rtsite.eval.labels;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accuracy of predicted region labels against expert labels (ALGORITHM.md §4, the paper's Table 2).
 * The cohort is the expert table: a plan without a prediction counts as "no label" (wrong for
 * every accuracy) and is listed in {@link #missingPredictions}; predictions for plans the expert
 * did not label are ignored and listed in {@link #unmatchedPredictions}.
 *
 * @param samplePrecision mean over plans with at least one predicted label of |P∩E|/|P| (full label lists)
 * @param sampleRecall    mean over plans with at least one expert label of |P∩E|/|E|
 * @param nonAdjacent     plans whose predicted label set is not connected in the region adjacency
 *                        (it skips a region between two of its labels)
 */
public record LabelEvaluation(int n, Proportion exact, Proportion top2, Proportion top1,
                              List<ClassMetrics> classes, double samplePrecision, double sampleRecall,
                              List<String> nonAdjacent, ConfusionMatrix confusion, List<Mismatch> mismatches,
                              List<String> missingPredictions, List<String> unmatchedPredictions) {

    private static final Logger LOG = LoggerFactory.getLogger(LabelEvaluation.class);

    public LabelEvaluation {
        classes = List.copyOf(classes);
        nonAdjacent = List.copyOf(nonAdjacent);
        mismatches = List.copyOf(mismatches);
        missingPredictions = List.copyOf(missingPredictions);
        unmatchedPredictions = List.copyOf(unmatchedPredictions);
    }

    /** The one entry point: evaluates {@code predicted} against {@code expert}. */
    public static LabelEvaluation evaluate(List<PlanLabels> predicted, List<PlanLabels> expert) {
        Map<String, PlanLabels> pred = index(predicted, "predicted");
        Map<String, PlanLabels> exp = index(expert, "expert");
        if (exp.isEmpty()) {
            throw new InvalidInputException("the expert label table holds no plans");
        }
        int n = exp.size();
        int exact = 0;
        int top2 = 0;
        int top1 = 0;
        int[][] counts = new int[Region.values().length][5]; // tp fp tn fn top1Agreements
        double precisionSum = 0;
        int precisionN = 0;
        double recallSum = 0;
        int recallN = 0;
        List<String> nonAdjacent = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        ConfusionMatrix.Builder confusion = new ConfusionMatrix.Builder();

        for (PlanLabels e : exp.values()) {
            PlanLabels p = pred.get(e.planId());
            if (p == null) {
                missing.add(e.planId());
                p = new PlanLabels(e.planId(), List.of(), "");
            }
            boolean isExact = p.regions().equals(e.regions());
            boolean isTop2 = p.top(2).equals(e.top(2));
            boolean isTop1 = p.primary() != null && p.primary() == e.primary();
            exact += isExact ? 1 : 0;
            top2 += isTop2 ? 1 : 0;
            top1 += isTop1 ? 1 : 0;

            Set<Region> p2 = p.top(2);
            Set<Region> e2 = e.top(2);
            for (Region r : Region.values()) {
                int[] c = counts[r.ordinal()];
                boolean inP = p2.contains(r);
                boolean inE = e2.contains(r);
                c[inP ? (inE ? 0 : 1) : (inE ? 3 : 2)]++;
                if ((p.primary() == r) == (e.primary() == r)) {
                    c[4]++;
                }
            }

            Set<Region> common = new HashSet<>(p.regions());
            common.retainAll(e.regions());
            if (!p.regions().isEmpty()) {
                precisionSum += (double) common.size() / p.regions().size();
                precisionN++;
            }
            if (!e.regions().isEmpty()) {
                recallSum += (double) common.size() / e.regions().size();
                recallN++;
            }
            boolean skips = !connected(p.regions());
            if (skips) {
                nonAdjacent.add(p.planId());
            }
            confusion.add(e.primary(), p.primary());
            if (!isExact) {
                mismatches.add(new Mismatch(e.planId(), p.regions(), e.regions(), p.rule(), isTop2, isTop1, skips));
            }
        }
        List<ClassMetrics> classes = new ArrayList<>();
        for (Region r : Region.values()) {
            int[] c = counts[r.ordinal()];
            classes.add(new ClassMetrics(r, c[0], c[1], c[2], c[3], c[4]));
        }
        List<String> unmatched = pred.keySet().stream().filter(id -> !exp.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            LOG.warn("{} expert-labelled plans have no prediction (counted as unlabelled): {}", missing.size(), missing);
        }
        if (!unmatched.isEmpty()) {
            LOG.warn("{} predicted plans have no expert label (ignored): {}", unmatched.size(), unmatched);
        }
        return new LabelEvaluation(n, new Proportion(exact, n), new Proportion(top2, n), new Proportion(top1, n),
                classes, precisionN == 0 ? Double.NaN : precisionSum / precisionN,
                recallN == 0 ? Double.NaN : recallSum / recallN,
                nonAdjacent, confusion.build(), mismatches, missing, unmatched);
    }

    /** The metrics of one region. */
    public ClassMetrics of(Region region) {
        return classes.get(region.ordinal());
    }

    /** True when the regions form one connected piece of the adjacency graph (empty and single sets do). */
    static boolean connected(List<Region> regions) {
        if (regions.size() <= 1) {
            return true;
        }
        EnumSet<Region> reached = EnumSet.of(regions.get(0));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Region r : regions) {
                if (!reached.contains(r) && reached.stream().anyMatch(r::isAdjacentTo)) {
                    reached.add(r);
                    grew = true;
                }
            }
        }
        return reached.size() == regions.size();
    }

    private static Map<String, PlanLabels> index(List<PlanLabels> plans, String what) {
        Objects.requireNonNull(plans, what);
        Map<String, PlanLabels> map = new LinkedHashMap<>();
        for (PlanLabels p : plans) {
            if (map.put(p.planId(), p) != null) {
                throw new InvalidInputException("plan '" + p.planId() + "' appears twice in the " + what + " labels");
            }
        }
        return map;
    }
}
