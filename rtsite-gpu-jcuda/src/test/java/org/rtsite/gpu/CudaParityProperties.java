package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;

/**
 * GPU against CPU on random boxes. Runs for real where a CUDA device is usable; elsewhere every
 * test is skipped with the detection's reason.
 */
class CudaParityProperties {
    private static final CudaOverlapBackend CUDA = new CudaOverlapBackend();
    private static final CpuOverlapBackend CPU = new CpuOverlapBackend();

    // Per test rather than @BeforeAll, so that every skipped test carries the reason in the reports.
    @BeforeEach
    void requireDevice() {
        assumeTrue(CUDA.device().isPresent(),
                () -> "GPU parity skipped, no usable CUDA device: " + CUDA.unavailableReason().orElse("?"));
    }

    @Test
    void randomBoxesCountExactlyAsOnTheCpu() {
        qt().withExamples(300).forAll(BoxScenes.specs(45, 4, 4)).checkAssert(spec -> {
            IsodoseBox box = spec.build();
            CountsAssert.assertSameCounts(CPU.count(box), CUDA.count(box), spec.toString());
        });
    }

    @Test
    void aBatchOfMixedSizesMatchesBoxByBoxAndBuffersAreReused() {
        Random rnd = new Random(42);
        List<IsodoseBox> boxes = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            int edge = 1 + rnd.nextInt(b % 5 == 0 ? 90 : 20);
            boxes.add(BoxScenes.box(edge, 1 + rnd.nextInt(40), 1 + rnd.nextInt(30), rnd.nextInt(4), rnd.nextInt(3), rnd));
        }
        for (int round = 0; round < 2; round++) {
            List<OverlapCounts> gpu = CUDA.countAll(boxes);
            assertEquals(boxes.size(), gpu.size());
            for (int b = 0; b < boxes.size(); b++) {
                CountsAssert.assertSameCounts(CPU.count(boxes.get(b)), gpu.get(b), "round " + round + ", box " + b);
            }
        }
    }

    @Test
    void theRealisticBoxWithTransfersAndResident() {
        IsodoseBox box = BoxScenes.box(200, 200, 80, 3, 2, new Random(5));
        OverlapCounts expected = CPU.count(box);
        CountsAssert.assertSameCounts(expected, CUDA.count(box), "200×200×80");
        ResidentBox closed;
        try (ResidentBox resident = CUDA.upload(box)) {
            closed = resident;
            CountsAssert.assertSameCounts(expected, resident.count(), "resident 200×200×80");
            CountsAssert.assertSameCounts(expected, resident.count(), "resident 200×200×80, again");
            double ms = resident.kernelMillis(5);
            org.junit.jupiter.api.Assertions.assertTrue(ms > 0 && ms < 1000, "kernel time " + ms + " ms");
            CountsAssert.assertSameCounts(expected, resident.count(), "resident 200×200×80 after timing");
        }
        org.junit.jupiter.api.Assertions.assertThrows(org.rtsite.core.RtsiteException.class, closed::count);
    }

    @Test
    void moreMapsThanSharedMemoryHoldsAreSplitOverLaunches() {
        // 90 maps × 3 KiB of histogram exceed even the 227 KiB a Hopper block may opt into.
        IsodoseBox box = BoxScenes.box(37, 29, 11, 90, 5, new Random(9));
        CountsAssert.assertSameCounts(CPU.count(box), CUDA.count(box), "90 maps");
    }

    @Test
    void aSingleVoxelBox() {
        IsodoseBox box = BoxScenes.box(1, 1, 1, 2, 2, new Random(11));
        CountsAssert.assertSameCounts(CPU.count(box), CUDA.count(box), "1 voxel");
    }
}
