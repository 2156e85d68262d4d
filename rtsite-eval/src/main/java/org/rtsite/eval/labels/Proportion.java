package org.rtsite.eval.labels;

import org.rtsite.core.InvalidInputException;


/**
 * A binomial proportion {@code successes / n} with its 95 % confidence intervals. The paper reports
 * Wald intervals; Wilson intervals behave better near 0 and 1 and are offered beside them.
 */
public record Proportion(int successes, int n) {

    /** Two-sided 95 % normal quantile, rounded as in the paper. */
    public static final double Z95 = 1.96;

    public Proportion {
        if (n < 0 || successes < 0 || successes > n) {
            throw new InvalidInputException("proportion " + successes + "/" + n + " is not valid");
        }
    }

    public double estimate() {
        return n == 0 ? Double.NaN : (double) successes / n;
    }

    /** Wald interval p ± z·√(p(1−p)/n), clipped to [0, 1]. */
    public Interval wald() {
        double p = estimate();
        double half = Z95 * Math.sqrt(p * (1 - p) / n);
        return new Interval(Math.max(0, p - half), Math.min(1, p + half));
    }

    /** Wilson score interval. */
    public Interval wilson() {
        double p = estimate();
        double z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    public record Interval(double lower, double upper) {
    }
}
