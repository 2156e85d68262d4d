package org.rtsite.spark;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.spark.Partitioner;
import org.apache.spark.sql.Row;
import org.rtsite.core.InvalidInputException;

/**
 * Stage 3's tasks get equal work, measured by the bytes of each plan's files (CT slices, dose, structure
 * set, plan: what the plan loader reads and the classifier goes over), not equal plan counts: a task
 * of three 512-slice CTs would otherwise run long after a task of three 60-slice ones. Plans are taken
 * largest first, each into the task with the fewest bytes so far (longest-processing-time rule: at most
 * 4/3 of the best possible longest task). The last plans of a stage may go into tasks of one plan each,
 * scheduled last, so that the slots finish within about one plan of each other rather than one task.
 */
final class PlanBalance {

    private PlanBalance() {
    }

    /**
     * Task of each plan.
     *
     * @param sizes rows of (plan_file, input_bytes)
     * @param tasks number of tasks, at least 1
     */
    static Map<String, Integer> assign(List<Row> sizes, int tasks) {
        return assign(sizes, tasks, 0);
    }

    /**
     * Task of each plan: the {@code singles} smallest plans each alone in a task of its own, numbered
     * {@code tasks} to {@code tasks + singles - 1} (Spark starts a stage's tasks in that order, so these run
     * last), the others dealt by size into tasks {@code 0} to {@code tasks - 1}.
     *
     * @param sizes   rows of (plan_file, input_bytes)
     * @param tasks   number of tasks sharing the other plans, at least 1
     * @param singles number of one-plan tasks at the end, at least 0 and at most the plans beyond {@code tasks}
     */
    static Map<String, Integer> assign(List<Row> sizes, int tasks, int singles) {
        if (tasks < 1) {
            throw new InvalidInputException("tasks must be >= 1, got " + tasks);
        }
        if (singles < 0 || (singles > 0 && singles > sizes.size() - tasks)) {
            throw new InvalidInputException("singles must be >= 0 and leave a plan for each of the " + tasks
                    + " tasks of " + sizes.size() + " plans, got " + singles);
        }
        List<Row> largestFirst = sizes.stream()
                .sorted(Comparator.comparingLong((Row r) -> r.getLong(1)).reversed()
                        .thenComparing(r -> r.getString(0)))
                .toList();
        int dealt = largestFirst.size() - singles;
        // (bytes so far, task); the lower task on ties, so that equal plans fill the tasks in turn
        PriorityQueue<long[]> load = new PriorityQueue<>(Comparator.<long[]>comparingLong(t -> t[0])
                .thenComparingLong(t -> t[1]));
        for (int t = 0; t < tasks; t++) {
            load.add(new long[] {0, t});
        }
        Map<String, Integer> out = new HashMap<>();
        for (Row r : largestFirst.subList(0, dealt)) {
            long[] least = load.poll();
            out.put(r.getString(0), (int) least[1]);
            least[0] += r.getLong(1);
            load.add(least);
        }
        for (int i = dealt; i < largestFirst.size(); i++) {
            out.put(largestFirst.get(i).getString(0), tasks + i - dealt);
        }
        return out;
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
