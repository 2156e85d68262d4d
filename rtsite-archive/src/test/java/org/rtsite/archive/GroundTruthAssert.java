package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Exact comparison of a linkage report with a synthetic archive's ground truth. */
final class GroundTruthAssert {
    private GroundTruthAssert() {
    }

    static void assertRecovered(SyntheticArchive.GroundTruth truth, LinkageReport report) {
        Map<String, PlanBundle> got = report.plans().stream()
                .collect(Collectors.toMap(PlanBundle::planFile, Function.identity()));
        assertEquals(new HashSet<>(truth.plans().keySet()), got.keySet(), "plan files");
        for (Map.Entry<String, SyntheticArchive.Expected> e : truth.plans().entrySet()) {
            SyntheticArchive.Expected x = e.getValue();
            PlanBundle p = got.get(e.getKey());
            String at = e.getKey() + ": " + p;
            assertEquals(x.structureSetFile(), p.structureSetFile(), at);
            assertEquals(x.ctFiles(), p.ctFiles(), at);
            assertEquals(x.decision(), p.dose().decision(), at);
            assertEquals(x.doseFiles(), Set.copyOf(p.dose().files()), at);
            assertEquals(x.scale(), p.dose().scale(), 0, at);
            assertEquals(x.complete(), p.complete(), at);
            assertEquals(sorted(x.conflicts().stream().map(Enum::name).toList()),
                    sorted(p.conflicts().stream().map(c -> c.type().name()).toList()), at);
            assertEquals(sorted(x.fallbacks()), sorted(p.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).toList()), at);
        }
        Set<String> orphans = report.orphans().stream().map(Orphan::path).collect(Collectors.toSet());
        assertEquals(truth.orphans(), orphans, "orphans");
        assertEquals(truth.plans().size(), report.summary().plans());
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
