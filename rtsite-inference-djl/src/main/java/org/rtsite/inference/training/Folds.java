package org.rtsite.inference.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rtsite.core.InvalidInputException;

/** Cross-validation folds: the cases shuffled with a seed and dealt round-robin, so fold sizes differ by at most one. */
public final class Folds {
    private Folds() {
    }

    /**
     * The fold of each of {@code cases} cases (0-based); every fold gets at least one case.
     *
     * @throws InvalidInputException for fewer cases than folds, or fewer than 2 cases with more than one fold
     */
    public static int[] assign(int cases, int folds, long seed) {
        if (folds < 1) {
            throw new InvalidInputException("folds must be ≥ 1, got " + folds);
        }
        if (cases < folds || (folds > 1 && cases < 2)) {
            throw new InvalidInputException(cases + " training cases cannot fill " + folds + " cross-validation folds");
        }
        int[] order = new int[cases];
        for (int i = 0; i < cases; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = cases - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] fold = new int[cases];
        for (int i = 0; i < cases; i++) {
            fold[order[i]] = i % folds;
        }
        return fold;
    }

    /** The case indices of fold {@code f}. */
    public static List<Integer> members(int[] assignment, int f) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < assignment.length; i++) {
            if (assignment[i] == f) {
                out.add(i);
            }
        }
        return out;
    }
}
