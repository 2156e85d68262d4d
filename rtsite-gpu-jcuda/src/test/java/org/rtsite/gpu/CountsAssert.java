package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.rtsite.core.overlap.OverlapCounts;

/** Asserts {@link OverlapCounts#sameCounts}, saying which count differs when it does not hold. */
final class CountsAssert {
    /** The dose sums are added in another order on the GPU; 1e-9 is far above double rounding for these boxes. */
    static final double DOSE_SUM_TOLERANCE = 1e-9;

    private CountsAssert() {
    }

    static void assertSameCounts(OverlapCounts expected, OverlapCounts actual, String context) {
        if (expected.sameCounts(actual, DOSE_SUM_TOLERANCE)) {
            return;
        }
        assertEquals(expected.v85(), actual.v85(), context + ": v85");
        assertEquals(expected.v50(), actual.v50(), context + ": v50");
        assertEquals(expected.sourceCount(), actual.sourceCount(), context + ": sources");
        for (int s = 0; s < expected.sourceCount(); s++) {
            assertArrayEquals(expected.organ()[s], actual.organ()[s], context + ": organ counts of source " + s);
            assertArrayEquals(expected.inter85()[s], actual.inter85()[s], context + ": V85 counts of source " + s);
            assertArrayEquals(expected.inter50()[s], actual.inter50()[s], context + ": V50 counts of source " + s);
        }
        assertEquals(expected.moments(), actual.moments(), context + ": V85 moments");
        assertTrue(false, context + ": counts differ");
    }
}
