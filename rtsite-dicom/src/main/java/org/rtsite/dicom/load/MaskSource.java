package org.rtsite.dicom.load;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.PlanInput;

/**
 * Where a plan's organ masks come from: the plan's own structure set, segmentations on disk, or a
 * segmenter. Implementations must be thread-safe (one instance serves all workers).
 */
public interface MaskSource {

    /** Short name stored with each result, e.g. {@code rtstruct}. */
    String name();

    /**
     * The classifier input for one loaded plan.
     *
     * @throws org.rtsite.core.InvalidInputException when no usable mask exists for the plan (the message says why)
     */
    Prepared prepare(LoadedPlan plan);

    /**
     * @param input     what the classifier gets
     * @param unmatched structure names of the source that the region dictionary does not know (reported, not used)
     */
    record Prepared(PlanInput input, List<String> unmatched) {
        public Prepared {
            Objects.requireNonNull(input, "input");
            unmatched = List.copyOf(unmatched);
        }
    }
}
