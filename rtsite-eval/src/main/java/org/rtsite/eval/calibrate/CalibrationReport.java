package org.rtsite.eval.calibrate;

import java.util.List;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.eval.labels.Proportion;

/**
 * What calibration found.
 *
 * @param chosen             the settings chosen on all plans (best Exact accuracy; ties go to the
 *                           candidate that differs from the paper's values in the fewest parameters)
 * @param plans              number of plans
 * @param candidates         number of candidate settings searched
 * @param folds              k of the k-fold cross-validation
 * @param seed               seed of the fold assignment
 * @param heldOutExact       Exact accuracy on held-out plans, each plan predicted by the settings
 *                           chosen without it (the figure to expect on new plans)
 * @param meanTrainExact     mean over folds of the chosen settings' Exact accuracy on their training plans
 * @param chosenExact        Exact accuracy of {@link #chosen} on all plans (optimistic: chosen on them)
 * @param paperExact         Exact accuracy of the paper's thresholds on the same plans, for reference
 * @param foldResults        per fold: the settings chosen on its training plans and both accuracies
 * @param unresolvedProximity plans whose re-decision under the chosen settings reaches the proximity
 *                           rule although their stored result did not (the organ search needs the
 *                           masks): counted as unlabelled
 */
public record CalibrationReport(ClassifierSettings chosen, int plans, int candidates, int folds, long seed,
                                Proportion heldOutExact, double meanTrainExact, Proportion chosenExact,
                                Proportion paperExact, List<FoldResult> foldResults, int unresolvedProximity) {

    public CalibrationReport {
        foldResults = List.copyOf(foldResults);
    }

    /** One fold of the cross-validation. */
    public record FoldResult(int fold, ClassifierSettings chosen, Proportion trainExact, Proportion heldOutExact) {
    }
}
