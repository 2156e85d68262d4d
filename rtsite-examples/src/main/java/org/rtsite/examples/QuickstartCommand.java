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
import org.rtsite.core.qa.QaPicture;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.output.CtSeriesIdentity;
import org.rtsite.dicom.output.IsodoseLevel;
import org.rtsite.dicom.output.IsodoseStructureSet;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.RtWriter;
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

    @Option(names = "--qa-png", paramLabel = "PATH",
            description = "Also draw the QA picture (axial, coronal, sagittal slices through the V85 centre, organs "
                    + "coloured by region, V85/V50 outlines): a PNG file for one scene, a directory of <scene>.png for 'all'.")
    Path qaPng;

    @Option(names = "--dicom-out", paramLabel = "DIR",
            description = "Also write each scene's CT as a DICOM series and the isodose levels (rtsite_V85, rtsite_V50) "
                    + "as an RTSTRUCT referencing it, under DIR/<scene>/ (open both in any DICOM-RT viewer).")
    Path dicomOut;

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
            PhantomPlan plan = s.build();
            OrganMasks[] used = new OrganMasks[1];
            SiteResult r = classifier.classify(plan.withMasks(), m -> used[0] = m);
            if (qaPng != null) {
                Path png = scenes.size() == 1 ? qaPng : qaPng.resolve(s.cliName() + ".png");
                QaPicture.defaults().write(s.cliName(), plan.ct(), plan.dose(), used[0], r, png);
                spec.commandLine().getErr().println("QA picture: " + png);
            }
            if (dicomOut != null) {
                Path dir = dicomOut.resolve(s.cliName());
                List<String> uids = new ArrayList<>();
                for (int k = 0; k < plan.ct().grid().nz(); k++) {
                    uids.add(RtWriter.newUid());
                }
                CtSeries ct = new CtSeries(RtWriter.newUid(), RtWriter.newUid(), RtWriter.newUid(), s.cliName(), "HFS",
                        uids, List.of(), plan.ct());
                RtWriter.writeCtSeries(ct, dir.resolve("CT"));
                IsodoseStructureSet.write(CtSeriesIdentity.of(ct), plan.dose(), IsodoseLevel.of(r),
                        dir.resolve("isodose_rtstruct.dcm"));
                spec.commandLine().getErr().println("CT series and isodose RTSTRUCT: " + dir);
            }
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
