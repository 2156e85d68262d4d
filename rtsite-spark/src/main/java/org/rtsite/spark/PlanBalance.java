package org.rtsite.spark;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.sql.Row;
import org.rtsite.core.InvalidInputException;

/**
 * Stage 3's tasks, cut by the bytes of each plan's files (CT slices, dose, structure set, plan: what the plan
 * loader reads and the classifier goes over), not by plan counts: a task of three 512-slice CTs would otherwise
 * run long after a task of three 60-slice ones. The cut is <em>factoring</em> (Hummel, Schonberg and Flynn,
 * 1992): the plans, largest first, go in batches of one task per slot, each task holding half the bytes still
 * to deal divided by the slots, so that tasks shrink as the stage goes on and its last tasks hold one small
 * plan each. A plan's time follows its bytes only roughly (the scene, the segmenter), and a slot that drew
 * slow plans catches up while the others take the smaller tasks: the slots end within about one plan of each
 * other. Before, the plans were dealt into equal tasks (four per slot) with a single plan per slot at the end:
 * with plan times half to one and a half times what their bytes say, the last slot ended up to 1.3 plans late
 * at 64 plans on two slots and up to 5.6 plans late at 1,000, where a task held 125 plans ({@code PlanBalanceTest}).
 * No task holds more than {@code 1 / partitions} of the bytes (a larger plan alone excepted), which keeps a
 * task's rows, held until it ends, and the work an executor lost takes with it, no larger than before.
 */
final class PlanBalance {

    /**
     * The plans' tasks.
     *
     * @param taskOf task of each plan file, 0 to {@code count - 1}, larger tasks first (Spark starts a
     *               stage's tasks in that order)
     * @param count  number of tasks, none empty
     */
    record Tasks(Map<String, Integer> taskOf, int count) {
    }

    private PlanBalance() {
    }

    /**
     * Cuts the plans into tasks (see the class comment).
     *
     * @param sizes      rows of (plan_file, input_bytes)
     * @param partitions the fewest tasks a stage's bytes may be cut into ({@code --partitions}), at least 1
     * @param slots      tasks the cluster runs at once, at least 1
     * @throws InvalidInputException when {@code partitions} or {@code slots} is below 1
     */
    static Tasks assign(List<Row> sizes, int partitions, int slots) {
        if (partitions < 1) {
            throw new InvalidInputException("partitions must be >= 1, got " + partitions);
        }
        if (slots < 1) {
            throw new InvalidInputException("slots must be >= 1, got " + slots);
        }
        List<Row> largestFirst = largestFirst(sizes);
        long remaining = 0;
        for (Row r : largestFirst) {
            remaining += weight(r);
        }
        // (a double: a petabyte archive's bytes times the slots stay exact enough for a bound)
        double cap = (double) remaining / partitions;
        Map<String, Integer> out = new HashMap<>();
        int task = 0;
        int next = 0;
        while (next < largestFirst.size()) {
            double target = Math.min(cap, (double) remaining / (2.0 * slots));
            for (int s = 0; s < slots && next < largestFirst.size(); s++) {
                long bytes = 0;
                // at least one plan; then the next ones while the task stays within the target
                do {
                    Row r = largestFirst.get(next++);
                    out.put(r.getString(0), task);
                    bytes += weight(r);
                } while (next < largestFirst.size() && bytes + weight(largestFirst.get(next)) <= target);
                remaining -= bytes;
                task++;
            }
        }
        return new Tasks(out, task);
    }

    /**
     * The plans in waves of at most {@code plans} plans, largest first (the order {@link #assign} deals them in):
     * a stage classifies and stores one wave after the other.
     *
     * @param sizes rows of (plan_file, input_bytes)
     * @param plans plans per wave, at least 1
     * @throws InvalidInputException when {@code plans} is below 1
     */
    static List<List<Row>> waves(List<Row> sizes, int plans) {
        if (plans < 1) {
            throw new InvalidInputException("plans per wave must be >= 1, got " + plans);
        }
        List<Row> largestFirst = largestFirst(sizes);
        List<List<Row>> waves = new java.util.ArrayList<>();
        for (int i = 0; i < largestFirst.size(); i += plans) {
            waves.add(largestFirst.subList(i, Math.min(largestFirst.size(), i + plans)));
        }
        return waves;
    }

    private static List<Row> largestFirst(List<Row> sizes) {
        return sizes.stream()
                .sorted(Comparator.comparingLong((Row r) -> weight(r)).reversed()
                        .thenComparing(r -> r.getString(0)))
                .toList();
    }

    /** A plan's bytes, at least 1: a plan of unknown size still counts as work. */
    private static long weight(Row r) {
        return Math.max(1L, r.getLong(1));
    }

    /** Sends each plan to the task {@link #assign} chose (the key is that task's number). */
    static final class ByTask extends Partitioner {
        private final int tasks;

        ByTask(int tasks) {
            this.tasks = tasks;
        }

        @Override
        public int numPartitions() {
            return tasks;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByTask b && b.tasks == tasks;
        }

        @Override
        public int hashCode() {
            return tasks;
        }
    }
}
