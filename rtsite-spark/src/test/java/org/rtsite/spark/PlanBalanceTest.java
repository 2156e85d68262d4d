package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

/** Stage 3's tasks get equal bytes of plans, not equal numbers of plans. */
class PlanBalanceTest {

    private static long[] loads(List<Row> sizes, int tasks) {
        Map<String, Integer> taskOf = PlanBalance.assign(sizes, tasks);
        assertEquals(sizes.size(), taskOf.size(), "every plan has a task");
        long[] load = new long[tasks];
        for (Row r : sizes) {
            load[taskOf.get(r.getString(0))] += r.getLong(1);
        }
        return load;
    }

    @Test
    void twoLargePlansGoToDifferentTasksAndTheSmallOnesFillTheOther() {
        // in archive order, plans by count would give task 0 {big, big, small...} on two tasks
        List<Row> sizes = new ArrayList<>();
        sizes.add(RowFactory.create("/a/big1", 600L));
        sizes.add(RowFactory.create("/a/big2", 600L));
        for (int i = 0; i < 6; i++) {
            sizes.add(RowFactory.create("/a/small" + i, 100L));
        }
        long[] load = loads(sizes, 2);
        assertEquals(900L, load[0]);
        assertEquals(900L, load[1]);
    }

    @Test
    void theLongestTaskIsWithinTheRuleBound() {
        List<Row> sizes = new ArrayList<>();
        long total = 0;
        long seed = 17;
        for (int i = 0; i < 200; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            long bytes = 10_000_000L + Math.floorMod(seed >>> 16, 90_000_000L);
            sizes.add(RowFactory.create("/archive/p" + i + "/RP.dcm", bytes));
            total += bytes;
        }
        long[] load = loads(sizes, 8);
        long max = java.util.Arrays.stream(load).max().orElseThrow();
        long min = java.util.Arrays.stream(load).min().orElseThrow();
        // largest first into the emptiest task: no task exceeds the mean by more than the largest plan
        assertTrue(max <= total / 8 + 100_000_000L, "max " + max + " mean " + total / 8);
        assertTrue(max - min <= 100_000_000L, "max " + max + " min " + min);
    }

    @Test
    void theSmallestPlansEndTheStageInTasksOfTheirOwn() {
        List<Row> sizes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sizes.add(RowFactory.create(String.format("/a/p%02d", i), 1000L + i));
        }
        Map<String, Integer> taskOf = PlanBalance.assign(sizes, 8, 2);
        assertEquals(16, taskOf.size(), "every plan has a task");
        // the two smallest alone in the last two tasks, which Spark starts last
        assertEquals(8, taskOf.get("/a/p01"));
        assertEquals(9, taskOf.get("/a/p00"));
        long[] plans = new long[10];
        taskOf.values().forEach(t -> plans[t]++);
        for (int t = 0; t < 8; t++) {
            assertTrue(plans[t] >= 1 && plans[t] <= 2, "task " + t + ": " + plans[t]);
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PlanBalance.assign(sizes, 8, 9));
        assertEquals("singles must be >= 0 and leave a plan for each of the 8 tasks of 16 plans, got 9", e.getMessage());
    }

    @Test
    void moreTasksThanPlansLeavesTasksEmptyAndZeroTasksIsRefused() {
        long[] load = loads(List.of(RowFactory.create("/p", 5L)), 3);
        assertEquals(5L, load[0] + load[1] + load[2]);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PlanBalance.assign(List.of(), 0));
        assertEquals("tasks must be >= 1, got 0", e.getMessage());
    }
}
