package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

class LaunchPlanProperties {

    @Test
    void everySourceIsCountedOnceWithinTheSharedMemoryBudget() {
        qt().forAll(integers().between(0, 40), integers().between(0, 3000), integers().between(3072, 228 * 1024))
                .checkAssert((maps, masks, shared) -> {
                    LaunchPlan plan = LaunchPlan.plan(maps, masks, shared);
                    int nextMap = 0;
                    int nextMask = 0;
                    for (int g = 0; g < plan.launches().size(); g++) {
                        LaunchPlan.Group group = plan.launches().get(g);
                        assertEquals(g == 0, group.scalars(), "only the first launch sums V85/V50: " + plan);
                        assertEquals(nextMap, group.firstMap(), "maps in order: " + plan);
                        assertEquals(nextMask, group.firstMask(), "masks in order: " + plan);
                        assertTrue(group.sharedBytes() <= shared, "group fits " + shared + " bytes: " + group);
                        assertTrue(g == 0 || group.mapCount() + group.maskCount() > 0, "no idle launch: " + plan);
                        nextMap += group.mapCount();
                        nextMask += group.maskCount();
                    }
                    assertEquals(maps, nextMap);
                    assertEquals(masks, nextMask);
                });
    }

    @Test
    void threeMapsOfTheRealisticBoxTakeOneLaunch() {
        LaunchPlan plan = LaunchPlan.plan(3, 2, 48 * 1024);
        assertEquals(1, plan.launches().size());
        assertEquals(4 * (3 * 768 + 2 * 3), plan.launches().get(0).sharedBytes());
    }

    @Test
    void theGridFillsTheDeviceButNeverExceedsTheBoxsWarps() {
        assertEquals(1, CudaDevice.blocksFor(1, 132));
        assertEquals(5, CudaDevice.blocksFor(5 * CudaDevice.THREADS, 132));
        assertEquals(6, CudaDevice.blocksFor(5 * CudaDevice.THREADS + 1, 132));
        assertEquals(132 * 8, CudaDevice.blocksFor(200 * 200 * 80, 132));
        assertEquals(40 * 8, CudaDevice.blocksFor(Integer.MAX_VALUE, 40));
    }

    @Test
    void tooLittleSharedMemoryForOneMapIsRefused() {
        var e = assertThrows(InvalidInputException.class, () -> LaunchPlan.plan(1, 0, 2048));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }
}
