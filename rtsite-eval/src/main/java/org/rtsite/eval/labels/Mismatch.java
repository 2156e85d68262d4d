package org.rtsite.eval.labels;

import java.util.List;
import org.rtsite.core.region.Region;

/** A plan whose predicted labels differ from the expert's, with the rule that fired. */
public record Mismatch(String planId, List<Region> predicted, List<Region> expert, String rule,
                       boolean top2Correct, boolean top1Correct, boolean nonAdjacent) {

    public Mismatch {
        predicted = List.copyOf(predicted);
        expert = List.copyOf(expert);
    }
}
