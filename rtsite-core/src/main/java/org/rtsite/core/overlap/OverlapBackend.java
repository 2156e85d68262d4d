package org.rtsite.core.overlap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts organ ∩ isodose voxels and V85 moments over an isodose box. Implementations are found
 * with {@link java.util.ServiceLoader} (see {@link OverlapBackends}); the CPU backend ships in
 * rtsite-core, the CUDA backend in rtsite-gpu-jcuda. Every backend must return exactly the same
 * integer counts for the same box. Implementations are thread-safe.
 */
public interface OverlapBackend {

    /** Short name users select the backend by, e.g. {@code cpu} or {@code cuda}. */
    String name();

    /** Higher wins when the backend is chosen automatically. */
    int priority();

    /** Why this backend cannot run on this machine, or empty when it can. Cheap after the first call. */
    Optional<String> unavailableReason();

    OverlapCounts count(IsodoseBox box);

    /** Many plans' boxes; backends that batch (GPU) override this. */
    default List<OverlapCounts> countAll(List<IsodoseBox> boxes) {
        List<OverlapCounts> out = new ArrayList<>(boxes.size());
        for (IsodoseBox b : boxes) {
            out.add(count(b));
        }
        return out;
    }
}
