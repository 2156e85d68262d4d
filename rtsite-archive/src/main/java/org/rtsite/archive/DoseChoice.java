package org.rtsite.archive;

import java.util.List;

/**
 * Which dose the classifier should use for a plan. The voxel summation belongs to loading; this
 * records the decision and its inputs.
 *
 * @param decision   PLAN (one dose of summation type PLAN), BEAM_SUM (sum of BEAM doses),
 *                   FRACTION_SCALED (a FRACTION dose times {@code scale}), or NONE
 * @param files      the dose files to use (summed for BEAM_SUM)
 * @param scale      factor to apply after summing (number of fractions for FRACTION_SCALED, else 1)
 * @param commonGrid true when all {@code files} share one grid (else loading must resample onto one)
 * @param unused     dose files of this plan not used (e.g. BEAM doses when a PLAN dose exists)
 * @param detail     why, in words
 */
public record DoseChoice(Decision decision, List<String> files, double scale, boolean commonGrid,
                         List<String> unused, String detail) implements java.io.Serializable {

    public DoseChoice {
        files = List.copyOf(files);
        unused = List.copyOf(unused);
    }

    public enum Decision { PLAN, BEAM_SUM, FRACTION_SCALED, NONE }

    static DoseChoice none(String detail, List<String> unused) {
        return new DoseChoice(Decision.NONE, List.of(), 1, true, unused, detail);
    }
}
