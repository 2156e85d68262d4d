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
    private final DecisionPolicy policy;

    public DecisionTree(ClassifierConfig config) {
        this(config, DecisionPolicy.defaults());
    }

    /** A tree with another landmark choice or without the V50 step (calibration, docs/beyond.md). */
    public DecisionTree(ClassifierConfig config, DecisionPolicy policy) {
        this.config = config;
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
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
        return run(organs, com85, landmarks, proximity, new Trace(true));
    }

    /**
     * The same decision without the trace (its list is empty): no text is built, which makes it
     * cheap enough to re-decide thousands of stored plans under thousands of candidate thresholds
     * (calibration).
     */
    public Decision decideUntraced(List<OrganMetrics> organs, Vec3 com85, Landmarks landmarks,
                                   Supplier<Optional<ProximityHit>> proximity) {
        return run(organs, com85, landmarks, proximity, new Trace(false));
    }

    /** Trace steps whose text is only built when traced. */
    private static final class Trace {
        final boolean on;
        final List<TraceStep> steps = new ArrayList<>();

        Trace(boolean on) {
            this.on = on;
        }

        void add(Rule rule, boolean fired, Supplier<String> detail) {
            if (on) {
                steps.add(new TraceStep(rule, fired, detail.get()));
            }
        }
    }

    private Decision run(List<OrganMetrics> organs, Vec3 com85, Landmarks landmarks,
                         Supplier<Optional<ProximityHit>> proximity, Trace trace) {
        double tau = config.overlapThreshold();

        List<Region> r85 = rank(organs, OrganMetrics::score85);
        trace.add(Rule.V85_RANK, false, () -> "R85 = " + describeRanking(organs, OrganMetrics::score85)
                + " (organs with V85 score > " + tau + ", excluded and unmapped left out)");

        OrganMetrics top = organs.stream().filter(o -> o.votes() && o.score85() > tau)
                .max(Comparator.comparingDouble(OrganMetrics::score85)).orElse(null);
        boolean dominant = top != null && top.score85() > config.dominanceThreshold();
        if (dominant) {
            trace.add(Rule.CRANIAL_DICE, false, () -> "skipped: " + top.name() + " dominates V85 (score "
                    + f(top.score85()) + " > " + config.dominanceThreshold() + ")");
            trace.add(Rule.HN_LANDMARK, false, () -> "skipped: a dominant organ exists");
        } else {
            String why = top == null ? "no organ overlaps V85" : "highest V85 score " + f(top.score85()) + " ("
                    + top.name() + ") <= " + config.dominanceThreshold();
            OrganMetrics brain = organs.stream().filter(o -> o.votes() && BRAIN.equals(o.canonical()))
                    .max(Comparator.comparingDouble(OrganMetrics::dice85)).orElse(null);
            if (brain != null && brain.dice85() > config.brainDiceThreshold()) {
                trace.add(Rule.CRANIAL_DICE, true, () -> why + "; brain dice85 " + f(brain.dice85())
                        + " > " + config.brainDiceThreshold());
                return new Decision(List.of(Region.CRANIAL), Rule.CRANIAL_DICE, trace.steps);
            }
            trace.add(Rule.CRANIAL_DICE, false, () -> why + "; brain dice85 "
                    + (brain == null ? "n/a (no brain)" : f(brain.dice85())) + " <= " + config.brainDiceThreshold());
            Double c7 = landmarks.c7TopZ(), thyroid = landmarks.thyroidTopZ();
            Double ref;
            String refName;
            switch (policy.landmark()) {
                case THYROID_THEN_C7 -> {
                    ref = thyroid != null ? thyroid : c7;
                    refName = thyroid != null ? "thyroid" : "C7";
                }
                case C7_ONLY -> {
                    ref = c7;
                    refName = "C7";
                }
                case THYROID_ONLY -> {
                    ref = thyroid;
                    refName = "thyroid";
                }
                case NONE -> {
                    ref = null;
                    refName = null;
                }
                default -> {
                    ref = c7 != null ? c7 : thyroid;
                    refName = c7 != null ? "C7" : "thyroid";
                }
            }
            Double refZ = ref;
            String refLabel = refName;
            if (policy.landmark() == DecisionPolicy.Landmark.NONE) {
                trace.add(Rule.HN_LANDMARK, false, () -> "landmark rule off (policy)");
            } else if (ref == null) {
                trace.add(Rule.HN_LANDMARK, false, () -> policy.landmark() == DecisionPolicy.Landmark.C7_THEN_THYROID
                        || policy.landmark() == DecisionPolicy.Landmark.THYROID_THEN_C7
                        ? "neither C7 nor thyroid in the cropped CT"
                        : "no " + (policy.landmark() == DecisionPolicy.Landmark.C7_ONLY ? "C7" : "thyroid")
                        + " in the cropped CT (landmark " + policy.landmark() + ")");
            } else if (com85.z() > ref) {
                trace.add(Rule.HN_LANDMARK, true, () -> "CoM85 z " + f(com85.z()) + " mm is superior to "
                        + refLabel + " top z " + f(refZ) + " mm");
                return new Decision(List.of(Region.HEAD_AND_NECK), Rule.HN_LANDMARK, trace.steps);
            } else {
                trace.add(Rule.HN_LANDMARK, false, () -> "CoM85 z " + f(com85.z()) + " mm is not superior to "
                        + refLabel + " top z " + f(refZ) + " mm");
            }
        }
        if (!r85.isEmpty()) {
            trace.add(Rule.V85_OVERLAP, true, () -> "labels = R85 " + r85);
            return new Decision(r85, Rule.V85_OVERLAP, trace.steps);
        }
        trace.add(Rule.V85_OVERLAP, false, () -> "R85 is empty");
        List<Region> r50 = policy.useV50() ? rank(organs, OrganMetrics::score50) : List.of();
        if (!policy.useV50()) {
            trace.add(Rule.V50_OVERLAP, false, () -> "V50 step off (policy)");
        } else if (!r50.isEmpty()) {
            trace.add(Rule.V50_OVERLAP, true, () -> "labels = R50 "
                    + describeRanking(organs, OrganMetrics::score50));
            return new Decision(r50, Rule.V50_OVERLAP, trace.steps);
        }
        if (policy.useV50()) {
            trace.add(Rule.V50_OVERLAP, false, () -> "no organ has V50 score > " + tau);
        }
        Optional<ProximityHit> hit = proximity.get();
        if (hit.isPresent()) {
            ProximityHit h = hit.get();
            trace.add(Rule.PROXIMITY, true, () -> "closest organ to CoM85 " + h.organ() + " ("
                    + h.region() + ") at " + f(h.distanceMm()) + " mm " + (h.inPlane()
                    ? "in CoM85's axial plane" : "in 3-D (no organ in CoM85's axial plane)"));
            return new Decision(List.of(h.region()), Rule.PROXIMITY, trace.steps);
        }
        trace.add(Rule.PROXIMITY, false, () -> "no labelling organ in the cropped CT");
        trace.add(Rule.NONE, true, () -> "no label");
        return new Decision(List.of(), Rule.NONE, trace.steps);
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
