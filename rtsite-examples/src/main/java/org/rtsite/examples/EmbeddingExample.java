package org.rtsite.examples;

import java.nio.file.Path;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.pipeline.ArchiveClassifier;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.store.ResultStore;

/**
 * The README's embedding examples: one plan held in memory ({@link #inMemory()}), one plan from a folder
 * of DICOM files ({@link #fromFolder(Path)}) and every plan of an archive into a results store
 * ({@link #wholeArchive(Path, Path)}).
 *
 * <pre>
 * EmbeddingExample                      the phantom in memory
 * EmbeddingExample PLAN_FOLDER          the one plan in a folder of DICOM files
 * EmbeddingExample ARCHIVE_ROOT DB      every plan under ARCHIVE_ROOT, indexed and stored in DB
 * </pre>
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    public static void main(String[] args) {
        switch (args.length) {
            case 0 -> inMemory();
            case 1 -> fromFolder(Path.of(args[0]));
            case 2 -> wholeArchive(Path.of(args[0]), Path.of(args[1]));
            default -> throw new InvalidInputException("usage: EmbeddingExample [PLAN_FOLDER | ARCHIVE_ROOT DB],"
                    + " got " + args.length + " arguments");
        }
    }

    /** One plan in memory. Replace the phantom with your own CT grid, dose and masks. */
    static void inMemory() {
        PhantomPlan plan = PhantomScene.LIVER_SBRT.build();           // CT grid, dose grid, organ masks
        SiteClassifier classifier = SiteClassifier.builder().build(); // paper defaults; reuse for every plan
        SiteResult result = classifier.classify(plan.ct().grid(), plan.dose(), plan.masks());

        System.out.println(result.labelNames() + " by " + result.rule()); // [Abdomen, Thorax] by V85_OVERLAP
        for (OrganMetrics o : result.organs()) {
            if (o.score85() > 0.001) {
                System.out.printf("%-24s %-14s V85 score %.3f%n", o.name(), o.region(), o.score85());
            }
        }
        String json = SiteResultJson.write(result);                   // versioned schema, docs/core.md
        System.out.println(json.length() + " characters of JSON");
    }

    /** One plan from a folder holding its CT, RTSTRUCT, RTPLAN and RTDOSE files (any names, any layout). */
    static void fromFolder(Path planFolder) {
        RtsitePipeline pipeline = RtsitePipeline.builder().build();      // paper defaults, masks from the RTSTRUCT
        SiteResult result = pipeline.classify(planFolder);               // index, link, load, mask, classify
        System.out.println(result.labelNames() + " by " + result.rule());
    }

    /** Every plan under {@code root}: indexed into {@code db} (kept, so a second run reads only new files), results stored there too. */
    static void wholeArchive(Path root, Path db) {
        RtsitePipeline pipeline = RtsitePipeline.builder().workers(2).jsonOutput(db.resolveSibling("json")).build();
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root);
             ResultStore store = ResultStore.open(db)) {
            ArchiveClassifier.Summary s = pipeline.run(archive, store, (done, total, failed, last) ->
                    System.out.println(done + "/" + total + " " + (last.ok() ? last.result().labelNames() : last.error())));
            System.out.println(s.ok() + " classified, " + s.failed() + " failed, " + s.skipped() + " already stored");
        }
    }
}
