package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.dicom.archive.ArchiveOptions;
import org.rtsite.dicom.archive.DicomArchive;
import org.rtsite.dicom.archive.PlanBundle;
import org.rtsite.dicom.load.ArchiveClassifier;
import org.rtsite.dicom.load.DicomPlanLoader;
import org.rtsite.dicom.load.MaskSource;
import org.rtsite.dicom.load.NiftiMaskSource;
import org.rtsite.dicom.load.OutputNames;
import org.rtsite.dicom.load.RtStructMaskSource;
import org.rtsite.dicom.load.SegmenterMaskSource;
import org.rtsite.dicom.store.PlanRecord;
import org.rtsite.dicom.store.ResultStore;
import org.rtsite.inference.DjlSegmenter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rtsite classify}: label every plan of a DICOM archive and store the results in the index database. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify every plan of a DICOM archive: index the folders (or reuse --db), link each plan to "
                + "its CT, structure set and dose, build organ masks, and store labels and per-organ metrics in the "
                + "SQLite database (tables plan_result, plan_label, plan_organ), one JSON file per plan and a CSV.",
                "",
                "Plans already in the database are skipped, so an interrupted run continues where it stopped. A plan "
                + "that fails (no CT, dose outside the CT, unreadable slice, no known organ name...) is recorded "
                + "with its reason and the run goes on.",
                "",
                "Examples:",
                "  rtsite classify /data/archive --db archive.db --out results",
                "  rtsite classify --db archive.db --nifti /data/totalseg --out results",
                "",
                "Exit status: 0 all plans classified, 3 some plans failed (see the summary), 1 the run itself "
                + "failed, 2 bad options."},
        footer = {"", "Query the results afterwards with 'rtsite report --db FILE', or with SQL, e.g.",
                "  sqlite3 archive.db \"SELECT plan_file, labels FROM plan_result WHERE primary_region='Thorax'\""})
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ROOT", arity = "0..*",
            description = "Archive folder(s) to (re-)index first; omit to use the plans already indexed in --db")
    List<Path> roots = new ArrayList<>();

    @Option(names = "--db", required = true, paramLabel = "FILE",
            description = "SQLite database: the archive index, and where the results are stored (created if absent)")
    Path db;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Organ masks (default: the plan's own RTSTRUCT):%n")
    Masks masks = new Masks();

    static final class Masks {
        @Option(names = "--rtstruct", description = "Contours of the plan's linked structure set, names matched "
                + "through the region dictionary's aliases (default)")
        boolean rtstruct;

        @Option(names = "--nifti", paramLabel = "DIR", description = "TotalSegmentator outputs: DIR/<PatientID or CT "
                + "series UID or plan UID>/ holding total.nii.gz (and other task files) or one NAME.nii.gz per "
                + "structure, on the CT grid")
        Path nifti;

        @Option(names = "--segmenter", paramLabel = "PACKAGE", split = ",",
                description = "rtsite model package(s) (see 'rtsite convert-nnunet'): segment each plan's cropped CT")
        List<Path> segmenter;
    }

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for json/<plan UID>.json and results.csv "
            + "(default: next to --db, <db name>-results)")
    Path out;

    @Option(names = {"-j", "--workers"}, paramLabel = "N",
            description = "Plans classified at once; each holds one plan's volumes (default: number of processors)")
    Integer workers;

    @Option(names = "--isodose-rtstruct", description = "Also write each plan's V85/V50 isodose contours as an RTSTRUCT "
            + "on its CT (OUT/isodose/<plan UID>.dcm)")
    boolean isodose;

    @Option(names = "--qa-png", description = "Also write each plan's QA picture: axial, coronal, sagittal slices through "
            + "the V85 centre, organs coloured by region, isodose outlines, labels and rule (OUT/qa/<plan UID>.png)")
    boolean qa;

    @Option(names = "--retry-failed", description = "Classify plans that failed in an earlier run again")
    boolean retryFailed;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Overlap backend: auto, cpu, cuda (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--dictionary", paramLabel = "CSV",
            description = "Extra region dictionary lines (name,region[,alias;alias]) added to the bundled one")
    Path dictionaryFile;

    @Option(names = "--no-progress", description = "Do not draw the progress bar")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        Path outDir = this.out != null ? this.out
                : db.toAbsolutePath().resolveSibling(db.getFileName().toString().replaceFirst("\\.db$", "") + "-results");
        if (roots.isEmpty() && !Files.isRegularFile(db)) {
            err.println("rtsite classify: " + db + " does not exist; give the archive folder(s) to index");
            err.flush();
            return 2;
        }
        DjlSegmenter djl = null;
        try {
            RegionDictionary dictionary = dictionaryFile == null ? RegionDictionary.defaults()
                    : RegionDictionary.defaults().extendedWith(RegionDictionary.load(dictionaryFile));
            MaskSource source;
            if (masks.nifti != null) {
                source = new NiftiMaskSource(masks.nifti, dictionary);
            } else if (masks.segmenter != null) {
                djl = DjlSegmenter.open(masks.segmenter, 1);
                source = new SegmenterMaskSource("segmenter", djl);
            } else {
                source = new RtStructMaskSource(dictionary);
            }
            SiteClassifier classifier = SiteClassifier.builder().backend(backend).dictionary(dictionary).build();
            List<PlanBundle> plans;
            try (DicomArchive archive = roots.isEmpty() ? DicomArchive.open(db)
                    : DicomArchive.index(ArchiveOptions.of(db), roots.toArray(Path[]::new))) {
                if (archive.lastScan() != null) {
                    out.println("index: " + archive.lastScan());
                }
                plans = archive.plans().toList();
            }
            out.printf(Locale.ROOT, "classify: %d plans, masks from %s, %d worker(s), backend %s%n", plans.size(),
                    source.name(), n, classifier.backend().name());
            out.flush();
            warnInvalidUids(plans, err);
            ArchiveClassifier runner = new ArchiveClassifier(classifier, source, DicomPlanLoader.defaults(), n,
                    outDir.resolve("json"));
            if (retryFailed) {
                runner = runner.retryingFailed();
            }
            if (isodose || qa) {
                runner = runner.withOutputs(isodose ? outDir.resolve("isodose") : null, qa ? outDir.resolve("qa") : null);
            }
            ArchiveClassifier.Summary s;
            try (ResultStore store = ResultStore.open(db)) {
                ProgressBar bar = new ProgressBar(err, !noProgress);
                try {
                    s = runner.run(plans, store, new ArchiveClassifier.Progress() {
                        @Override
                        public void planDone(int done, int total, int failed, PlanRecord last) {
                            bar.update(done, total, failed, last);
                        }

                        @Override
                        public void waiting(String message) {
                            err.println("rtsite classify: " + message);
                            err.flush();
                        }
                    });
                } finally {
                    bar.finish(); // a run fault's message then starts on its own line
                }
                Files.createDirectories(outDir);
                store.exportCsv(outDir.resolve("results.csv"), null, null);
            }
            out.printf(Locale.ROOT, "done: %d plans, %d classified, %d failed, %d already in the database (%.1f s)%n",
                    s.plans(), s.ok(), s.failed(), s.skipped(), s.seconds());
            out.println("results: " + db + " (tables plan_result, plan_label, plan_organ), "
                    + outDir.resolve("results.csv") + ", " + outDir.resolve("json")
                    + (isodose ? ", " + outDir.resolve("isodose") : "") + (qa ? ", " + outDir.resolve("qa") : ""));
            if (s.failed() > 0) {
                out.println("failed plans: rtsite report --db " + db + " --status failed");
            }
            out.flush();
            return s.failed() > 0 ? 3 : 0;
        } catch (RtsiteException | IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            err.println("rtsite classify: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            if (djl != null) {
                djl.close();
            }
        }
    }

    /** Plans whose UID breaks the DICOM grammar still run; the user learns which and how their files are named. */
    private static void warnInvalidUids(List<PlanBundle> plans, PrintWriter err) {
        int shown = 0;
        int invalid = 0;
        for (PlanBundle p : plans) {
            String problem = OutputNames.uidProblem(p.planUid());
            if (problem != null) {
                invalid++;
                if (shown < 20) {
                    shown++;
                    String uid = p.planUid() == null ? "" : p.planUid().length() > 80
                            ? p.planUid().substring(0, 80) + "..." : p.planUid();
                    err.println("rtsite classify: warning: plan " + p.planFile() + ": SOPInstanceUID is not a valid DICOM UID, "
                            + problem
                            + (uid.isEmpty() ? "" : " '" + uid.replaceAll("\\p{Cntrl}", "?") + "'")
                            + "; its output files are named " + OutputNames.of(p.planUid(), p.planFile()));
                }
            }
        }
        if (invalid > shown) {
            err.println("rtsite classify: warning: " + (invalid - shown) + " more plan(s) with an invalid UID");
        }
        err.flush();
    }

    /** One stderr line redrawn in place: bar, count, rate, ETA, failures, last plan. */
    static final class ProgressBar {
        private final PrintWriter err;
        private final boolean enabled;
        private final long t0 = System.nanoTime();
        private boolean drawn;

        ProgressBar(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        synchronized void update(int done, int total, int failed, PlanRecord last) {
            if (!enabled) {
                return;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double rate = s > 0 ? done / s : 0;
            double eta = rate > 0 ? (total - done) / rate : 0;
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) width * done / total);
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d plans  %.2f plans/s  ETA %s  %d failed ", "#".repeat(filled),
                    ".".repeat(width - filled), done, total, rate, clock(eta), failed);
            err.flush();
            drawn = true;
        }

        synchronized void finish() {
            if (drawn) {
                err.println();
                err.flush();
            }
        }

        static String clock(double seconds) {
            long t = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
        }
    }
}
