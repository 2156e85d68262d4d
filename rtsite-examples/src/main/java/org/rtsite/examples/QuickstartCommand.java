package org.rtsite.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite quickstart}: classifies bundled synthetic plans and prints the result JSON. */
@Command(name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {"Builds a synthetic phantom plan (CT grid, dose on its own grid, TotalSegmentator-style "
                + "organ masks), classifies it and prints the result as JSON.",
                "Scenes: brain-metastasis, whole-brain, oropharynx, lung-sbrt, liver-sbrt, prostate, pelvic-nodes, "
                + "esophagus, femur, pelvis-femur-gap, v50-only; or 'all'."})
public final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scene", paramLabel = "NAME", defaultValue = "lung-sbrt",
            description = "Phantom scene to classify, or 'all' (default: ${DEFAULT-VALUE}).")
    String scene;

    @Option(names = "--summary", description = "Print one line per plan (labels, rule, expected) instead of JSON.")
    boolean summary;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Overlap backend: auto, cpu, or one a plug-in provides (default: ${DEFAULT-VALUE}).")
    String backend;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PhantomScene> scenes;
        try {
            scenes = scene.equalsIgnoreCase("all") ? List.of(PhantomScene.values()) : List.of(PhantomScene.parse(scene));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        SiteClassifier classifier = SiteClassifier.builder().backend(backend).build();
        List<String> json = new ArrayList<>();
        int mismatches = 0;
        for (PhantomScene s : scenes) {
            SiteResult r = classifier.classify(s.build().withMasks());
            boolean asExpected = r.labels().equals(s.expectedLabels()) && r.rule() == s.expectedRule();
            mismatches += asExpected ? 0 : 1;
            if (summary) {
                double ms = r.timingsMs().values().stream().mapToDouble(Double::doubleValue).sum();
                out.printf(Locale.ROOT, "%-17s %-28s %-12s %-9s %6.1f ms  %s%n", s.cliName(),
                        String.join(", ", r.labelNames()), r.rule(), asExpected ? "expected" : "UNEXPECTED", ms,
                        s.description());
            } else {
                json.add(SiteResultJson.write(r));
            }
        }
        if (!summary) {
            out.println(json.size() == 1 ? json.get(0) : "[" + String.join(",\n", json) + "]");
        }
        out.flush();
        return mismatches == 0 ? 0 : 1;
    }
}
