package org.rtsite.core.overlap;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;

/**
 * The counts one pass over an isodose box yields. For each source {@code s} (label maps, then
 * masks; see {@link IsodoseBox}) and bin {@code b} (label value, or 1 = inside a mask):
 * {@code organ[s][b]} voxels of the box carry that label, {@code inter85[s][b]} of them are in V85
 * and {@code inter50[s][b]} in V50. Scores and Dice follow from these on the host. Arrays are
 * owned; do not modify.
 */
public record OverlapCounts(long v85, long v50, long[][] organ, long[][] inter85, long[][] inter50,
                            V85Moments moments) {

    public OverlapCounts {
        Objects.requireNonNull(organ, "organ");
        Objects.requireNonNull(inter85, "inter85");
        Objects.requireNonNull(inter50, "inter50");
        Objects.requireNonNull(moments, "moments");
        if (organ.length != inter85.length || organ.length != inter50.length) {
            throw new InvalidInputException("count tables disagree on the number of sources: "
                    + organ.length + ", " + inter85.length + ", " + inter50.length);
        }
    }

    public int sourceCount() {
        return organ.length;
    }

    /** True when every integer count is equal and the floating-point moments agree to {@code relTol}. */
    public boolean sameCounts(OverlapCounts o, double relTol) {
        if (v85 != o.v85 || v50 != o.v50 || organ.length != o.organ.length) {
            return false;
        }
        for (int s = 0; s < organ.length; s++) {
            if (!java.util.Arrays.equals(organ[s], o.organ[s])
                    || !java.util.Arrays.equals(inter85[s], o.inter85[s])
                    || !java.util.Arrays.equals(inter50[s], o.inter50[s])) {
                return false;
            }
        }
        V85Moments a = moments, b = o.moments;
        return a.count() == b.count() && a.sumI() == b.sumI() && a.sumJ() == b.sumJ() && a.sumK() == b.sumK()
                && close(a.doseSum(), b.doseSum(), relTol) && close(a.doseSumI(), b.doseSumI(), relTol)
                && close(a.doseSumJ(), b.doseSumJ(), relTol) && close(a.doseSumK(), b.doseSumK(), relTol);
    }

    private static boolean close(double x, double y, double relTol) {
        return Math.abs(x - y) <= relTol * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }
}
