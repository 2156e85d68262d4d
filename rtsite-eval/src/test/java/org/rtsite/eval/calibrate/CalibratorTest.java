package org.rtsite.eval.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.decision.DecisionPolicy.Landmark;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

class CalibratorTest {

    static final ClassifierSettings TRUTH = new ClassifierSettings(ClassifierConfig.defaults().withOverlapThreshold(0.005)
            .withDominanceThreshold(0.7).withBrainDiceThreshold(0.6), new DecisionPolicy(Landmark.THYROID_THEN_C7, false));

    /** Neighbours of every true value, and every landmark and V50 choice: 6 × 7 × 5 × 5 × 2 = 2100 candidates. */
    static final ParameterGrid GRID = new ParameterGrid(List.of(0.0, 0.001, 0.002, 0.005, 0.01, 0.02),
            List.of(0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9), List.of(0.3, 0.4, 0.5, 0.6, 0.7),
            List.of(Landmark.values()), List.of(true, false));

    @Test
    void recoversTheThresholdsThatGeneratedTheLabels() {
        List<CalibrationPlan> plans = new ArrayList<>(SyntheticPlans.pinning(TRUTH, TRUTH, 6));
        plans.addAll(SyntheticPlans.random(TRUTH, TRUTH, 100, 7));
        CalibrationReport r = new Calibrator(GRID, 5, 42).calibrate(plans);
        assertEquals(TRUTH, r.chosen());
        assertEquals(plans.size(), r.chosenExact().successes());
        assertEquals(1.0, r.meanTrainExact(), 1e-12);
        assertEquals(2100, r.candidates());
        assertEquals(5, r.foldResults().size());
        // Six copies of each pinning plan: every training set holds at least one of each.
        assertEquals(plans.size(), r.heldOutExact().successes());
        for (CalibrationReport.FoldResult f : r.foldResults()) {
            assertEquals(TRUTH, f.chosen());
        }
        assertTrue(r.paperExact().successes() < plans.size() - 40, "the paper's values get the pinned plans wrong: "
                + r.paperExact());
        assertEquals(0, r.unresolvedProximity());
    }

    @Test
    void withNoisyExpertLabelsTheHeldOutAccuracyIsTheHonestOne() {
        List<CalibrationPlan> clean = new ArrayList<>(SyntheticPlans.pinning(TRUTH, TRUTH, 6));
        clean.addAll(SyntheticPlans.random(TRUTH, TRUTH, 150, 11));
        // 20 % of the expert labels replaced by a random single region.
        Random rnd = new Random(3);
        List<CalibrationPlan> noisy = new ArrayList<>();
        for (CalibrationPlan p : clean) {
            noisy.add(rnd.nextDouble() < 0.2 ? new CalibrationPlan(p.planId(), p.result(),
                    List.of(Region.values()[rnd.nextInt(6)])) : p);
        }
        CalibrationReport r = new Calibrator(GRID, 5, 1).calibrate(noisy);
        assertEquals(TRUTH, r.chosen());
        double held = r.heldOutExact().estimate();
        assertTrue(held > 0.7 && held < 0.9, "about 80 % of the labels are right: " + held);
        assertTrue(r.heldOutExact().wilson().lower() < held && held < r.heldOutExact().wilson().upper());
        assertEquals(r.heldOutExact().successes(), r.foldResults().stream()
                .mapToInt(f -> f.heldOutExact().successes()).sum());
        assertEquals(noisy.size(), r.foldResults().stream().mapToInt(f -> f.heldOutExact().n()).sum());
    }

    /**
     * Expert labels unrelated to the metrics: the search still finds settings that fit some of the
     * training plans by chance, and only the held-out accuracy shows that nothing was learnt.
     */
    @Test
    void withMeaninglessLabelsTrainAccuracyOverstatesAndHeldOutTellsTheTruth() {
        Random rnd = new Random(5);
        List<CalibrationPlan> plans = new ArrayList<>();
        for (CalibrationPlan p : SyntheticPlans.random(TRUTH, TRUTH, 150, 13)) {
            plans.add(new CalibrationPlan(p.planId(), p.result(), p.result().labels().isEmpty() || rnd.nextBoolean()
                    ? List.of(Region.values()[rnd.nextInt(6)]) : p.result().labels()));
        }
        CalibrationReport r = new Calibrator(GRID, 5, 9).calibrate(plans);
        assertTrue(r.meanTrainExact() > r.heldOutExact().estimate() + 0.01,
                "train " + r.meanTrainExact() + " vs held-out " + r.heldOutExact().estimate());
    }

    @Test
    void relabellingNeedsTheStoredProximityAnswer() {
        ClassifierSettings paper = ClassifierSettings.defaults();
        // Stored under the paper's tree: V50 decides. Without V50 the tree would search proximity: unknown.
        SiteResult viaV50 = SyntheticPlans.result(paper, List.of(SyntheticPlans.organ("liver", Region.ABDOMEN, 0, 300,
                3000)), 0, SyntheticPlans.NONE, Region.PELVIS);
        assertEquals(List.of(Region.ABDOMEN), Calibrator.relabel(viaV50, paper));
        assertNull(Calibrator.relabel(viaV50, new ClassifierSettings(paper.config(),
                new DecisionPolicy(Landmark.C7_THEN_THYROID, false))));
        // Stored after proximity: its answer is reused.
        SiteResult viaProximity = SyntheticPlans.result(TRUTH, viaV50.organs(), 0, SyntheticPlans.NONE, Region.PELVIS);
        assertEquals(List.of(Region.PELVIS), Calibrator.relabel(viaProximity, TRUTH));
        assertEquals(List.of(Region.ABDOMEN), Calibrator.relabel(viaProximity, paper));
    }

    @Test
    void tooFewPlansOrFoldsAreRefused() {
        assertThrows(InvalidInputException.class, () -> new Calibrator(GRID, 1, 0));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Calibrator(GRID, 5, 0)
                .calibrate(SyntheticPlans.random(TRUTH, TRUTH, 3, 1)));
        assertTrue(e.getMessage().contains("at least as many plans as folds (5), got 3"), e.getMessage());
    }
}
