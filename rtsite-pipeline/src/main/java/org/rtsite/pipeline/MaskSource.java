package org.rtsite.pipeline;

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
     * This source reading structure names with {@code dictionary}: the classifier's, so that the region
     * dictionary is given in one place ({@link ArchiveClassifier} and {@link RtsitePipeline} call it with
     * their classifier's). Sources that match no names return themselves.
     */
    default MaskSource withDictionary(org.rtsite.core.region.RegionDictionary dictionary) {
        Objects.requireNonNull(dictionary, "dictionary");
        return this;
    }

    /**
     * @param input     what the classifier gets
     * @param unmatched structure names of the source that the region dictionary does not know (reported, not used)
     * @param notes     how masks were brought onto the CT grid when not as given (stored as the result's
     *                  {@code maskNotes}), e.g. re-indexed or resampled NIfTI files
     */
    record Prepared(PlanInput input, List<String> unmatched, List<String> notes) {
        public Prepared {
            Objects.requireNonNull(input, "input");
            unmatched = List.copyOf(unmatched);
            notes = List.copyOf(notes);
        }

        /** Masks used as given: no notes. */
        public Prepared(PlanInput input, List<String> unmatched) {
            this(input, unmatched, List.of());
        }
    }
}
