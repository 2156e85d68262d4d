package org.rtsite.core.text;

import java.util.List;
import org.rtsite.core.region.Region;

/**
 * What the plan's words say.
 *
 * @param labels   regions named by keywords, most hits first (ties: first mentioned first); empty
 *                 when no keyword matched
 * @param evidence each match as {@code "keyword -> Region (in 'text')"}, in reading order
 */
public record TextSiteResult(List<Region> labels, List<String> evidence) {

    public TextSiteResult {
        labels = List.copyOf(labels);
        evidence = List.copyOf(evidence);
    }

    /** The first label, or null. */
    public Region primary() {
        return labels.isEmpty() ? null : labels.get(0);
    }
}
