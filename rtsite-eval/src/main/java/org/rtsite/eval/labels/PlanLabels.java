package org.rtsite.eval.labels;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.Region;

/**
 * The ranked regions of one plan, most important first, and (for predictions) the decision-tree
 * rule that produced them; {@code rule} is empty for expert labels.
 */
public record PlanLabels(String planId, List<Region> regions, String rule) {

    public PlanLabels {
        Objects.requireNonNull(planId, "planId");
        if (planId.isBlank()) {
            throw new InvalidInputException("plan id is blank");
        }
        regions = List.copyOf(regions);
        if (new LinkedHashSet<>(regions).size() != regions.size()) {
            throw new InvalidInputException("plan '" + planId + "' lists a region twice: " + regions);
        }
        rule = rule == null ? "" : rule;
    }

    public static PlanLabels of(String planId, Region... regions) {
        return new PlanLabels(planId, List.of(regions), "");
    }

    /** The first {@code k} labels as a set (order ignored). */
    public Set<Region> top(int k) {
        return regions.stream().limit(k).collect(Collectors.toUnmodifiableSet());
    }

    /** The primary label, or null when the plan has none. */
    public Region primary() {
        return regions.isEmpty() ? null : regions.get(0);
    }

    /** Labels joined with {@code ;}, as written to CSV. */
    public String joined() {
        return regions.stream().map(Region::label).collect(Collectors.joining(";"));
    }
}
