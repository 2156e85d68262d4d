package org.rtsite.eval.calibrate;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.decision.DecisionPolicy;

/**
 * The values calibration tries for each searched parameter: overlap τ, dominance, brain Dice, the
 * H&N landmark and whether the V50 step is used. Every other option is kept from the base config.
 */
public record ParameterGrid(List<Double> overlapThresholds, List<Double> dominanceThresholds,
                            List<Double> brainDiceThresholds, List<DecisionPolicy.Landmark> landmarks,
                            List<Boolean> useV50) {

    public ParameterGrid {
        overlapThresholds = nonEmpty("overlapThresholds", overlapThresholds);
        dominanceThresholds = nonEmpty("dominanceThresholds", dominanceThresholds);
        brainDiceThresholds = nonEmpty("brainDiceThresholds", brainDiceThresholds);
        landmarks = nonEmpty("landmarks", landmarks);
        useV50 = nonEmpty("useV50", useV50);
    }

    private static <T> List<T> nonEmpty(String name, List<T> values) {
        if (values == null || values.isEmpty()) {
            throw new InvalidInputException("parameter grid: " + name + " must list at least one value");
        }
        return List.copyOf(values);
    }

    /** Around the paper's values; 8 × 10 × 7 × 5 × 2 = 5600 candidates. */
    public static ParameterGrid defaults() {
        return new ParameterGrid(List.of(0.0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05),
                List.of(0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0),
                List.of(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
                List.of(DecisionPolicy.Landmark.values()), List.of(true, false));
    }

    public int size() {
        return overlapThresholds.size() * dominanceThresholds.size() * brainDiceThresholds.size() * landmarks.size()
                * useV50.size();
    }

    /** Every candidate, built on {@code base}'s other options. */
    public List<ClassifierSettings> candidates(ClassifierConfig base) {
        List<ClassifierSettings> out = new ArrayList<>(size());
        for (double tau : overlapThresholds) {
            for (double dom : dominanceThresholds) {
                for (double brain : brainDiceThresholds) {
                    for (DecisionPolicy.Landmark l : landmarks) {
                        for (boolean v50 : useV50) {
                            out.add(new ClassifierSettings(base.withOverlapThreshold(tau).withDominanceThreshold(dom)
                                    .withBrainDiceThreshold(brain), new DecisionPolicy(l, v50)));
                        }
                    }
                }
            }
        }
        return out;
    }
}
