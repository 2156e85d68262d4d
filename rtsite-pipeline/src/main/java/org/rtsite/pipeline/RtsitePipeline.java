package org.rtsite.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.DoseChoice;
import org.rtsite.archive.PlanBundle;
import org.rtsite.archive.PlanSpool;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.pipeline.store.Pseudonymizer;
import org.rtsite.pipeline.store.ResultStore;

/**
 * The DICOM path in one object: a classifier, where the organ masks come from, how many plans at once
 * and which files to write, fixed by a builder; then {@link #classify(Path)} for one plan from a
 * folder of DICOM files, or {@link #run} for every plan of an indexed archive into a results store.
 *
 * <pre>{@code
 * SiteResult r = RtsitePipeline.builder().build().classify(Path.of("patient42"));
 * System.out.println(r.labelNames());
 * }</pre>
 *
 * <pre>{@code
 * RtsitePipeline pipeline = RtsitePipeline.builder().workers(4).jsonOutput(Path.of("out/json")).build();
 * try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root);
 *      ResultStore store = ResultStore.open(db)) {
 *     ArchiveClassifier.Summary s = pipeline.run(archive, store, ArchiveClassifier.Progress.NONE);
 * }
 * }</pre>
 *
 * The mask source reads structure names with the classifier's region dictionary, so a custom
 * dictionary is given once, to the classifier. Immutable and thread-safe once built.
 */
public final class RtsitePipeline {
    private final SiteClassifier classifier;
    private final MaskSource masks;
    private final int workers;
    private final Path jsonDir;
    private final Path isodoseDir;
    private final Path qaDir;
    private final Pseudonymizer pseudonyms;
    private final ArchiveClassifier engine;

    private RtsitePipeline(Builder b) {
        this.classifier = b.classifier != null ? b.classifier : SiteClassifier.builder().build();
        this.workers = b.workers;
        this.jsonDir = b.jsonDir;
        this.isodoseDir = b.isodoseDir;
        this.qaDir = b.qaDir;
        this.pseudonyms = b.pseudonyms;
        ArchiveClassifier e = new ArchiveClassifier(classifier, b.masks, b.loader, workers, jsonDir);
        if (isodoseDir != null || qaDir != null) {
            e = e.withOutputs(isodoseDir, qaDir);
        }
        if (b.qaDicomDir != null) {
            e = e.withQaDicomOutput(b.qaDicomDir);
        }
        if (pseudonyms != null) {
            e = e.pseudonymizing(pseudonyms);
        }
        if (b.retryFailed) {
            e = e.retryingFailed();
        }
        this.engine = e;
        this.masks = b.masks.withDictionary(classifier.dictionary());
    }

    /** A builder with the defaults: {@code SiteClassifier.builder().build()}, masks from the plan's RTSTRUCT, one worker, no files. */
    public static Builder builder() {
        return new Builder();
    }

    /** The classifier every plan goes through. */
    public SiteClassifier classifier() {
        return classifier;
    }

    /** Where the organ masks come from, reading names with {@link #classifier()}'s dictionary. */
    public MaskSource masks() {
        return masks;
    }

    /** Plans classified at once by {@link #run}. */
    public int workers() {
        return workers;
    }

    /**
     * Classifies the one plan in a folder of DICOM files (any names, any layout below it), or the plan
     * of the given RTPLAN file (or RTDOSE, for a dose without plan) among the files of its folder. The
     * folder is indexed into a temporary database, deleted before this returns (also on failure).
     * Outputs the builder asked for are written as by {@link #run}.
     *
     * @throws PlanFolderException when the folder holds no plan or several (named), or the plan is
     *                             incomplete (the linker's reasons)
     * @throws InvalidInputException when the path does not exist, or the plan's files cannot be classified
     * @throws org.rtsite.core.RtsiteException when the folder cannot be read or an output cannot be written
     */
    public SiteResult classify(Path planFolderOrFile) {
        Objects.requireNonNull(planFolderOrFile, "planFolderOrFile");
        Path target = planFolderOrFile.toAbsolutePath().normalize();
        Path folder;
        Path file = null;
        if (Files.isRegularFile(target)) {
            file = target;
            folder = target.getParent();
        } else if (Files.isDirectory(target)) {
            folder = target;
        } else {
            throw new InvalidInputException("plan folder or file " + planFolderOrFile + " does not exist");
        }
        try (DicomArchive archive = DicomArchive.index(folder)) {
            return engine.classifyOrThrow(choose(archive, folder, file));
        }
    }

    private PlanBundle choose(DicomArchive archive, Path folder, Path file) {
        List<PlanBundle> plans = archive.plans().toList();
        List<PlanBundle> planless = archive.planlessDoses().toList();
        PlanBundle chosen;
        if (file != null) {
            List<PlanBundle> all = new ArrayList<>(plans);
            all.addAll(planless);
            chosen = all.stream().filter(p -> Path.of(p.planFile()).equals(file)).findFirst()
                    .orElseThrow(() -> new PlanFolderException(PlanFolderException.Problem.NO_PLAN, List.of(),
                            file + " is not a plan: give an RTPLAN file, an RTDOSE without plan, or their folder"
                                    + named(all)));
        } else {
            List<PlanBundle> candidates = plans.isEmpty() ? planless : plans;
            if (candidates.isEmpty()) {
                throw new PlanFolderException(PlanFolderException.Problem.NO_PLAN, List.of(), "folder " + folder
                        + " holds no RTPLAN and no RTDOSE (" + archive.report().summary().files() + " files indexed)");
            }
            if (candidates.size() > 1) {
                List<String> files = candidates.stream().map(PlanBundle::planFile).toList();
                throw new PlanFolderException(PlanFolderException.Problem.SEVERAL_PLANS, files, "folder " + folder
                        + " holds " + files.size() + (plans.isEmpty() ? " doses without plan" : " plans")
                        + ": pass one of their files instead, or index the folder and use run()" + named(candidates));
            }
            chosen = candidates.get(0);
        }
        List<String> missing = new ArrayList<>();
        if (chosen.ctSeriesUid() == null || chosen.ctFiles().isEmpty()) {
            missing.add("no CT series");
        }
        if (chosen.dose() == null || chosen.dose().decision() == DoseChoice.Decision.NONE
                || chosen.dose().files().isEmpty()) {
            missing.add("no dose");
        }
        if (chosen.structureSetFile() == null && masks instanceof RtStructMaskSource) {
            missing.add("no structure set (the masks come from the RTSTRUCT)");
        }
        if (!missing.isEmpty()) {
            throw new PlanFolderException(PlanFolderException.Problem.INCOMPLETE_PLAN, List.of(chosen.planFile()),
                    DicomPlanLoader.what(chosen) + " is incomplete: " + String.join(", ", missing) + " linked"
                            + DicomPlanLoader.reasons(chosen));
        }
        return chosen;
    }

    private static String named(List<PlanBundle> plans) {
        return plans.isEmpty() ? "" : "; found: " + String.join(", ", plans.stream()
                .map(p -> p.planFile() + (p.planUid() == null ? "" : " (" + p.planUid() + ")")).toList());
    }

    /**
     * Classifies every plan of {@code archive} and every dose without plan into {@code store} (see
     * {@link #run(List, ResultStore, ArchiveClassifier.Progress)}).
     */
    public ArchiveClassifier.Summary run(DicomArchive archive, ResultStore store, ArchiveClassifier.Progress progress) {
        Objects.requireNonNull(archive, "archive");
        // the bundles are parked on disk and read back as workers free up: the heap holds the plans in
        // flight and one patient's linkage, not the archive's bundles
        try (PlanSpool plans = archive.spoolPlans(true)) {
            return run(plans, store, progress);
        }
    }

    /**
     * Classifies the plans not yet in {@code store} with {@link #workers()} workers; a failing plan is
     * stored with its reason and the run goes on. {@code progress} is told after each plan, one call at
     * a time and in order ({@code done} = 1, 2, ... total).
     *
     * @throws RunFaultException when the run itself fails (store or output folder not writable,
     *                           interruption, out of memory); plans finished before stay stored
     */
    public ArchiveClassifier.Summary run(List<PlanBundle> plans, ResultStore store, ArchiveClassifier.Progress progress) {
        return engine.run(Objects.requireNonNull(plans, "plans"), Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(progress, "progress"));
    }

    /**
     * As {@link #run(List, ResultStore, ArchiveClassifier.Progress)}, walking {@code plans} as a stream
     * (twice, in the same order: see {@link ArchiveClassifier#run(Iterable, ResultStore, ArchiveClassifier.Progress)}),
     * e.g. a {@link DicomArchive#spoolPlans} of an archive of any size.
     *
     * @throws RunFaultException as {@link #run(List, ResultStore, ArchiveClassifier.Progress)}
     */
    public ArchiveClassifier.Summary run(Iterable<PlanBundle> plans, ResultStore store,
                                         ArchiveClassifier.Progress progress) {
        return engine.run(Objects.requireNonNull(plans, "plans"), Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(progress, "progress"));
    }

    /** Classifies one linked plan, never throwing for bad input (the reason is in the record). */
    public org.rtsite.pipeline.store.PlanRecord classify(PlanBundle plan) {
        return engine.classify(Objects.requireNonNull(plan, "plan"));
    }

    /**
     * Options of a {@link RtsitePipeline}. Every option has a default; {@link #build()} checks them
     * together. Mask source options replace each other (the last one given counts).
     */
    public static final class Builder {
        private SiteClassifier classifier;
        private MaskSource masks = new RtStructMaskSource();
        private DicomPlanLoader loader = DicomPlanLoader.defaults();
        private int workers = 1;
        private Path jsonDir;
        private Path isodoseDir;
        private Path qaDir;
        private Path qaDicomDir;
        private Pseudonymizer pseudonyms;
        private boolean retryFailed;

        private Builder() {
        }

        /** The classifier (default {@code SiteClassifier.builder().build()}); its dictionary also matches mask names. */
        public Builder classifier(SiteClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /** Masks from the plan's own RTSTRUCT (the default). */
        public Builder masksFromStructureSet() {
            this.masks = new RtStructMaskSource();
            return this;
        }

        /** Masks from TotalSegmentator NIfTI files under {@code folder} (see {@link NiftiMaskSource}), off-grid files refused. */
        public Builder masksFromNifti(Path folder) {
            return masksFromNifti(folder, NiftiMaskSource.OffGrid.REFUSE);
        }

        /** As {@link #masksFromNifti(Path)}, with what to do with files off the CT grid. */
        public Builder masksFromNifti(Path folder, NiftiMaskSource.OffGrid offGrid) {
            this.masks = new NiftiMaskSource(Objects.requireNonNull(folder, "folder"),
                    org.rtsite.core.region.RegionDictionary.defaults(), offGrid);
            return this;
        }

        /** Masks from a segmenter (e.g. rtsite-inference-djl's {@code DjlSegmenter}), stored as mask source {@code name}. */
        public Builder masksFromSegmenter(String name, OrganSegmenter segmenter) {
            this.masks = new SegmenterMaskSource(name, segmenter);
            return this;
        }

        /** Any other mask source; it is given the classifier's dictionary ({@link MaskSource#withDictionary}). */
        public Builder masks(MaskSource masks) {
            this.masks = Objects.requireNonNull(masks, "masks");
            return this;
        }

        /** How plans are read (default {@link DicomPlanLoader#defaults()}). */
        public Builder loader(DicomPlanLoader loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** Plans classified at once by {@code run}, 1..1024 (default 1); each holds one plan's volumes. */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 1024) {
                throw new InvalidInputException("workers must be in 1..1024, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Folder for one result JSON per plan (default none). */
        public Builder jsonOutput(Path folder) {
            this.jsonDir = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Folder for one V85/V50 isodose RTSTRUCT per plan on the plan's CT (default none). */
        public Builder isodoseOutput(Path folder) {
            this.isodoseDir = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Folder for one QA picture (PNG) per plan (default none). */
        public Builder qaOutput(Path folder) {
            this.qaDir = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * Folder for one QA picture per plan as a DICOM Secondary Capture Image in the plan's study (default
         * none); may be the {@link #qaOutput} folder (the PNG is {@code .png}, this one {@code .dcm}).
         */
        public Builder qaDicomOutput(Path folder) {
            this.qaDicomDir = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Pseudonyms instead of patient identifiers in the outputs and log lines (default none). */
        public Builder pseudonyms(Pseudonymizer pseudonyms) {
            this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
            return this;
        }

        /** Whether {@code run} classifies again the plans an earlier run stored as failed (default false). */
        public Builder retryFailed(boolean retryFailed) {
            this.retryFailed = retryFailed;
            return this;
        }

        /** The pipeline; later changes to this builder do not affect it. */
        public RtsitePipeline build() {
            return new RtsitePipeline(this);
        }
    }
}
