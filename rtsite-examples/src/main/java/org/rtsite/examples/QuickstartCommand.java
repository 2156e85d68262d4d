package org.rtsite.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.qa.QaPicture;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.pipeline.ArchiveClassifier;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.output.CtSeriesIdentity;
import org.rtsite.pipeline.output.IsodoseLevel;
import org.rtsite.pipeline.output.IsodoseStructureSet;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rtsite quickstart}: the whole path on sample data rtsite writes itself (a DICOM archive of
 * phantom patients: index, link, load, RTSTRUCT masks, classify, store); {@code --in-memory}
 * classifies phantom scenes without DICOM and prints the result JSON.
 */
@Command(name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {"Runs rtsite end to end on sample data: writes a small DICOM archive (one phantom patient per "
                + "scene: CT, RTSTRUCT with organ contours, RTPLAN, RTDOSE) into --work on first run, indexes and "
                + "links it, classifies every plan with the RTSTRUCT masks and prints the labels and where the "
                + "results are. Same as 'rtsite classify WORK/archive --db WORK/rtsite.db --out WORK/results --isodose-rtstruct --qa-png'.",
                "With --in-memory (implied by --scene, --summary, --qa-png, --dicom-out): builds phantom plans in "
                + "memory (no DICOM), classifies them and prints the result JSON (or --summary lines).",
                "Scenes: brain-metastasis, whole-brain, oropharynx, lung-sbrt, liver-sbrt, prostate, pelvic-nodes, "
                + "esophagus, femur, pelvis-femur-gap, v50-only; or 'all'.",
                "With --segmenter, a network segments the phantom CT instead of using the phantom's own masks "
                + "(e.g. models/phantom-total-pt, trained on phantoms; see docs/inference.md)."})
public final class QuickstartCommand implements Callable<Integer> {

    /** Patients of the sample archive. */
    static final List<PhantomScene> ARCHIVE_SCENES = List.of(PhantomScene.WHOLE_BRAIN, PhantomScene.OROPHARYNX,
            PhantomScene.LUNG_SBRT, PhantomScene.LIVER_SBRT, PhantomScene.PROSTATE);

    @Spec
    CommandSpec spec;

    @Option(names = "--in-memory", description = "Classify phantom scenes in memory (no DICOM) and print JSON")
    boolean inMemory;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "rtsite-quickstart",
            description = "Folder for the sample archive, database and results (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = {"-j", "--workers"}, paramLabel = "N", description = "Plans classified at once; with --segmenter, threads running network windows (default: processors)")
    Integer workers;

    @Option(names = "--scene", paramLabel = "NAME", defaultValue = "lung-sbrt",
            description = "With --in-memory: phantom scene to classify, or 'all' (default: ${DEFAULT-VALUE}).")
    String scene;

    @Option(names = "--summary", description = "Print one line per plan (labels, rule, expected) instead of JSON.")
    boolean summary;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Overlap backend: auto, cpu, or one a plug-in provides (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--qa-png", paramLabel = "PATH",
            description = "With --in-memory: also draw the QA picture (axial, coronal, sagittal slices through the V85 centre, organs "
                    + "coloured by region, V85/V50 outlines): a PNG file for one scene, a directory of <scene>.png for 'all'.")
    Path qaPng;

    @Option(names = "--dicom-out", paramLabel = "DIR",
            description = "With --in-memory: also write each scene's CT as a DICOM series and the isodose levels (rtsite_V85, rtsite_V50) "
                    + "as an RTSTRUCT referencing it, under DIR/<scene>/ (open both in any DICOM-RT viewer).")
    Path dicomOut;

    @Option(names = "--segmenter", paramLabel = "PACKAGE",
            description = "With --in-memory: a model package (directory or zip) whose network segments the phantom CT; "
                    + "the scene's own masks are then not used, and only the labels are compared with the scene's expectation.")
    Path segmenter;

    @Override
    public Integer call() {
        var parsed = spec.commandLine().getParseResult();
        boolean phantomOnly = inMemory || parsed.hasMatchedOption("--scene") || parsed.hasMatchedOption("--summary")
                || parsed.hasMatchedOption("--qa-png") || parsed.hasMatchedOption("--dicom-out")
                || parsed.hasMatchedOption("--segmenter");
        return phantomOnly ? inMemory() : archive();
    }

    private Integer archive() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = work.resolve("archive");
        Path db = work.resolve("rtsite.db");
        Path results = work.resolve("results");
        try {
            Path marker = work.resolve(".archive-written");
            if (!Files.exists(marker)) {
                out.println("writing the sample archive (" + ARCHIVE_SCENES.size() + " phantom patients) to " + root);
                out.flush();
                PhantomArchive.write(root, ARCHIVE_SCENES);
                Files.writeString(marker, "written by rtsite quickstart\n");
            }
            SiteClassifier classifier = SiteClassifier.builder().backend(backend).build();
            List<PlanBundle> plans;
            try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root)) {
                out.println("index: " + archive.lastScan());
                plans = archive.plans().toList();
            }
            int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
            ArchiveClassifier.Summary s;
            List<Map<String, Object>> rows;
            try (ResultStore store = ResultStore.open(db)) {
                s = RtsitePipeline.builder().classifier(classifier).workers(n).jsonOutput(results.resolve("json"))
                        .isodoseOutput(results.resolve("isodose")).qaOutput(results.resolve("qa")).build()
                        .run(plans, store, ArchiveClassifier.Progress.NONE);
                store.exportCsv(results.resolve("results.csv"), null, null);
                rows = store.query(null, null);
            }
            int unexpected = 0;
            out.printf(Locale.ROOT, "classified %d plans (%d new, %d already done) in %.1f s:%n", s.plans(), s.ok() + s.failed(),
                    s.skipped(), s.seconds());
            for (Map<String, Object> row : rows) {
                String patient = String.valueOf(row.get("patient_id"));
                PhantomScene scene = ARCHIVE_SCENES.stream().filter(x -> patient.equals("PHANTOM-" + x.cliName()))
                        .findFirst().orElse(null);
                String labels = row.get("labels") == null ? "" : row.get("labels").toString().replace("|", ", ");
                String expected = scene == null ? "" : String.join(", ", scene.expectedLabels().stream()
                        .map(org.rtsite.core.region.Region::label).toList());
                boolean ok = scene != null && expected.equals(labels) && scene.expectedRule().name().equals(row.get("rule"));
                unexpected += ok ? 0 : 1;
                out.printf(Locale.ROOT, "  %-22s %-22s %-13s %s%n", patient, labels.isEmpty() ? "-" : labels,
                        row.get("rule") == null ? row.get("error") : row.get("rule"), ok ? "as expected" : "UNEXPECTED");
            }
            out.println("results: " + db + " (SQLite: plan_result, plan_label, plan_organ), "
                    + results.resolve("results.csv"));
            out.println("per plan: " + results.resolve("json") + " (result JSON), " + results.resolve("isodose")
                    + " (V85/V50 RTSTRUCT), " + results.resolve("qa") + " (QA picture)");
            out.println("next: rtsite report --db " + db + " --primary Thorax");
            out.flush();
            return unexpected == 0 ? 0 : 1;
        } catch (RtsiteException | IOException e) {
            err.println("rtsite quickstart: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private Integer inMemory() {
        if (segmenter == null) {
            return inMemory(null);
        }
        // rtsite never downloads: the engines' native libraries come from the class path
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(segmenter), threads)) {
            return inMemory(seg);
        }
    }

    private int inMemory(DjlSegmenter seg) {
        PrintWriter out = spec.commandLine().getOut();
        List<PhantomScene> scenes;
        try {
            scenes = scene.equalsIgnoreCase("all") ? List.of(PhantomScene.values()) : List.of(PhantomScene.parse(scene));
        } catch (InvalidInputException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        SiteClassifier classifier = SiteClassifier.builder().backend(backend).build();
        List<String> json = new ArrayList<>();
        int mismatches = 0;
        for (PhantomScene s : scenes) {
            PhantomPlan plan = s.build();
            OrganMasks[] used = new OrganMasks[1];
            PlanInput input = seg == null ? plan.withMasks() : PlanInput.withSegmenter(plan.ct(), plan.dose(), seg);
            SiteResult r = classifier.classify(input, m -> used[0] = m);
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
