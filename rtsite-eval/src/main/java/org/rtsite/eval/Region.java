package org.rtsite.eval;

import java.util.Locale;
import org.rtsite.core.InvalidInputException;

/**
 * The six anatomic regions, in the paper's tie-break order. Stand-in until the core's region
 * dictionary publishes its own type: every name → region conversion in this module goes through
 * {@link #parse}, so swapping to the core type touches this file only.
 */
public enum Region {
    CRANIAL("Cranial"),
    HEAD_AND_NECK("Head and Neck"),
    THORAX("Thorax"),
    ABDOMEN("Abdomen"),
    PELVIS("Pelvis"),
    EXTREMITY("Extremity");

    private final String displayName;

    Region(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Accepts the display name, the enum name and common spellings ({@code H&N}, {@code HN},
     * {@code head_and_neck}, {@code Head & Neck}), case-insensitively.
     */
    public static Region parse(String text) {
        if (text == null) {
            throw new InvalidInputException("region name is missing");
        }
        String key = text.trim().toLowerCase(Locale.ROOT).replace("&", " and ").replaceAll("[^a-z]+", "");
        switch (key) {
            case "cranial", "brain", "cns":
                return CRANIAL;
            case "headandneck", "hn", "handn", "headneck":
                return HEAD_AND_NECK;
            case "thorax", "chest":
                return THORAX;
            case "abdomen":
                return ABDOMEN;
            case "pelvis":
                return PELVIS;
            case "extremity", "extremities":
                return EXTREMITY;
            default:
                throw new InvalidInputException("unknown region '" + text
                        + "' (expected one of Cranial, Head and Neck, Thorax, Abdomen, Pelvis, Extremity)");
        }
    }

    /**
     * Region adjacency of ALGORITHM.md §2: the chain Cranial–H&N–Thorax–Abdomen–Pelvis–Extremity,
     * and Extremity also touches Thorax (arms and shoulders).
     */
    public boolean adjacentTo(Region other) {
        if (Math.abs(ordinal() - other.ordinal()) == 1) {
            return true;
        }
        return (this == EXTREMITY && other == THORAX) || (this == THORAX && other == EXTREMITY);
    }

    @Override
    public String toString() {
        return displayName;
    }
}
