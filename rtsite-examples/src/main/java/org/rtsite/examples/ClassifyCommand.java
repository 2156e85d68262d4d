package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.archive.PlanSpool;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.dicomweb.DicomWebClient;
import org.rtsite.dicomweb.DicomWebPull;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.inference.Network;
import org.rtsite.pipeline.OutputFolders;
import org.rtsite.pipeline.ArchiveClassifier;
import org.rtsite.pipeline.NiftiMaskSource;
import org.rtsite.pipeline.OutputNames;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.store.PlanRecord;
import org.rtsite.pipeline.store.Pseudonymizer;
import org.rtsite.pipeline.store.ResultStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
                "  rtsite classify --dicomweb http://pacs:8042/dicom-web --db archive.db --store-results",
                "",
                "Exit status: 0 every plan of the archive is stored OK; 3 some plan of the archive is stored FAILED, "
                + "by this run or an earlier one (see 'rtsite report --status failed', re-try with --retry-failed); "
                + "1 the run itself failed; 2 bad options (--out inside an archive root, no --db, ...). With "
                + "--dicomweb, 3 also when a retrieval or a store failed (listed; run again to complete them).",
                "",
                "With --dicomweb URL instead of ROOT: pull the plans, their structure sets, image series and doses "
                + "into --cache first (as 'rtsite pull' does, with its options --patient, --since, --modality, "
                + "--user, --token-file, --trust-store), then index and classify that folder.",
                "",
                "--out must not lie inside an archive root (given, or scanned earlier into --db), nor a root inside "
                + "--out: rtsite's outputs are never taken as input. Isodose RTSTRUCTs rtsite wrote are also recognised when indexed and kept out of "
                + "linkage (orphans 'written by rtsite').",
                "",
                "With --pseudonymize, PatientIDs and file paths are replaced by keyed pseudonyms (P-..., F-...) in "
                + "everything written to --out and printed; the --db keeps the archive's index as it is "
                + "(see docs/outputs.md)."},
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
                + "structure, on the CT's voxels in any axis order (dcm2niix's is re-indexed exactly)")
        Path nifti;

        @Option(names = "--segmenter", paramLabel = "PACKAGE", split = ",",
                description = "rtsite model package(s) (see 'rtsite convert-nnunet'): segment each plan's cropped CT")
        List<Path> segmenter;
    }

    @Option(names = "--nifti-resample", paramLabel = "MODE", defaultValue = "none",
            description = "With --nifti, a file whose voxels are not the CT's: none refuses the plan naming both grids, "
                    + "nearest resamples it by nearest neighbour (noted in the result's maskNotes) "
                    + "(default: ${DEFAULT-VALUE})")
    String niftiResample;

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

    @Option(names = "--qa-dicom", description = "Also write each plan's QA picture as a DICOM Secondary Capture image "
            + "(8-bit RGB, a new series in the plan's study, referencing the plan; OUT/qa/<plan UID>.dcm)")
    boolean qaDicom;

    @Option(names = "--retry-failed", description = "Classify plans that failed in an earlier run again")
    boolean retryFailed;

    @Option(names = "--no-planless-doses", description = "Do not classify doses that no plan claims (an RTDOSE "
            + "without RTPLAN, or whose referenced plan is not in the archive); by default each is classified with "
            + "the structure set and CT of its patient and frame of reference, its row keyed by the RTDOSE file "
            + "and the missing plan stated (column missing_plan)")
    boolean noPlanlessDoses;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Overlap backend: auto, cpu, cuda (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--dictionary", paramLabel = "CSV",
            description = "Extra region dictionary lines (name,region[,alias;alias]) added to the bundled one")
    Path dictionaryFile;

    @Option(names = "--no-progress", description = "Do not draw the progress bar")
    boolean noProgress;

    @Option(names = "--pseudonymize", description = "Keep patient identifiers out of every output and console line: "
            + "PatientID becomes P-<HMAC-SHA256>, file paths F-<HMAC-SHA256> (results.csv, JSON, isodose RTSTRUCT, "
            + "QA picture, messages); library log lines stay off")
    boolean pseudonymize;

    @Mixin
    DicomWebOptions web = new DicomWebOptions();

    @Option(names = "--cache", paramLabel = "DIR", description = "With --dicomweb: the folder the pull writes to and "
            + "classify indexes (default: next to --db, <db name>-dicomweb); kept, so the next run fetches only what is "
            + "new")
    Path cache;

    @Option(names = "--store-results", description = "With --dicomweb: send each classified plan's isodose RTSTRUCT "
            + "(implies --isodose-rtstruct) and, with --qa-dicom, its QA picture as a Secondary Capture back to its "
            + "study with STOW-RS")
    boolean storeResults;

    @Option(names = "--pseudonym-key", paramLabel = "FILE", description = "Secret key of the pseudonyms (at least "
            + "16 bytes; default: the environment variable " + Pseudonymizer.KEY_ENV + "); the same key gives the "
            + "same pseudonyms in every run")
    Path pseudonymKey;

    /**
     * The segmenter's engine threads per plan when {@code workers} plans run at once: their share of the
     * processors; one plan at a time keeps the engine's own count (its physical cores, which a processor count
     * with hyper-threads would exceed).
     */
    static int segmenterThreads(int workers) {
        return workers <= 1 ? Network.ENGINE_DEFAULT : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        Path outDir = this.out != null ? this.out
                : db.toAbsolutePath().resolveSibling(db.getFileName().toString().replaceFirst("\\.db$", "") + "-results");
        DicomWebClient webClient = null;
        DicomWebPull.Options pullOptions = null;
        if (web.url != null) {
            if (!roots.isEmpty()) {
                err.println("rtsite classify: give either archive folders or --dicomweb, not both");
                err.flush();
                return 2;
            }
            if (storeResults && pseudonymize) {
                // pseudonymized outputs sent back would land in the archive as another patient
                err.println("rtsite classify: --store-results cannot send pseudonymized outputs; drop --pseudonymize");
                err.flush();
                return 2;
            }
            pullOptions = web.pullOptions("classify", err);
            webClient = pullOptions == null ? null : web.client("classify", err, System.getenv());
            if (webClient == null) {
                return 2;
            }
        } else if (storeResults || cache != null) {
            err.println("rtsite classify: " + (storeResults ? "--store-results" : "--cache") + " needs --dicomweb URL");
            err.flush();
            return 2;
        }
        Path pullInto = cache != null ? cache
                : db.toAbsolutePath().resolveSibling(db.getFileName().toString().replaceFirst("\\.db$", "") + "-dicomweb");
        String cacheOverlap = webClient == null ? null : OutputFolders.overlap(outDir, List.of(pullInto));
        if (cacheOverlap != null) {
            err.println("rtsite classify: " + cacheOverlap);
            err.flush();
            return 2;
        }
        int webFailures = 0;
        if (webClient != null) {
            try {
                webFailures = DicomWebOptions.pull("classify", webClient, pullInto, pullOptions, !noProgress, out, err)
                        .failures().size();
            } catch (RtsiteException e) {
                err.println("rtsite classify: " + e.getMessage());
                err.flush();
                return 1;
            }
            roots.add(pullInto);
        }
        boolean isodose = this.isodose || storeResults;
        if (roots.isEmpty() && !Files.isRegularFile(db)) {
            err.println("rtsite classify: " + db + " does not exist; give the archive folder(s) to index");
            err.flush();
            return 2;
        }
        NiftiMaskSource.OffGrid offGrid;
        switch (niftiResample) {
            case "none" -> offGrid = NiftiMaskSource.OffGrid.REFUSE;
            case "nearest" -> offGrid = NiftiMaskSource.OffGrid.NEAREST;
            default -> {
                err.println("rtsite classify: --nifti-resample must be none or nearest, got '" + niftiResample + "'");
                err.flush();
                return 2;
            }
        }
        if (offGrid != NiftiMaskSource.OffGrid.REFUSE && masks.nifti == null) {
            err.println("rtsite classify: --nifti-resample applies only to masks from --nifti");
            err.flush();
            return 2;
        }
        List<Path> scanned = new ArrayList<>(roots);
        scanned.addAll(indexedRoots(db));
        String overlap = OutputFolders.overlap(outDir, scanned);
        if (overlap != null) {
            err.println("rtsite classify: " + overlap);
            err.flush();
            return 2;
        }
        PseudonymOption.Choice pseudonymChoice = PseudonymOption.resolve("classify", pseudonymize, pseudonymKey, err);
        if (pseudonymChoice.failed()) {
            return 2;
        }
        Pseudonymizer pseudonyms = pseudonymChoice.pseudonyms();
        DjlSegmenter djl = null;
        PlanSpool plans = null;
        try {
            RegionDictionary dictionary = dictionaryFile == null ? RegionDictionary.defaults()
                    : RegionDictionary.defaults().extendedWith(RegionDictionary.load(dictionaryFile));
            // masks read names with the classifier's dictionary (RtsitePipeline gives it to them)
            RtsitePipeline.Builder pipeline = RtsitePipeline.builder().jsonOutput(outDir.resolve("json"))
                    .retryFailed(retryFailed);
            if (masks.nifti != null) {
                pipeline.masksFromNifti(masks.nifti, offGrid);
            } else if (masks.segmenter != null) {
                // n plans segment at once: each on its share of the cores, not an engine pool of every core
                // (n × cores busy threads, OpenMP spinning among them: docs/PERFORMANCE.md, "Spark with a segmenter")
                djl = DjlSegmenter.open(masks.segmenter, 1, segmenterThreads(n));
                pipeline.masksFromSegmenter("segmenter", djl);
            }
            SiteClassifier classifier = SiteClassifier.builder().backend(backend).dictionary(dictionary).build();
            pipeline.classifier(classifier);
            try (DicomArchive archive = roots.isEmpty() ? DicomArchive.open(db)
                    : DicomArchive.index(ArchiveOptions.of(db), roots.toArray(Path[]::new))) {
                if (archive.lastScan() != null) {
                    out.println("index: " + archive.lastScan());
                }
                // linked patient by patient and parked on disk: the run reads the bundles back as workers
                // free up, so the heap holds the plans in flight, not the archive's bundles
                plans = archive.spoolPlans(!noPlanlessDoses);
                org.rtsite.archive.LinkageReport.Summary ls = plans.summary();
                if (ls.plans() == 0 && ls.doses() > 0 || ls.planlessDoses() > 0) {
                    out.println(IndexCommand.planlessLine(ls));
                }
            }
            if (isodose) {
                pipeline.isodoseOutput(outDir.resolve("isodose"));
            }
            if (qa) {
                pipeline.qaOutput(outDir.resolve("qa"));
            }
            if (qaDicom) {
                pipeline.qaDicomOutput(outDir.resolve("qa"));
            }
            if (pseudonyms != null) {
                pipeline.pseudonyms(pseudonyms);
            }
            RtsitePipeline runner = pipeline.workers(n).build();
            long planless = plans.planlessDoses();
            out.printf(Locale.ROOT, "classify: %d plans%s, masks from %s%s, %d worker(s), backend %s%n",
                    plans.plans(), planless == 0 ? "" : " and " + planless + " doses without plan",
                    runner.masks().name(), djl == null ? "" : djl.intraOpThreads() == Network.ENGINE_DEFAULT
                            ? " (the engine's own thread count)" : " (" + djl.intraOpThreads() + " engine thread(s) per plan)",
                    n, classifier.backend().name());
            out.flush();
            warnInvalidUids(plans, pseudonyms, err);
            int storedFailed;
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
                store.exportCsv(outDir.resolve("results.csv"), null, null,
                        pseudonyms == null ? java.util.function.UnaryOperator.identity() : pseudonyms::row);
                // plans of this archive stored FAILED, by this run or an earlier one that this run skipped
                storedFailed = s.failed() + s.failedEarlier();
            }
            out.printf(Locale.ROOT, "done: %d plans, %d classified, %d failed, %d already in the database (%.1f s)%n",
                    s.plans(), s.ok(), s.failed(), s.skipped(), s.seconds());
            out.println("results: " + db + " (tables plan_result, plan_label, plan_organ), "
                    + outDir.resolve("results.csv") + ", " + outDir.resolve("json")
                    + (isodose ? ", " + outDir.resolve("isodose") : "") + (qa || qaDicom ? ", " + outDir.resolve("qa") : ""));
            if (storeResults) {
                webFailures += store(webClient, plans, outDir.resolve("isodose"), "isodose RTSTRUCT", out, err);
                if (qaDicom) {
                    webFailures += store(webClient, plans, outDir.resolve("qa"), "QA Secondary Capture", out, err);
                }
            }
            if (storedFailed > 0) {
                out.printf(Locale.ROOT, "failed plans: %d stored as failed (%d by earlier runs): rtsite report --db %s "
                        + "--status failed; classify them again with --retry-failed%n", storedFailed,
                        storedFailed - s.failed(), db);
            }
            out.flush();
            if (webFailures > 0) {
                out.printf(Locale.ROOT, "DICOMweb: %d retrieval(s) or store(s) failed (listed above); run again to "
                        + "complete them%n", webFailures);
            }
            out.flush();
            return storedFailed > 0 || webFailures > 0 ? 3 : 0;
        } catch (RtsiteException | java.io.IOException e) {
            err.println("rtsite classify: " + (pseudonyms == null ? e.getMessage()
                    : pseudonyms.scrub(e.getMessage(), List.of(), List.of())));
            err.flush();
            return 1;
        } finally {
            if (plans != null) {
                plans.close();
            }
            if (djl != null) {
                djl.close();
            }
        }
    }

    /**
     * STOW-RS: sends the output ({@code dir/<name>.dcm}: isodose RTSTRUCT, QA Secondary Capture) of every plan that
     * has one to the study its header names, one request per study; returns the number of files not stored, each
     * listed with the server's answer.
     */
    private static int store(DicomWebClient webClient, Iterable<PlanBundle> plans, Path dir, String what, PrintWriter out,
                             PrintWriter err) {
        java.util.Map<String, List<Path>> byStudy = new java.util.TreeMap<>();
        for (PlanBundle p : plans) {
            Path f = dir.resolve(OutputNames.of(p.planUid(), p.planFile()) + ".dcm");
            if (Files.isRegularFile(f)) {
                String study = org.rtsite.dicom.DicomReader.defaults().withStopBeforePixelData(true)
                        .withOnlyTags(org.rtsite.dicom.Tag.StudyInstanceUID).read(f).dataset()
                        .getString(org.rtsite.dicom.Tag.StudyInstanceUID);
                byStudy.computeIfAbsent(study == null ? "" : study, k -> new ArrayList<>()).add(f);
            }
        }
        int failed = 0;
        int stored = 0;
        for (java.util.Map.Entry<String, List<Path>> e : byStudy.entrySet()) {
            try {
                DicomWebClient.StoreResult r = webClient.store(e.getKey().isEmpty() ? null : e.getKey(), e.getValue());
                stored += r.stored().size();
                for (java.util.Map.Entry<String, String> f : r.failed().entrySet()) {
                    err.println("rtsite classify: STOW-RS refused " + what + " " + f.getKey() + " for study "
                            + e.getKey() + ": " + f.getValue());
                    failed++;
                }
            } catch (RtsiteException ex) {
                err.println("rtsite classify: storing " + e.getValue().size() + " " + what + "(s) failed: "
                        + ex.getMessage());
                failed += e.getValue().size();
            }
        }
        out.printf(Locale.ROOT, "stored: %d %s(s) sent to %s with STOW-RS, %d failed%n", stored, what,
                webClient.baseUrl(), failed);
        out.flush();
        err.flush();
        return failed;
    }

    /**
     * The roots earlier scans of {@code db} walked (the index's {@code scans} table): a run without ROOT
     * arguments must not write into them either, since the next 'index' or 'classify ROOT' walks them again.
     * Empty when the database does not exist or holds no index yet.
     */
    static List<Path> indexedRoots(Path db) {
        List<Path> out = new ArrayList<>();
        if (!Files.isRegularFile(db)) {
            return out;
        }
        try (java.sql.Connection c = org.rtsite.archive.RtsiteDatabase.connect(db);
             java.sql.Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=30000");
            try (java.sql.ResultSet tables = s.executeQuery(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scans'")) {
                if (!tables.next()) {
                    return out;
                }
            }
            try (java.sql.ResultSet rs = s.executeQuery("SELECT DISTINCT roots FROM scans WHERE roots IS NOT NULL")) {
                while (rs.next()) {
                    for (String r : rs.getString(1).split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))) {
                        if (!r.isEmpty()) {
                            out.add(Path.of(r));
                        }
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            // not an index (yet): opening it as one reports the real problem with its own message
        }
        return out;
    }

    /** The real path of the deepest existing ancestor, with the rest appended (--out often does not exist yet). */
    /** Plans whose UID breaks the DICOM grammar still run; the user learns which and how their files are named. */
    private static void warnInvalidUids(Iterable<PlanBundle> plans, Pseudonymizer pseudonyms, PrintWriter err) {
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
                    String file = pseudonyms == null ? p.planFile() : pseudonyms.file(p.planFile());
                    err.println("rtsite classify: warning: plan " + file + ": SOPInstanceUID is not a valid DICOM UID, "
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
