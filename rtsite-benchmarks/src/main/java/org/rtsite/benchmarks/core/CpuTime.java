package org.rtsite.benchmarks.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the measuring thread per call, reported by JMH as the secondary result
 * {@code cpuMsPerOp} of each iteration: on a shared, oversubscribed machine wall time includes
 * waiting for a core, CPU time does not. (JMH's summary line for this counter adds the
 * iterations up; divide by the iteration count, or read the per-iteration lines.)
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    long nanos;
    long calls;

    @Setup(Level.Iteration)
    public void reset() {
        nanos = 0;
        calls = 0;
    }

    public long start() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public void stop(long start) {
        nanos += THREADS.getCurrentThreadCpuTime() - start;
        calls++;
    }

    public double cpuMsPerOp() {
        return calls == 0 ? 0 : nanos / 1e6 / calls;
    }
}
