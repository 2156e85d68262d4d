package org.rtsite.core.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;

/**
 * The decision tree of ALGORITHM.md §3 on per-organ metrics. Pure: the only search it triggers is
 * the proximity lookup, which the caller supplies and which runs only when steps 1–4 found nothing.
 */
public final class DecisionTree {

    /** The canonical name of the organ whose Dice drives the Cranial rule. */
    public static final String BRAIN = "brain";

    private final ClassifierConfig config;

    public DecisionTree(ClassifierConfig config) {
        this.config = config;
    }

    /** Labels, the rule that fired and the trace. */
    public record Decision(List<Region> labels, Rule rule, List<TraceStep> trace) {
        public Decision {
            labels = List.copyOf(labels);
            trace = List.copyOf(trace);
        }
    }

    public Decision decide(List<OrganMetrics> organs, Vec3 com85, Landmarks landmarks,
                           Supplier<Optional<ProximityHit>> proximity) {
        double tau = config.overlapThreshold();
        List<TraceStep> trace = new ArrayList<>();

        List<Region> r85 = rank(organs, OrganMetrics::score85);
        trace.add(new TraceStep(Rule.V85_RANK, false, "R85 = " + describeRanking(organs, OrganMetrics::score85)
                + " (organs with V85 score > " + tau + ", excluded and unmapped left out)"));

        OrganMetrics top = organs.stream().filter(o -> o.votes() && o.score85() > tau)
                .max(Comparator.comparingDouble(OrganMetrics::score85)).orElse(null);
        boolean dominant = top != null && top.score85() > config.dominanceThreshold();
        if (dominant) {
            trace.add(new TraceStep(Rule.CRANIAL_DICE, false, "skipped: " + top.name() + " dominates V85 (score "
                    + f(top.score85()) + " > " + config.dominanceThreshold() + ")"));
            trace.add(new TraceStep(Rule.HN_LANDMARK, false, "skipped: a dominant organ exists"));
        } else {
            String why = top == null ? "no organ overlaps V85" : "highest V85 score " + f(top.score85()) + " ("
                    + top.name() + ") <= " + config.dominanceThreshold();
            OrganMetrics brain = organs.stream().filter(o -> o.votes() && BRAIN.equals(o.canonical()))
                    .max(Comparator.comparingDouble(OrganMetrics::dice85)).orElse(null);
            if (brain != null && brain.dice85() > config.brainDiceThreshold()) {
                trace.add(new TraceStep(Rule.CRANIAL_DICE, true, why + "; brain dice85 " + f(brain.dice85())
                        + " > " + config.brainDiceThreshold()));
                return new Decision(List.of(Region.CRANIAL), Rule.CRANIAL_DICE, trace);
            }
            trace.add(new TraceStep(Rule.CRANIAL_DICE, false, why + "; brain dice85 "
                    + (brain == null ? "n/a (no brain)" : f(brain.dice85())) + " <= " + config.brainDiceThreshold()));
            Double ref = landmarks.c7TopZ() != null ? landmarks.c7TopZ() : landmarks.thyroidTopZ();
            String refName = landmarks.c7TopZ() != null ? "C7" : "thyroid";
            if (ref == null) {
                trace.add(new TraceStep(Rule.HN_LANDMARK, false, "neither C7 nor thyroid in the cropped CT"));
            } else if (com85.z() > ref) {
                trace.add(new TraceStep(Rule.HN_LANDMARK, true, "CoM85 z " + f(com85.z()) + " mm is superior to "
                        + refName + " top z " + f(ref) + " mm"));
                return new Decision(List.of(Region.HEAD_AND_NECK), Rule.HN_LANDMARK, trace);
            } else {
                trace.add(new TraceStep(Rule.HN_LANDMARK, false, "CoM85 z " + f(com85.z()) + " mm is not superior to "
                        + refName + " top z " + f(ref) + " mm"));
            }
        }
        if (!r85.isEmpty()) {
            trace.add(new TraceStep(Rule.V85_OVERLAP, true, "labels = R85 " + r85));
            return new Decision(r85, Rule.V85_OVERLAP, trace);
        }
        trace.add(new TraceStep(Rule.V85_OVERLAP, false, "R85 is empty"));
        List<Region> r50 = rank(organs, OrganMetrics::score50);
        if (!r50.isEmpty()) {
            trace.add(new TraceStep(Rule.V50_OVERLAP, true, "labels = R50 "
                    + describeRanking(organs, OrganMetrics::score50)));
            return new Decision(r50, Rule.V50_OVERLAP, trace);
        }
        trace.add(new TraceStep(Rule.V50_OVERLAP, false, "no organ has V50 score > " + tau));
        Optional<ProximityHit> hit = proximity.get();
        if (hit.isPresent()) {
            ProximityHit h = hit.get();
            trace.add(new TraceStep(Rule.PROXIMITY, true, "closest organ to CoM85 " + h.organ() + " ("
                    + h.region() + ") at " + f(h.distanceMm()) + " mm " + (h.inPlane()
                    ? "in CoM85's axial plane" : "in 3-D (no organ in CoM85's axial plane)")));
            return new Decision(List.of(h.region()), Rule.PROXIMITY, trace);
        }
        trace.add(new TraceStep(Rule.PROXIMITY, false, "no labelling organ in the cropped CT"));
        trace.add(new TraceStep(Rule.NONE, true, "no label"));
        return new Decision(List.of(), Rule.NONE, trace);
    }

    /**
     * Regions ordered by their best single-organ score, ties in region order; only organs that
     * vote and score above τ take part.
     */
    public List<Region> rank(List<OrganMetrics> organs, ToDoubleFunction<OrganMetrics> score) {
        Map<Region, Double> best = bestPerRegion(organs, score);
        List<Region> regions = new ArrayList<>(best.keySet());
        // EnumMap iterates in region order and the sort is stable, which breaks ties by region order.
        regions.sort(Comparator.comparingDouble((Region r) -> best.get(r)).reversed());
        return regions;
    }

    private Map<Region, Double> bestPerRegion(List<OrganMetrics> organs, ToDoubleFunction<OrganMetrics> score) {
        Map<Region, Double> best = new EnumMap<>(Region.class);
        for (OrganMetrics o : organs) {
            double s = score.applyAsDouble(o);
            if (o.votes() && s > config.overlapThreshold()) {
                best.merge(o.region(), s, Math::max);
            }
        }
        return best;
    }

    private String describeRanking(List<OrganMetrics> organs, ToDoubleFunction<OrganMetrics> score) {
        List<String> parts = new ArrayList<>();
        for (Region r : rank(organs, score)) {
            OrganMetrics o = organs.stream().filter(m -> m.votes() && m.region() == r)
                    .max(Comparator.comparingDouble(score)).orElseThrow();
            parts.add(r.label() + " (" + o.name() + " " + f(score.applyAsDouble(o)) + ")");
        }
        return parts.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
