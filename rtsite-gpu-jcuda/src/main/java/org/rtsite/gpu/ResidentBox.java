package org.rtsite.gpu;

import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;

/**
 * An isodose box whose inputs stay in device memory, so that {@link #count()} costs only the
 * kernel and the copy of the (small) counts back: the transfer-excluded figure, and a way to
 * count the same box repeatedly. Close it to free its pinned and device memory.
 */
public final class ResidentBox implements AutoCloseable {
    private final CudaDevice device;
    private final CudaDevice.Lane lane;
    private final BoxLayout layout;
    private boolean closed;

    ResidentBox(CudaDevice device, CudaDevice.Lane lane, BoxLayout layout) {
        this.device = device;
        this.lane = lane;
        this.layout = layout;
    }

    /** Counts the resident box; equal to {@link CudaOverlapBackend#count} of the box uploaded. */
    public OverlapCounts count() {
        synchronized (this) {
            if (closed) {
                throw new RtsiteException("resident box has been closed");
            }
        }
        return device.countResident(lane, layout);
    }

    /**
     * Mean device time in milliseconds of one count without any transfer (zeroing the counts and the
     * kernel launches), over {@code repeats} back-to-back launches timed with CUDA events.
     */
    public double kernelMillis(int repeats) {
        if (repeats < 1) {
            throw new InvalidInputException("repeats must be at least 1, got " + repeats);
        }
        synchronized (this) {
            if (closed) {
                throw new RtsiteException("resident box has been closed");
            }
        }
        return device.timeResident(lane, layout, repeats);
    }

    /** Bytes the box occupies in device memory (what one count reads). */
    public long deviceBytes() {
        return layout.bytes();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            device.release(lane);
        }
    }
}
