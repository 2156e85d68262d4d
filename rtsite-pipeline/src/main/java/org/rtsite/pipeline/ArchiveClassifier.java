package org.rtsite.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.pipeline.store.PlanRecord;
import org.rtsite.pipeline.store.ResultStore;

/**
 * Classifies many linked plans: each worker loads one plan, prepares its masks, classifies it and
 * writes the outcome to the {@link ResultStore} (and a JSON file per plan) before taking the next.
 * A failing plan is recorded with its error and the run goes on. A fault of the run itself (store,
 * output folder, interruption, out of memory: {@link RunFaultException}) stops it instead, and the
 * plans it interrupted stay unrecorded. Plans already in the store are skipped, so a killed run
 * resumes where it stopped.
 *
 * <p>The engine behind {@link RtsitePipeline}, which is the entry point to use: it builds this class
 * from its options. The mask source is given the classifier's region dictionary
 * ({@link MaskSource#withDictionary}).
 */
public final class ArchiveClassifier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArchiveClassifier.class);
    private static final String TMP_PREFIX = ".rtsite-";
    private static final String TMP_SUFFIX = ".tmp";
    private final SiteClassifier classifier;
    private final MaskSource masks;
    private final DicomPlanLoader loader;
    private final int workers;
    private final Path jsonDir;
    private final boolean retryFailed;
    private final Path isodoseDir;
    private final Path qaDir;
    private final Path qaDicomDir;
    private final org.rtsite.pipeline.store.Pseudonymizer pseudonyms;

    /**
     * @param workers     plans classified at once (each holds one plan's volumes)
     * @param jsonDir     folder for one result JSON per plan, or null for none
     */
    public ArchiveClassifier(SiteClassifier classifier, MaskSource masks, DicomPlanLoader loader, int workers,
                             Path jsonDir) {
        this(classifier, masks, loader, workers, jsonDir, false, null, null, null, null);
    }

    private ArchiveClassifier(SiteClassifier classifier, MaskSource masks, DicomPlanLoader loader, int workers,
                              Path jsonDir, boolean retryFailed, Path isodoseDir, Path qaDir, Path qaDicomDir,
                              org.rtsite.pipeline.store.Pseudonymizer pseudonyms) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        // the mask source reads ROI names with the classifier's dictionary: one dictionary, given once
        this.masks = Objects.requireNonNull(masks, "masks").withDictionary(classifier.dictionary());
        this.loader = Objects.requireNonNull(loader, "loader");
        if (workers < 1 || workers > 1024) {
            throw new InvalidInputException("workers must be in 1..1024, got " + workers);
        }
        this.workers = workers;
        this.jsonDir = jsonDir;
        this.retryFailed = retryFailed;
        this.isodoseDir = isodoseDir;
        this.qaDir = qaDir;
        this.qaDicomDir = qaDicomDir;
        this.pseudonyms = pseudonyms;
    }

    /** A copy that classifies failed plans of an earlier run again (finished plans are still skipped). */
    public ArchiveClassifier retryingFailed() {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, true, isodoseDir, qaDir, qaDicomDir,
                pseudonyms);
    }

    /**
     * A copy that also writes, per classified plan, the V85/V50 isodose RTSTRUCT on the plan's CT
     * ({@code isodoseDir/<name>.dcm}) and the QA picture ({@code qaDir/<name>.png}, names by
     * {@link OutputNames}); either folder may be null. A plan whose outputs cannot be made (bad input)
     * is recorded as failed with the reason; a folder that cannot be written stops the run.
     */
    public ArchiveClassifier withOutputs(Path isodoseDir, Path qaDir) {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, retryFailed, isodoseDir, qaDir,
                qaDicomDir, pseudonyms);
    }

    /**
     * A copy that also writes each classified plan's QA picture as a DICOM Secondary Capture Image in the
     * plan's study ({@code folder/<name>.dcm}, see {@link org.rtsite.pipeline.output.QaSecondaryCapture});
     * failures count as for {@link #withOutputs}.
     */
    public ArchiveClassifier withQaDicomOutput(Path folder) {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, retryFailed, isodoseDir, qaDir,
                Objects.requireNonNull(folder, "folder"), pseudonyms);
    }

    /**
     * A copy whose own outputs hold pseudonyms instead of patient identifiers: the isodose RTSTRUCT's
     * PatientID, the QA picture's caption and the log lines (plan file paths). The store still receives
     * the real PlanRecord (the database is the archive's index and holds its paths anyway); callers
     * pseudonymize what they export from it (see {@link org.rtsite.pipeline.store.Pseudonymizer#row}).
     */
    public ArchiveClassifier pseudonymizing(org.rtsite.pipeline.store.Pseudonymizer pseudonyms) {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, retryFailed, isodoseDir, qaDir,
                qaDicomDir, Objects.requireNonNull(pseudonyms, "pseudonyms"));
    }

    /**
     * Told after each plan is written. Calls come from worker threads but one at a time and in order:
     * {@code done} counts 1, 2, ... {@code total} with no call overtaking another, so the last call a
     * bar sees is the last plan's. A slow callback therefore slows the run.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total, failed, last) -> { };

        /**
         * @param done   plans written by this run so far, this one included
         * @param total  plans this run classifies (those skipped as already stored are not counted)
         * @param failed of {@code done}, those stored as failed
         * @param last   the plan just written
         */
        void planDone(int done, int total, int failed, PlanRecord last);

        /** Called once, before blocking, when another run holds the store's classify lock. */
        default void waiting(String message) {
        }
    }

    /**
     * @param plans         plans given
     * @param skipped       already in the store
     * @param ok            classified in this run
     * @param failed        recorded as failed in this run
     * @param seconds       wall time
     * @param failedEarlier of {@code skipped}, those an earlier run stored as failed (so the plans given that
     *                      the store holds as failed after this run are {@code failed + failedEarlier})
     */
    public record Summary(int plans, int skipped, int ok, int failed, double seconds, int failedEarlier) {
        /** A summary without failures stored by earlier runs. */
        public Summary(int plans, int skipped, int ok, int failed, double seconds) {
            this(plans, skipped, ok, failed, seconds, 0);
        }
    }

    /**
     * Classifies every plan not yet in {@code store} (and, again, every finished plan whose requested
     * output files are missing); returns when all are written. Runs on one store take turns: a second
     * run waits for the first (a lock file beside the database) and then skips what it finished.
     *
     * @throws RunFaultException when the run itself fails (the output folder cannot be written,
     *                           interruption, out of memory): plans finished before stay stored,
     *                           the others stay unrecorded for the next run, none is stored as failed for it
     * @throws RtsiteException   when the results store fails (thrown by {@code ResultStore}, cause kept)
     */
    public Summary run(List<PlanBundle> plans, ResultStore store, Progress progress) {
        return run((Iterable<PlanBundle>) plans, store, progress);
    }

    /**
     * As {@link #run(List, ResultStore, Progress)}, reading the plans as a stream instead of holding them
     * (e.g. a {@link org.rtsite.archive.PlanSpool} of a whole archive): {@code plans} is walked twice, in the
     * same order each time, once to decide what to classify (one bit per plan is kept, and counts) and
     * once to hand the plans to the workers as they free up, so the heap holds the plans in flight, not the
     * archive.
     *
     * @throws RunFaultException as {@link #run(List, ResultStore, Progress)}, and when {@code plans} cannot
     *                           be read on the second walk
     * @throws RtsiteException   as {@link #run(List, ResultStore, Progress)}
     */
    public Summary run(Iterable<PlanBundle> plans, ResultStore store, Progress progress) {
        Objects.requireNonNull(plans, "plans");
        long t0 = System.nanoTime();
        try (RunLock lock = RunLock.acquire(store.file(), progress)) {
            return runLocked(plans, store, progress, t0);
        }
    }

    private Summary runLocked(Iterable<PlanBundle> plans, ResultStore store, Progress progress, long t0) {
        // decided once, under the lock, before anything runs; kept as one bit per plan in walking order
        java.util.BitSet skip = new java.util.BitSet();
        int given = 0;
        int skipped = 0;
        int failedEarlier = 0;
        for (PlanBundle p : plans) {
            String status = store.status(p.planFile());
            boolean done = status != null && (!retryFailed || "OK".equals(status));
            if (done && !("OK".equals(status) && outputsMissing(p))) {
                skip.set(given);
                skipped++;
                if (!"OK".equals(status)) {
                    failedEarlier++;
                }
            }
            given++;
        }
        int total = given - skipped;
        for (Path d : new Path[] {jsonDir, isodoseDir, qaDir, qaDicomDir}) {
            if (d != null) {
                try {
                    Files.createDirectories(d);
                    removeLeftovers(d);
                } catch (IOException e) {
                    throw new RunFaultException("cannot create the output folder " + d + ": "
                            + RunFaultException.reason(e), e);
                }
            }
        }
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Object reporting = new Object();
        AtomicBoolean stopping = new AtomicBoolean();
        // One pool of max(workers, processors) threads runs the plans and, since a parallel stream started
        // on a ForkJoinPool worker runs in that pool, also the CT reader's slice decoding: threads idle
        // while fewer plans than threads are left (the last plans, a one-plan run, -j 1) decode slices, and
        // plan- and slice-parallelism together never use more threads than that (the cores, unless -j is more).
        ForkJoinPool pool = new ForkJoinPool(Math.max(workers, Runtime.getRuntime().availableProcessors()),
                p -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                    t.setName("rtsite-classify-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                }, null, false);
        Throwable fault = null;
        try {
            CompletionService<Void> cs = new ExecutorCompletionService<>(pool);
            ToDo next = new ToDo(plans.iterator(), skip);
            // at most `workers` plans in flight, each holding one plan's volumes: the next plan is read from
            // `plans` only when a worker is free (back-pressure on the stream)
            int inFlight = 0;
            PlanBundle b;
            while (inFlight < workers && (b = next.next()) != null) {
                submitPlan(cs, b, store, progress, stopping, reporting, finished, failed, total);
                inFlight++;
            }
            while (inFlight > 0 && fault == null) {
                try {
                    cs.take().get();
                    inFlight--;
                    if ((b = next.next()) != null) {
                        submitPlan(cs, b, store, progress, stopping, reporting, finished, failed, total);
                        inFlight++;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    fault = e.getCause();
                } catch (RuntimeException e) {
                    fault = e; // the stream of plans could not be read: the run's fault, not a plan's
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fault = e;
        } catch (RuntimeException e) {
            fault = e;
        } finally {
            stopping.set(true);
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault != null) {
            String stored = finished.get() + " plan(s) stored by this run, the other "
                    + (total - finished.get()) + " left for the next run";
            if (fault instanceof InterruptedException) {
                throw new RunFaultException("classification interrupted; " + stored, fault);
            }
            throw new RunFaultException("classification stopped: " + (fault.getMessage() != null ? fault.getMessage()
                    : fault.getClass().getName()) + "; " + stored, fault);
        }
        return new Summary(given, skipped, total - failed.get(), failed.get(), (System.nanoTime() - t0) / 1e9,
                failedEarlier);
    }

    /** The plans of the second walk that the first did not mark as skipped, in order; null at the end. */
    private static final class ToDo {
        private final java.util.Iterator<PlanBundle> plans;
        private final java.util.BitSet skip;
        private int index;

        ToDo(java.util.Iterator<PlanBundle> plans, java.util.BitSet skip) {
            this.plans = plans;
            this.skip = skip;
        }

        PlanBundle next() {
            while (plans.hasNext()) {
                PlanBundle b = plans.next();
                if (!skip.get(index++)) {
                    return b;
                }
            }
            return null;
        }
    }

    /** Queues one plan: classify, write its JSON, store it, tell {@code progress}. */
    private void submitPlan(CompletionService<Void> cs, PlanBundle b, ResultStore store, Progress progress,
                            AtomicBoolean stopping, Object reporting, AtomicInteger finished, AtomicInteger failed,
                            int total) {
        cs.submit(() -> {
            if (stopping.get()) {
                return null;
            }
            Outcome rec = outcome(b);
            if (!rec.ok() && (stopping.get() || Thread.currentThread().isInterrupted())) {
                // the run is stopping: this failure may be the stop's doing, so the plan stays unrecorded
                return null;
            }
            String json = rec.ok() ? rec.json() : null;
            if (json != null && jsonDir != null) {
                writeAtomically(jsonDir, OutputNames.of(rec.planUid(), rec.planFile()) + ".json",
                        f -> Files.writeString(f, json, StandardCharsets.UTF_8));
            }
            store.write(rec.record(), json);
            // counting and telling under one lock: two workers finishing together cannot report 5 before 4
            synchronized (reporting) {
                if (!rec.ok()) {
                    failed.incrementAndGet();
                }
                progress.planDone(finished.incrementAndGet(), total, failed.get(), rec.record());
            }
            return null;
        });
    }

    /**
     * Deletes temporary files a killed run left in an output folder. Safe while this run holds the
     * database's lock: no other run of this database writes there now.
     */
    private static void removeLeftovers(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, TMP_PREFIX + "*" + TMP_SUFFIX)) {
            for (Path f : tmp) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Whether a finished plan lacks one of the output files this classifier writes. */
    private boolean outputsMissing(PlanBundle b) {
        String name = OutputNames.of(b.planUid(), b.planFile());
        return jsonDir != null && !Files.exists(jsonDir.resolve(name + ".json"))
                || isodoseDir != null && !Files.exists(isodoseDir.resolve(name + ".dcm"))
                || qaDir != null && !Files.exists(qaDir.resolve(name + ".png"))
                || qaDicomDir != null && !Files.exists(qaDicomDir.resolve(name + ".dcm"));
    }

    /**
     * Loads, masks and classifies one plan; never throws for bad input (the error is in the record).
     *
     * @throws RunFaultException when the run, not the plan, failed (see {@link RunFaultException});
     *                           every other {@code RtsiteException} of the plan ends up in the record
     */
    public PlanRecord classify(PlanBundle b) {
        return outcome(b).record();
    }

    /**
     * A plan's record with its result JSON, made inside the plan's error handling: a result that cannot
     * be written as JSON fails only its plan.
     */
    private record Outcome(PlanRecord record, String json) {
        boolean ok() {
            return record.ok();
        }

        String planUid() {
            return record.planUid();
        }

        String planFile() {
            return record.planFile();
        }
    }

    /**
     * Loads, masks and classifies one plan and writes its isodose and QA outputs, throwing what fails
     * (the one-plan path of {@link RtsitePipeline#classify(Path)}).
     */
    SiteResult classifyOrThrow(PlanBundle b) {
        SiteResult r = process(b, new Laps());
        if (jsonDir != null) {
            String json = SiteResultJson.write(r);
            writeAtomically(jsonDir, OutputNames.of(b.planUid(), b.planFile()) + ".json",
                    f -> Files.writeString(f, json, StandardCharsets.UTF_8));
        }
        return r;
    }

    /** What {@link #process} got to before it returned or failed. */
    private static final class Laps {
        double loadMs;
        double masksMs;
        double classifyMs;
        List<String> unmatched = List.of();
    }

    private SiteResult process(PlanBundle b, Laps laps) {
        long t0 = System.nanoTime();
        LoadedPlan plan = loader.load(b);
        long t1 = System.nanoTime();
        laps.loadMs = (t1 - t0) / 1e6;
        MaskSource.Prepared prepared = masks.prepare(plan);
        laps.unmatched = prepared.unmatched();
        long t2 = System.nanoTime();
        laps.masksMs = (t2 - t1) / 1e6;
        org.rtsite.core.volume.OrganMasks[] used = new org.rtsite.core.volume.OrganMasks[1];
        SiteResult r = classifier.classify(prepared.input(), m -> used[0] = m);
        if (!prepared.notes().isEmpty()) {
            r = r.withMaskNotes(prepared.notes());
        }
        laps.classifyMs = (System.nanoTime() - t2) / 1e6;
        writeOutputs(b, plan, used[0], r);
        return r;
    }

    private Outcome outcome(PlanBundle b) {
        Laps laps = new Laps();
        try {
            SiteResult r = process(b, laps);
            String json = SiteResultJson.write(r);
            return new Outcome(new PlanRecord(b.planFile(), b.planUid(), b.patientId(), masks.name(), r, laps.unmatched,
                    null, laps.loadMs, laps.masksMs, laps.classifyMs, b.missingPlan(), b.linkageNotes()), json);
        } catch (RuntimeException | OutOfMemoryError e) {
            if (RunFaultException.isRunFault(e)) {
                throw runFault(b, e);
            }
            String why = ioReason(e instanceof RtsiteException || e instanceof IllegalArgumentException
                    || e instanceof UncheckedIOException ? e.getMessage() : e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
            if (pseudonyms == null) {
                LOG.warn("plan {} failed: {}", b.planFile(), why);
                LOG.debug("plan {} failure", b.planFile(), e);
            } else {
                LOG.warn("plan {} failed: {}", pseudonyms.file(b.planFile()), pseudonyms.scrub(why, paths(b),
                        b.patientId() == null ? List.of() : List.of(b.patientId())));
            }
            return new Outcome(new PlanRecord(b.planFile(), b.planUid(), b.patientId(), masks.name(), null,
                    laps.unmatched, why == null ? e.getClass().getName() : why, laps.loadMs, laps.masksMs, 0,
                    b.missingPlan(), b.linkageNotes()), null);
        }
    }

    /** {@code why} with the OS's words for the first I/O error behind it ("Permission denied"...), when it lacks them. */
    private static String ioReason(String why, Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException io) {
                String os = RunFaultException.reason(io);
                return why == null ? os : why.contains(os) ? why : why + ": " + os;
            }
        }
        return why;
    }

    private RunFaultException runFault(PlanBundle b, Throwable e) {
        if (e instanceof RunFaultException r) {
            return r;
        }
        String plan = pseudonyms == null ? b.planFile() : pseudonyms.file(b.planFile());
        if (e instanceof OutOfMemoryError) {
            return new RunFaultException("out of memory (heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB) while classifying " + plan + ": run again with fewer workers or a larger heap"
                    + " (-Xmx, RTSITE_JAVA_OPTS)", e);
        }
        String why = pseudonyms == null ? e.getMessage()
                : pseudonyms.scrub(e.getMessage(), paths(b), b.patientId() == null ? List.of() : List.of(b.patientId()));
        return new RunFaultException("interrupted while classifying " + plan + ": " + why, e);
    }

    /**
     * Makes the plan's isodose RTSTRUCT and QA picture in memory first, then writes them: whatever fails
     * for this plan's data (contouring, drawing, encoding) fails the plan only, and only the file writes,
     * the folder's part, can be run faults.
     */
    private void writeOutputs(PlanBundle b, LoadedPlan plan, org.rtsite.core.volume.OrganMasks used, SiteResult r) {
        String id = OutputNames.of(b.planUid(), b.planFile());
        if (isodoseDir != null) {
            org.rtsite.pipeline.output.CtSeriesIdentity ct = org.rtsite.pipeline.output.CtSeriesIdentity.of(plan.ct());
            if (pseudonyms != null) {
                ct = new org.rtsite.pipeline.output.CtSeriesIdentity(pseudonyms.patient(ct.patientId()),
                        ct.studyInstanceUid(), ct.seriesInstanceUid(), ct.frameOfReferenceUid(), ct.grid(),
                        ct.sopInstanceUids());
            }
            org.rtsite.pipeline.output.CtSeriesIdentity identity = ct;
            org.rtsite.dicom.rt.RtStructureSet isodose = org.rtsite.pipeline.output.IsodoseStructureSet.contour(
                    identity, plan.dose(), org.rtsite.pipeline.output.IsodoseLevel.of(r));
            writeAtomically(isodoseDir, id + ".dcm",
                    f -> org.rtsite.pipeline.output.IsodoseStructureSet.write(isodose, identity, f));
        }
        if ((qaDir != null || qaDicomDir != null) && used != null) {
            java.awt.image.BufferedImage picture = org.rtsite.core.qa.QaPicture.with(classifier.dictionary())
                    .render(qaCaption(b), plan.ct().volume(), plan.dose(), used, r).image();
            if (qaDir != null) {
                byte[] png = png(b, picture);
                writeAtomically(qaDir, id + ".png", f -> Files.write(f, png));
            }
            if (qaDicomDir != null) {
                org.rtsite.pipeline.output.QaSecondaryCapture.Source source =
                        org.rtsite.pipeline.output.QaSecondaryCapture.Source.read(Path.of(b.planFile()),
                                b.ctFiles().isEmpty() ? null : Path.of(b.ctFiles().get(0)));
                if (pseudonyms != null) {
                    source = source.pseudonymized(pseudonyms.patient(source.patientId()));
                }
                org.rtsite.dicom.DicomDataset sc = org.rtsite.pipeline.output.QaSecondaryCapture.dataset(picture, source);
                writeAtomically(qaDicomDir, id + ".dcm", f -> org.rtsite.dicom.DicomWriter.write(f, sc));
            }
        }
    }

    /** The picture as PNG bytes; a picture the encoder refuses is this plan's failure, not the folder's. */
    private static byte[] png(PlanBundle b, java.awt.image.BufferedImage image) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            if (!javax.imageio.ImageIO.write(image, "png", bytes)) {
                throw new RtsiteException("no PNG writer in this JDK for the QA picture");
            }
        } catch (IOException e) {
            throw new RtsiteException("the QA picture of " + DicomPlanLoader.what(b) + " cannot be encoded as PNG: "
                    + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** The plan name the QA picture draws in its header: PatientID (or its pseudonym) and the output file name. */
    public String qaCaption(PlanBundle b) {
        return (pseudonyms == null ? b.patientId() : pseudonyms.patient(b.patientId())) + " "
                + OutputNames.of(b.planUid(), b.planFile());
    }

    private static List<String> paths(PlanBundle b) {
        List<String> p = new ArrayList<>(b.ctFiles());
        p.add(b.planFile());
        p.add(b.structureSetFile());
        if (b.dose() != null) {
            p.addAll(b.dose().files());
        }
        return p;
    }

    /** Writes one output file. */
    @FunctionalInterface
    private interface OutputWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Writes {@code dir/name} through a temporary file of its own in {@code dir} (two workers never share
     * one), moved into place at the end, deleted on any failure: a reader never sees half a file and a
     * full disk leaves no empty file behind. An I/O failure is the output folder's, hence a run fault.
     */
    private static void writeAtomically(Path dir, String name, OutputWriter writer) {
        Path target = dir.resolve(name);
        Path tmp = null;
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir); // classify(PlanBundle) may be called without run()
            }
            tmp = Files.createTempFile(dir, TMP_PREFIX, TMP_SUFFIX);
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException | UncheckedIOException | RtsiteIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause()
                    : e instanceof RtsiteIOException r ? r.getCause() : (IOException) e;
            throw new RunFaultException("cannot write " + target + ": " + RunFaultException.reason(io), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", tmp, RunFaultException.reason(e));
                }
            }
        }
    }
}
