package org.rtsite.core.region;

import java.util.Locale;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rtsite.core.InvalidInputException;

/**
 * The anatomic regions of Hink et al., in their fixed order: the order breaks ranking ties and
 * forms the adjacency chain Cranial–Head and Neck–Thorax–Abdomen–Pelvis–Extremity, with
 * Extremity also touching Thorax (arms and shoulders).
 */
public enum Region {
    CRANIAL("Cranial"),
    HEAD_AND_NECK("Head and Neck"),
    THORAX("Thorax"),
    ABDOMEN("Abdomen"),
    PELVIS("Pelvis"),
    EXTREMITY("Extremity");

    private final String label;

    Region(String label) {
        this.label = label;
    }

    /** The label as the paper writes it, e.g. {@code Head and Neck}. */
    @JsonValue
    public String label() {
        return label;
    }

    /** True for neighbours in the chain, and for Extremity–Thorax. A region is not adjacent to itself. */
    public boolean isAdjacentTo(Region other) {
        if (Math.abs(ordinal() - other.ordinal()) == 1) {
            return true;
        }
        return (this == EXTREMITY && other == THORAX) || (this == THORAX && other == EXTREMITY);
    }

    /**
     * Parses a label ({@code Head and Neck}), an enum name ({@code HEAD_AND_NECK}) or common short
     * forms ({@code H&N}, {@code HN}), ignoring case.
     *
     * @throws InvalidInputException naming the text when it is no region
     */
    @JsonCreator
    public static Region parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Region r : values()) {
            if (r.label.toLowerCase(Locale.ROOT).equals(t) || r.name().toLowerCase(Locale.ROOT).equals(t)) {
                return r;
            }
        }
        if (t.equals("h&n") || t.equals("hn") || t.equals("head & neck") || t.equals("head-and-neck")) {
            return HEAD_AND_NECK;
        }
        throw new InvalidInputException("unknown region '" + text + "'; expected one of Cranial, Head and Neck, "
                + "Thorax, Abdomen, Pelvis, Extremity");
    }

    @Override
    public String toString() {
        return label;
    }
}
