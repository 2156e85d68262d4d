package org.rtsite.gpu;

import java.util.List;
import java.util.Optional;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.overlap.OverlapBackends;
import org.rtsite.core.overlap.OverlapCounts;

/**
 * The overlap counts on an NVIDIA GPU through the CUDA driver API (JCuda), as an
 * {@link OverlapBackend} named {@code cuda} that {@link OverlapBackends#select} prefers over the
 * CPU backend wherever it can run. The device is looked for once per JVM; where there is none (no
 * libcuda.so.1, cuInit failing, no device, a driver too old for the PTX) {@link #unavailableReason()}
 * says why and {@code select("auto")} falls back to the CPU. {@code -Drtsite.cuda.device=N} picks
 * another device than 0.
 *
 * <p>Counts equal the CPU backend's exactly; the double-precision dose sums of the V85 moments
 * are summed in another order and agree to rounding. Calls are thread-safe and serialised on the device.
 */
public final class CudaOverlapBackend implements OverlapBackend {
    public static final String NAME = "cuda";
    /** Above the CPU backend's 0. */
    public static final int PRIORITY = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(CudaDevice.detection().unavailableReason());
    }

    /** The device counted on, e.g. {@code NVIDIA H100 (device 0, compute 9.0, 132 SMs, driver API 13.0)}, or empty. */
    public Optional<String> device() {
        CudaDevice d = CudaDevice.detection().device();
        return d == null ? Optional.empty() : Optional.of(d.description());
    }

    @Override
    public OverlapCounts count(IsodoseBox box) {
        return countAll(List.of(box)).get(0);
    }

    /**
     * Counts many plans' boxes in one launch sequence: two streams alternate, so that the host packs
     * the next box into pinned memory while the GPU copies and counts the previous one; pinned and
     * device buffers are reused from box to box.
     */
    @Override
    public List<OverlapCounts> countAll(List<IsodoseBox> boxes) {
        return device().isPresent() ? CudaDevice.detection().device().countAll(boxes) : throwUnavailable();
    }

    /** Copies {@code box} to the device once, for repeated transfer-free counting. */
    public ResidentBox upload(IsodoseBox box) {
        CudaDevice d = CudaDevice.detection().device();
        if (d == null) {
            throwUnavailable();
        }
        return d.upload(box);
    }

    private <T> T throwUnavailable() {
        throw new RtsiteException("overlap backend '" + NAME + "' is unavailable: "
                + CudaDevice.detection().unavailableReason());
    }
}
