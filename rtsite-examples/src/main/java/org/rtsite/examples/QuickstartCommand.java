package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.inference.DjlSegmenter;
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
                + "esophagus, femur, pelvis-femur-gap, v50-only; or 'all'.",
                "With --segmenter, a network segments the phantom CT instead of using the phantom's own masks "
                + "(e.g. models/phantom-total-pt, trained on phantoms; see docs/inference.md)."})
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

    @Option(names = "--segmenter", paramLabel = "PACKAGE",
            description = "Model package (directory or zip) whose network segments the phantom CT; the scene's "
                    + "own masks are then not used. Only the labels are compared with the scene's expectation.")
    Path segmenter;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Threads running network windows with --segmenter (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() {
        if (segmenter == null) {
            return run(null);
        }
        // rtsite never downloads: the engines' native libraries come from the class path
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(segmenter), workers)) {
            return run(seg);
        }
    }

    private int run(DjlSegmenter seg) {
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
            PhantomPlan plan = s.build();
            SiteResult r = seg == null ? classifier.classify(plan.withMasks()) : classifier.classify(plan.ct(), plan.dose(), seg);
            // a network knows fewer organs than the phantom, so the rule taken may differ; the labels must not
            boolean asExpected = r.labels().equals(s.expectedLabels()) && (seg != null || r.rule() == s.expectedRule());
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
