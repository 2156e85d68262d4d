package org.rtsite.pipeline;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.PlanInput;
import org.rtsite.core.segment.OrganSegmenter;

/** Organ masks from an {@link OrganSegmenter} (e.g. the DJL module's), called once per plan with the cropped CT. */
public final class SegmenterMaskSource implements MaskSource {
    private final OrganSegmenter segmenter;
    private final String name;

    public SegmenterMaskSource(String name, OrganSegmenter segmenter) {
        this.name = Objects.requireNonNull(name, "name");
        this.segmenter = Objects.requireNonNull(segmenter, "segmenter");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Prepared prepare(LoadedPlan plan) {
        return new Prepared(PlanInput.withSegmenter(plan.ct().volume(), plan.dose(), segmenter), List.of());
    }
}
