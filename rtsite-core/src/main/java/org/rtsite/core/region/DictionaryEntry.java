package org.rtsite.core.region;

import java.util.Objects;

/**
 * What the region dictionary says about one structure name.
 *
 * @param canonical the dictionary's own name for the structure (TotalSegmentator class name for
 *                  the bundled dictionary), which aliases resolve to
 * @param region    the region the structure votes for, or null when the structure is excluded
 */
public record DictionaryEntry(String canonical, Region region) {

    public DictionaryEntry {
        Objects.requireNonNull(canonical, "canonical");
    }

    /** Excluded structures take part in no rule (vessels, muscles, the raw bowel, ...). */
    public boolean excluded() {
        return region == null;
    }
}
