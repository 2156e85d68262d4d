package org.rtsite.core.overlap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.rtsite.core.phantom.SyntheticBoxes;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.volume.BinaryMask;

/** Invariants of the overlap counts, scores and Dice on random isodose boxes. */
class OverlapProperties {

    static Gen<IsodoseBox> boxes() {
        return integers().all().map(s -> SyntheticBoxes.random(s));
    }

    private final OverlapBackend cpu = new CpuOverlapBackend();

    @Test
    void cpuBackendMatchesTheNaiveCount() {
        qt().withExamples(200).forAll(boxes()).checkAssert(box -> {
            OverlapCounts c = cpu.count(box);
            int n = box.grid().voxelCount();
            for (int s = 0; s < box.sourceCount(); s++) {
                long[] organ = new long[box.binsOf(s)], i85 = new long[box.binsOf(s)], i50 = new long[box.binsOf(s)];
                for (int idx = 0; idx < n; idx++) {
                    int bin = s < box.labelMaps().size() ? box.labelMaps().get(s)[idx] & 0xFF
                            : BinaryMask.test(box.masks().get(s - box.labelMaps().size()), idx) ? 1 : 0;
                    organ[bin]++;
                    if (box.dose()[idx] >= box.level85()) {
                        i85[bin]++;
                    }
                    if (box.dose()[idx] >= box.level50()) {
                        i50[bin]++;
                    }
                }
                assertArrayEquals(organ, c.organ()[s]);
                assertArrayEquals(i85, c.inter85()[s]);
                assertArrayEquals(i50, c.inter50()[s]);
            }
        });
    }

    @Test
    void v85IsWithinV50() {
        qt().withExamples(200).forAll(boxes()).checkAssert(box -> {
            OverlapCounts c = cpu.count(box);
            assertTrue(c.v85() <= c.v50());
            for (int s = 0; s < c.sourceCount(); s++) {
                for (int b = 0; b < c.organ()[s].length; b++) {
                    assertTrue(c.inter85()[s][b] <= c.inter50()[s][b] && c.inter50()[s][b] <= c.organ()[s][b]);
                }
            }
        });
    }

    @Test
    void scoresAreFractionsAndDisjointOrgansSumToAtMostOne() {
        qt().withExamples(200).forAll(boxes()).checkAssert(box -> {
            OverlapCounts c = cpu.count(box);
            for (int s = 0; s < box.labelMaps().size(); s++) {
                double sum85 = 0, sum50 = 0;
                for (int b = 1; b < c.organ()[s].length; b++) {
                    OrganMetrics m = metrics(c, s, b);
                    for (double v : new double[] {m.score85(), m.score50(), m.dice85(), m.dice50()}) {
                        assertTrue(v >= 0 && v <= 1, () -> "out of [0,1]: " + m);
                    }
                    sum85 += m.score85();
                    sum50 += m.score50();
                }
                assertTrue(sum85 <= 1 + 1e-12 && sum50 <= 1 + 1e-12, sum85 + " " + sum50);
            }
        });
    }

    @Test
    void diceIsSymmetricInOrganAndIsodoseVolume() {
        // Swap roles: the organ becomes the high-dose region and V85 becomes the organ.
        qt().withExamples(150).forAll(boxes()).checkAssert(box -> {
            OverlapCounts c = cpu.count(box);
            byte[] organ = box.labelMaps().get(0);
            int n = organ.length;
            float[] swappedDose = new float[n];
            byte[] swappedOrgan = new byte[n];
            for (int idx = 0; idx < n; idx++) {
                swappedDose[idx] = organ[idx] == 1 ? 10f : 1f;
                swappedOrgan[idx] = (byte) (box.dose()[idx] >= box.level85() ? 1 : 0);
            }
            IsodoseBox swapped = new IsodoseBox(box.grid(), swappedDose, 8.5f, 5f, List.of(swappedOrgan), List.of());
            OverlapCounts d = cpu.count(swapped);
            double dice = metrics(c, 0, 1).dice85();
            double back = d.v85() == 0 ? 0 : metrics(d, 0, 1).dice85();
            assertEquals(dice, back, 1e-12);
            assertTrue(dice <= 1);
        });
    }

    static OrganMetrics metrics(OverlapCounts c, int s, int b) {
        return OrganMetrics.of("o", "t", "o", null, OrganRole.UNMAPPED, c.organ()[s][b], c.inter85()[s][b],
                c.inter50()[s][b], c.v85(), c.v50());
    }
}
