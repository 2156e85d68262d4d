package org.rtsite.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The words a planner gave a plan: RTPLAN RT Plan Label (300A,0002), RT Plan Name (300A,0003)
 * and the names of its target ROIs (PTV/CTV/GTV). Any of them may be null or empty.
 */
public record PlanText(String planLabel, String planName, List<String> targetRoiNames) {

    public PlanText {
        List<String> names = new ArrayList<>();
        if (targetRoiNames != null) {
            for (String n : targetRoiNames) {
                if (n != null) {
                    names.add(n);
                }
            }
        }
        targetRoiNames = List.copyOf(names);
    }

    /** The texts in the order they are read: label, name, then target names. */
    List<String> fields() {
        List<String> all = new ArrayList<>();
        if (planLabel != null) {
            all.add(planLabel);
        }
        if (planName != null) {
            all.add(planName);
        }
        all.addAll(targetRoiNames);
        return all;
    }
}
