package org.rtsite.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which of the doses linked to a plan the classifier uses (docs/archive.md, linkage step 6, "Dose
 * choice"): a decision on the indexed attributes alone (summation type, referenced beams, dose
 * grid), recorded as a {@link DoseChoice}; conflicts and reasons go to the plan's {@link Linker.Ctx}.
 */
final class DoseChooser {
    private DoseChooser() {
    }

    /**
     * One dose of summation type PLAN; else BEAM doses summed when they cover every beam of the plan
     * once; else one FRACTION dose times the plan's fractions. Several candidates of the deciding type
     * are a conflict, never a pick.
     */
    static DoseChoice choose(IndexedFile plan, List<IndexedFile> accepted, Linker.Ctx ctx) {
        Map<String, List<IndexedFile>> byType = new LinkedHashMap<>();
        for (IndexedFile d : accepted) {
            String t = d.doseSummationType() == null ? "(none)" : d.doseSummationType();
            byType.computeIfAbsent(t, k -> new ArrayList<>()).add(d);
        }
        List<String> all = accepted.stream().map(IndexedFile::path).toList();
        List<IndexedFile> planDoses = byType.getOrDefault("PLAN", List.of());
        if (planDoses.size() == 1) {
            return new DoseChoice(DoseChoice.Decision.PLAN, List.of(planDoses.get(0).path()), 1, true,
                    without(all, planDoses), "one dose of summation type PLAN" + (accepted.size() > 1
                    ? "; other doses of the plan (" + types(byType) + ") not used" : ""));
        }
        if (planDoses.size() > 1) {
            ctx.conflict(Conflict.Type.DOSE_CONFLICT, planDoses.size() + " different PLAN doses reference this plan",
                    planDoses.stream().map(IndexedFile::path).toList());
            ctx.reasons.add("several PLAN doses");
            return DoseChoice.none("several PLAN doses, none chosen", all);
        }
        List<IndexedFile> beams = byType.getOrDefault("BEAM", List.of());
        if (!beams.isEmpty()) {
            return beamSum(plan, beams, all, ctx);
        }
        List<IndexedFile> fractions = byType.getOrDefault("FRACTION", List.of());
        if (fractions.size() == 1) {
            if (plan.fractions() == null) {
                ctx.reasons.add("FRACTION dose but the plan states no NumberOfFractionsPlanned");
                return DoseChoice.none("FRACTION dose without a number of fractions", all);
            }
            return new DoseChoice(DoseChoice.Decision.FRACTION_SCALED, List.of(fractions.get(0).path()),
                    plan.fractions(), true, without(all, fractions), "one FRACTION dose times "
                    + plan.fractions() + " fractions planned");
        }
        if (fractions.size() > 1) {
            ctx.conflict(Conflict.Type.DOSE_CONFLICT, fractions.size() + " FRACTION doses reference this plan",
                    fractions.stream().map(IndexedFile::path).toList());
            ctx.reasons.add("several FRACTION doses");
            return DoseChoice.none("several FRACTION doses, none chosen", all);
        }
        ctx.reasons.add("no PLAN, BEAM or FRACTION dose (" + types(byType) + ")");
        return DoseChoice.none("dose summation types " + types(byType) + " are not used", all);
    }

    private static DoseChoice beamSum(IndexedFile plan, List<IndexedFile> beams, List<String> all, Linker.Ctx ctx) {
        Set<String> planBeams = new TreeSet<>(Comparator.comparingInt(Integer::parseInt));
        planBeams.addAll(plan.refs(RefKind.PLAN_BEAM));
        Map<String, IndexedFile> byBeam = new LinkedHashMap<>();
        for (IndexedFile d : beams) {
            List<String> nums = d.refs(RefKind.DOSE_BEAM);
            if (nums.isEmpty()) {
                if (beams.size() == 1 && planBeams.size() <= 1) {
                    nums = planBeams.isEmpty() ? List.of("?") : List.copyOf(planBeams);
                } else {
                    ctx.conflict(Conflict.Type.DOSE_CONFLICT, "BEAM dose without ReferencedBeamNumber among "
                            + beams.size() + " BEAM doses", List.of(d.path()));
                    ctx.reasons.add("BEAM dose without a beam number");
                    return DoseChoice.none("BEAM doses cannot be matched to beams", all);
                }
            }
            for (String n : nums) {
                IndexedFile prev = byBeam.putIfAbsent(n, d);
                if (prev != null && prev != d) {
                    ctx.conflict(Conflict.Type.DOSE_CONFLICT, "beam " + n + " is covered by two BEAM doses",
                            List.of(prev.path(), d.path()));
                    ctx.reasons.add("beam " + n + " covered twice");
                    return DoseChoice.none("a beam is covered by two BEAM doses", all);
                }
            }
        }
        Set<String> missing = new TreeSet<>(planBeams);
        missing.removeAll(byBeam.keySet());
        if (!missing.isEmpty()) {
            ctx.reasons.add("BEAM doses cover beams " + byBeam.keySet() + " of the plan's " + planBeams
                    + "; missing " + missing);
            return DoseChoice.none("BEAM doses do not cover every beam", all);
        }
        List<IndexedFile> use = new ArrayList<>(new LinkedHashSet<>(byBeam.values()));
        boolean common = use.stream().map(IndexedFile::doseGrid).distinct().count() == 1;
        return new DoseChoice(DoseChoice.Decision.BEAM_SUM, use.stream().map(IndexedFile::path).toList(), 1, common,
                without(all, use), "sum of " + use.size() + " BEAM dose(s) for beams " + byBeam.keySet()
                + (common ? " on one grid" : " on different grids (resample onto a common grid)"));
    }

    private static List<String> without(List<String> all, List<IndexedFile> used) {
        Set<String> u = used.stream().map(IndexedFile::path).collect(Collectors.toSet());
        return all.stream().filter(p -> !u.contains(p)).toList();
    }

    private static String types(Map<String, List<IndexedFile>> byType) {
        return byType.entrySet().stream().map(e -> e.getValue().size() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }
}
