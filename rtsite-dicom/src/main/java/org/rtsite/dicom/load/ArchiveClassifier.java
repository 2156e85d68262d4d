package org.rtsite.dicom.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.dicom.archive.PlanBundle;
import org.rtsite.dicom.store.PlanRecord;
import org.rtsite.dicom.store.ResultStore;

/**
 * Classifies many linked plans: each worker loads one plan, prepares its masks, classifies it and
 * writes the outcome to the {@link ResultStore} (and a JSON file per plan) before taking the next.
 * A failing plan is recorded with its error and the run goes on. Plans already in the store are
 * skipped, so a killed run resumes where it stopped.
 *
 * <pre>{@code
 * try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root);
 *      ResultStore store = ResultStore.open(db)) {
 *     ArchiveClassifier.Summary s = new ArchiveClassifier(SiteClassifier.builder().build(),
 *             new RtStructMaskSource(RegionDictionary.defaults()), DicomPlanLoader.defaults(), 4, jsonDir)
 *             .run(archive.plans().toList(), store, ArchiveClassifier.Progress.NONE);
 * }
 * }</pre>
 */
public final class ArchiveClassifier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArchiveClassifier.class);
    private final SiteClassifier classifier;
    private final MaskSource masks;
    private final DicomPlanLoader loader;
    private final int workers;
    private final Path jsonDir;
    private final boolean retryFailed;
    private final Path isodoseDir;
    private final Path qaDir;
    private final org.rtsite.dicom.store.Pseudonymizer pseudonyms;

    /**
     * @param workers     plans classified at once (each holds one plan's volumes)
     * @param jsonDir     folder for one result JSON per plan, or null for none
     */
    public ArchiveClassifier(SiteClassifier classifier, MaskSource masks, DicomPlanLoader loader, int workers,
                             Path jsonDir) {
        this(classifier, masks, loader, workers, jsonDir, false, null, null, null);
    }

    private ArchiveClassifier(SiteClassifier classifier, MaskSource masks, DicomPlanLoader loader, int workers,
                              Path jsonDir, boolean retryFailed, Path isodoseDir, Path qaDir,
                              org.rtsite.dicom.store.Pseudonymizer pseudonyms) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.masks = Objects.requireNonNull(masks, "masks");
        this.loader = Objects.requireNonNull(loader, "loader");
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("workers must be in 1..1024, got " + workers);
        }
        this.workers = workers;
        this.jsonDir = jsonDir;
        this.retryFailed = retryFailed;
        this.isodoseDir = isodoseDir;
        this.qaDir = qaDir;
        this.pseudonyms = pseudonyms;
    }

    /** A copy that classifies failed plans of an earlier run again (finished plans are still skipped). */
    public ArchiveClassifier retryingFailed() {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, true, isodoseDir, qaDir, pseudonyms);
    }

    /**
     * A copy that also writes, per classified plan, the V85/V50 isodose RTSTRUCT on the plan's CT
     * ({@code isodoseDir/<plan UID>.dcm}) and the QA picture ({@code qaDir/<plan UID>.png}); either
     * folder may be null. A plan whose outputs cannot be written is recorded as failed, with the reason.
     */
    public ArchiveClassifier withOutputs(Path isodoseDir, Path qaDir) {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, retryFailed, isodoseDir, qaDir,
                pseudonyms);
    }

    /**
     * A copy whose own outputs hold pseudonyms instead of patient identifiers: the isodose RTSTRUCT's
     * PatientID, the QA picture's caption and the log lines (plan file paths). The store still receives
     * the real PlanRecord (the database is the archive's index and holds its paths anyway); callers
     * pseudonymize what they export from it (see {@link org.rtsite.dicom.store.Pseudonymizer#row}).
     */
    public ArchiveClassifier pseudonymizing(org.rtsite.dicom.store.Pseudonymizer pseudonyms) {
        return new ArchiveClassifier(classifier, masks, loader, workers, jsonDir, retryFailed, isodoseDir, qaDir,
                Objects.requireNonNull(pseudonyms, "pseudonyms"));
    }

    /** Called after each plan is written, from worker threads. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total, failed, last) -> { };

        void planDone(int done, int total, int failed, PlanRecord last);
    }

    /**
     * @param plans   plans given
     * @param skipped already in the store
     * @param ok      classified in this run
     * @param failed  recorded as failed in this run
     * @param seconds wall time
     */
    public record Summary(int plans, int skipped, int ok, int failed, double seconds) {
    }

    /** Classifies every plan not yet in {@code store}; returns when all are written. */
    public Summary run(List<PlanBundle> plans, ResultStore store, Progress progress) {
        long t0 = System.nanoTime();
        Set<String> done = store.finishedPlans(!retryFailed);
        List<PlanBundle> todo = plans.stream().filter(p -> !done.contains(p.planFile())).toList();
        int skipped = plans.size() - todo.size();
        if (jsonDir != null) {
            try {
                Files.createDirectories(jsonDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + jsonDir, e);
            }
        }
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "rtsite-classify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (PlanBundle b : todo) {
                futures.add(pool.submit(() -> {
                    PlanRecord rec = classify(b);
                    String json = rec.ok() ? SiteResultJson.write(rec.result()) : null;
                    if (json != null && jsonDir != null) {
                        writeJson(rec, json);
                    }
                    store.write(rec, json);
                    if (!rec.ok()) {
                        failed.incrementAndGet();
                    }
                    progress.planDone(finished.incrementAndGet(), todo.size(), failed.get(), rec);
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // only the store can fail here (plans are isolated): stop, nothing written is lost
                    throw e.getCause() instanceof RuntimeException re ? re
                            : new RtsiteException("classification worker failed: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtsiteException("classification interrupted", e);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Summary(plans.size(), skipped, todo.size() - failed.get(), failed.get(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Loads, masks and classifies one plan; never throws for bad input (the error is in the record). */
    public PlanRecord classify(PlanBundle b) {
        long t0 = System.nanoTime();
        double loadMs = 0;
        double masksMs = 0;
        List<String> unmatched = List.of();
        try {
            LoadedPlan plan = loader.load(b);
            long t1 = System.nanoTime();
            loadMs = (t1 - t0) / 1e6;
            MaskSource.Prepared prepared = masks.prepare(plan);
            unmatched = prepared.unmatched();
            long t2 = System.nanoTime();
            masksMs = (t2 - t1) / 1e6;
            org.rtsite.core.volume.OrganMasks[] used = new org.rtsite.core.volume.OrganMasks[1];
            SiteResult r = classifier.classify(prepared.input(), m -> used[0] = m);
            if (!prepared.notes().isEmpty()) {
                r = r.withMaskNotes(prepared.notes());
            }
            double classifyMs = (System.nanoTime() - t2) / 1e6;
            writeOutputs(b, plan, used[0], r);
            return new PlanRecord(b.planFile(), b.planUid(), b.patientId(), masks.name(), r, unmatched, null,
                    loadMs, masksMs, classifyMs, b.missingPlan(), b.linkageNotes());
        } catch (RuntimeException | OutOfMemoryError e) {
            String why = e instanceof RtsiteException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            if (pseudonyms == null) {
                LOG.warn("plan {} failed: {}", b.planFile(), why);
                LOG.debug("plan {} failure", b.planFile(), e);
            } else {
                LOG.warn("plan {} failed: {}", pseudonyms.file(b.planFile()), pseudonyms.scrub(why, paths(b),
                        b.patientId() == null ? List.of() : List.of(b.patientId())));
            }
            return new PlanRecord(b.planFile(), b.planUid(), b.patientId(), masks.name(), null, unmatched,
                    why == null ? e.getClass().getName() : why, loadMs, masksMs, 0, b.missingPlan(), b.linkageNotes());
        }
    }

    private void writeOutputs(PlanBundle b, LoadedPlan plan, org.rtsite.core.volume.OrganMasks used, SiteResult r) {
        String id = fileName(b);
        if (isodoseDir != null) {
            try {
                Files.createDirectories(isodoseDir);
                org.rtsite.dicom.output.CtSeriesIdentity ct = org.rtsite.dicom.output.CtSeriesIdentity.of(plan.ct());
                if (pseudonyms != null) {
                    ct = new org.rtsite.dicom.output.CtSeriesIdentity(pseudonyms.patient(ct.patientId()),
                            ct.studyInstanceUid(), ct.seriesInstanceUid(), ct.frameOfReferenceUid(), ct.grid(),
                            ct.sopInstanceUids());
                }
                org.rtsite.dicom.output.IsodoseStructureSet.write(ct, plan.dose(),
                        org.rtsite.dicom.output.IsodoseLevel.of(r), isodoseDir.resolve(id + ".dcm"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the isodose RTSTRUCT in " + isodoseDir, e);
            }
        }
        if (qaDir != null && used != null) {
            org.rtsite.core.qa.QaPicture.with(classifier.dictionary()).write(qaCaption(b),
                    plan.ct().volume(), plan.dose(), used, r, qaDir.resolve(id + ".png"));
        }
    }

    /** The plan name the QA picture draws in its header: PatientID (or its pseudonym) and the output file name. */
    public String qaCaption(PlanBundle b) {
        return (pseudonyms == null ? b.patientId() : pseudonyms.patient(b.patientId())) + " " + fileName(b);
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

    private static String fileName(PlanBundle b) {
        return (b.planUid() == null ? Integer.toHexString(b.planFile().hashCode()) : b.planUid())
                .replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void writeJson(PlanRecord rec, String json) {
        String name = (rec.planUid() == null ? Integer.toHexString(rec.planFile().hashCode()) : rec.planUid())
                .replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
        Path f = jsonDir.resolve(name);
        try {
            Path tmp = jsonDir.resolve(name + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
