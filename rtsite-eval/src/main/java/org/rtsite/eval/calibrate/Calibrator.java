package org.rtsite.eval.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.decision.ComMode;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.decision.ProximityHit;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.eval.labels.Proportion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Searches the decision tree's thresholds and policy for the best Exact accuracy against expert
 * labels, with k-fold cross-validation so that the accuracy reported for new plans is measured on
 * plans the search did not see. Works on stored results: each candidate re-runs only the decision
 * tree ({@link DecisionTree}, the same code the classifier uses) on the stored organ metrics.
 */
public final class Calibrator {
    private static final Logger LOG = LoggerFactory.getLogger(Calibrator.class);

    private final ParameterGrid grid;
    private final int folds;
    private final long seed;

    public Calibrator(ParameterGrid grid, int folds, long seed) {
        this.grid = grid;
        if (folds < 2) {
            throw new InvalidInputException("folds must be >= 2, got " + folds);
        }
        this.folds = folds;
        this.seed = seed;
    }

    /** The labels the tree gives a stored result under other settings; null when proximity is unknown. */
    public static List<Region> relabel(SiteResult r, ClassifierSettings s) {
        boolean[] unknown = new boolean[1];
        ClassifierConfig c = s.config();
        var com = c.comMode() == ComMode.DOSE_WEIGHTED ? r.com85DoseWeighted() : r.com85Geometric();
        DecisionTree.Decision d = new DecisionTree(c, s.policy()).decideUntraced(r.organs(), com, r.landmarks(), () -> {
            // The stored result knows the proximity answer only if it reached that rule itself
            // (for the same CoM mode); the organ search needs the masks.
            if (r.rule() == Rule.PROXIMITY && !r.labels().isEmpty() && r.config().comMode() == c.comMode()) {
                return Optional.of(new ProximityHit("(stored)", r.labels().get(0), Double.NaN, true));
            }
            unknown[0] = true;
            return Optional.empty();
        });
        return unknown[0] ? null : d.labels();
    }

    public CalibrationReport calibrate(List<CalibrationPlan> plans) {
        int n = plans.size();
        if (n < folds) {
            throw new InvalidInputException("calibration needs at least as many plans as folds (" + folds + "), got " + n);
        }
        ClassifierConfig base = plans.get(0).result().config();
        List<ClassifierSettings> candidates = grid.candidates(base);
        int m = candidates.size();
        // correct[c][p]: whether candidate c labels plan p exactly as the expert did.
        boolean[][] correct = new boolean[m][n];
        boolean[][] unresolved = new boolean[m][n];
        IntStream.range(0, m).parallel().forEach(c -> {
            for (int p = 0; p < n; p++) {
                List<Region> labels = relabel(plans.get(p).result(), candidates.get(c));
                unresolved[c][p] = labels == null;
                correct[c][p] = labels == null ? plans.get(p).expert().isEmpty() : labels.equals(plans.get(p).expert());
            }
        });
        int[] distance = new int[m];
        ClassifierSettings paper = new ClassifierSettings(base.withOverlapThreshold(0.001).withDominanceThreshold(0.85)
                .withBrainDiceThreshold(0.4), DecisionPolicy.defaults());
        for (int c = 0; c < m; c++) {
            distance[c] = differences(candidates.get(c), paper);
        }

        int[] fold = new int[n];
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        java.util.Collections.shuffle(order, new Random(seed));
        for (int r = 0; r < n; r++) {
            fold[order.get(r)] = r % folds;
        }
        List<CalibrationReport.FoldResult> foldResults = new ArrayList<>();
        int heldOutCorrect = 0;
        double trainSum = 0;
        for (int f = 0; f < folds; f++) {
            final int ff = f;
            int best = best(correct, distance, p -> fold[p] != ff);
            int train = 0, trainN = 0, held = 0, heldN = 0;
            for (int p = 0; p < n; p++) {
                if (fold[p] == f) {
                    heldN++;
                    held += correct[best][p] ? 1 : 0;
                } else {
                    trainN++;
                    train += correct[best][p] ? 1 : 0;
                }
            }
            heldOutCorrect += held;
            trainSum += (double) train / trainN;
            foldResults.add(new CalibrationReport.FoldResult(f, candidates.get(best), new Proportion(train, trainN),
                    new Proportion(held, heldN)));
        }
        int chosen = best(correct, distance, p -> true);
        int chosenCorrect = 0, paperCorrect = 0, unresolvedCount = 0;
        for (int p = 0; p < n; p++) {
            chosenCorrect += correct[chosen][p] ? 1 : 0;
            unresolvedCount += unresolved[chosen][p] ? 1 : 0;
            List<Region> l = relabel(plans.get(p).result(), paper);
            paperCorrect += (l == null ? plans.get(p).expert().isEmpty() : l.equals(plans.get(p).expert())) ? 1 : 0;
        }
        LOG.debug("calibration: {} candidates x {} plans, chosen {}", m, n, candidates.get(chosen));
        return new CalibrationReport(candidates.get(chosen), n, m, folds, seed, new Proportion(heldOutCorrect, n),
                trainSum / folds, new Proportion(chosenCorrect, n), new Proportion(paperCorrect, n), foldResults,
                unresolvedCount);
    }

    /** Most correct on the selected plans; ties: fewest differences from the paper, then grid order. */
    private static int best(boolean[][] correct, int[] distance, java.util.function.IntPredicate selected) {
        int best = -1, bestScore = -1;
        for (int c = 0; c < correct.length; c++) {
            int score = 0;
            for (int p = 0; p < correct[c].length; p++) {
                if (correct[c][p] && selected.test(p)) {
                    score++;
                }
            }
            if (score > bestScore || (score == bestScore && distance[c] < distance[best])) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    private static int differences(ClassifierSettings a, ClassifierSettings b) {
        int d = 0;
        d += a.config().overlapThreshold() != b.config().overlapThreshold() ? 1 : 0;
        d += a.config().dominanceThreshold() != b.config().dominanceThreshold() ? 1 : 0;
        d += a.config().brainDiceThreshold() != b.config().brainDiceThreshold() ? 1 : 0;
        d += a.policy().landmark() != b.policy().landmark() ? 1 : 0;
        d += a.policy().useV50() != b.policy().useV50() ? 1 : 0;
        return d;
    }
}
