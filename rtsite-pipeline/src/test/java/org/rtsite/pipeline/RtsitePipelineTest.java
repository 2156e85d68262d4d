package org.rtsite.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.result.SiteResult;
import org.rtsite.pipeline.store.PlanRecord;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;

/** The façade on phantom archives written as DICOM: one plan from a folder, a bulk run, and its refusals. */
class RtsitePipelineTest {
    static final SiteClassifier CPU = SiteClassifier.builder().backend("cpu").build();

    @TempDir
    Path dir;

    @Test
    void classifiesThePlanOfAFolderAndOfItsRtplanFile() throws IOException {
        PhantomArchive.Patient p = PhantomArchive.write(dir, List.of(PhantomScene.PROSTATE)).get(0);
        Set<Path> before = temporaryIndexes();
        RtsitePipeline pipeline = RtsitePipeline.builder().classifier(CPU).jsonOutput(dir.resolve("json"))
                .qaOutput(dir.resolve("qa")).build();
        SiteResult r = pipeline.classify(dir);
        assertEquals(PhantomScene.PROSTATE.expectedLabels(), r.labels());
        assertEquals(PhantomScene.PROSTATE.expectedRule(), r.rule());
        assertEquals(r.labels(), pipeline.classify(p.planFile()).labels());
        assertTrue(Files.isRegularFile(dir.resolve("json").resolve(p.planUid() + ".json")));
        assertTrue(Files.isRegularFile(dir.resolve("qa").resolve(p.planUid() + ".png")));
        Set<Path> left = temporaryIndexes();
        left.removeAll(before);
        assertEquals(Set.of(), left, "temporary indexes left behind");
    }

    @Test
    void aFolderOfSeveralPlansIsRefusedNamingThem() {
        List<PhantomArchive.Patient> ps = PhantomArchive.write(dir, List.of(PhantomScene.PROSTATE,
                PhantomScene.LIVER_SBRT));
        RtsitePipeline pipeline = RtsitePipeline.builder().classifier(CPU).build();
        PlanFolderException e = assertThrows(PlanFolderException.class, () -> pipeline.classify(dir));
        assertEquals(PlanFolderException.Problem.SEVERAL_PLANS, e.problem());
        assertEquals(2, e.plans().size());
        for (PhantomArchive.Patient p : ps) {
            assertTrue(e.getMessage().contains(p.planFile().toString()), e.getMessage());
        }
        // naming the RTPLAN file chooses among them
        assertEquals(PhantomScene.LIVER_SBRT.expectedLabels(), pipeline.classify(ps.get(1).planFile()).labels());
    }

    @Test
    void aFolderWithoutPlanOrAMissingFolderIsRefused() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "no DICOM here");
        RtsitePipeline pipeline = RtsitePipeline.builder().classifier(CPU).build();
        PlanFolderException e = assertThrows(PlanFolderException.class, () -> pipeline.classify(dir));
        assertEquals(PlanFolderException.Problem.NO_PLAN, e.problem());
        assertThrows(org.rtsite.core.InvalidInputException.class, () -> pipeline.classify(dir.resolve("absent")));
    }

    @Test
    void anIncompletePlanIsRefusedWithTheLinkersReasons() throws IOException {
        PhantomArchive.Patient p = PhantomArchive.write(dir, List.of(PhantomScene.PROSTATE)).get(0);
        Files.delete(p.structureSetFile());
        PlanFolderException e = assertThrows(PlanFolderException.class,
                () -> RtsitePipeline.builder().classifier(CPU).build().classify(dir));
        assertEquals(PlanFolderException.Problem.INCOMPLETE_PLAN, e.problem());
        assertTrue(e.getMessage().contains("no structure set"), e.getMessage());
        assertTrue(e.getMessage().contains("the linkage found"), e.getMessage());
    }

    /**
     * A real TPS export rather than rtsite's own files: dicompyler-core's example (RTPLAN, RTSTRUCT and one
     * of its 98 CT slices, no RTDOSE; the public-rt catalogue, kept in rtsite-dicom's test resources) is
     * refused as incomplete, naming both missing links the linker found.
     */
    @Test
    void aRealExportMissingItsDoseAndMostSlicesIsRefusedWithBothReasons() throws IOException {
        Path example = Path.of(System.getProperty("basedir", ".")).resolve(
                "../rtsite-dicom/src/test/resources/public-rt/dicompyler-core_example").normalize();
        assertTrue(Files.isDirectory(example), "rtsite-dicom's public-rt fixtures not found at " + example);
        Path folder = dir.resolve("dicompyler");
        Files.createDirectories(folder);
        try (Stream<Path> files = Files.list(example)) {
            for (Path f : files.toList()) {
                Files.copy(f, folder.resolve(f.getFileName()));
            }
        }
        PlanFolderException e = assertThrows(PlanFolderException.class,
                () -> RtsitePipeline.builder().classifier(CPU).build().classify(folder.resolve("rtplan.dcm")));
        assertEquals(PlanFolderException.Problem.INCOMPLETE_PLAN, e.problem());
        assertTrue(e.getMessage().contains("no dose"), e.getMessage());
        assertTrue(e.getMessage().contains("97 of 98 contour image references"), e.getMessage());
    }

    /**
     * Issue 15: two workers finishing together used to report 5 before 4, so a bar could end at "4/5".
     * The callback for the next-to-last plan dawdles, giving the last plan time to overtake it.
     */
    @Test
    void progressArrivesInOrderFromConcurrentWorkers() {
        List<PhantomScene> scenes = List.of(PhantomScene.PROSTATE, PhantomScene.LIVER_SBRT, PhantomScene.LUNG_SBRT,
                PhantomScene.WHOLE_BRAIN, PhantomScene.PELVIC_NODES);
        PhantomArchive.write(dir.resolve("archive"), scenes);
        Path db = dir.resolve("index.db");
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), dir.resolve("archive"));
             ResultStore store = ResultStore.open(db)) {
            ArchiveClassifier.Summary s = RtsitePipeline.builder().classifier(CPU).workers(2).build()
                    .run(archive, store, (done, total, failed, last) -> {
                        if (done == total - 1) {
                            try {
                                Thread.sleep(3000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        seen.add(done);
                    });
            assertEquals(scenes.size(), s.ok());
        }
        assertEquals(IntStream.rangeClosed(1, scenes.size()).boxed().toList(), seen);
    }

    /**
     * Issue 15: a ROI name the classifier's custom dictionary knows was dropped as unmatched when the
     * mask source had been made with the default dictionary. The source now reads the classifier's.
     */
    @Test
    void roiNamesOfTheClassifiersDictionaryAreUsed() {
        PhantomArchive.Patient p = PhantomArchive.write(dir, List.of(PhantomScene.PROSTATE)).get(0);
        RegionDictionary custom = RegionDictionary.defaults().extendedWith(RegionDictionary.parse(
                new StringReader(PhantomArchive.TARGET_ROI + "," + RegionDictionary.EXCLUDED + "\n"), "custom"));
        SiteClassifier classifier = SiteClassifier.builder().backend("cpu").dictionary(custom).build();
        try (DicomArchive archive = DicomArchive.index(dir)) {
            PlanRecord rec = new ArchiveClassifier(classifier, new RtStructMaskSource(RegionDictionary.defaults()),
                    DicomPlanLoader.defaults(), 1, null).classify(archive.plans().findFirst().orElseThrow());
            assertTrue(rec.ok(), rec.error());
            assertFalse(rec.unmatched().contains(PhantomArchive.TARGET_ROI), rec.unmatched().toString());
            assertTrue(rec.result().organs().stream().anyMatch(o -> o.name().equals(PhantomArchive.TARGET_ROI)
                    && o.role() == OrganRole.EXCLUDED), "the target is not among the organs");
        }
        SiteResult viaFacade = RtsitePipeline.builder().classifier(classifier).build().classify(p.planFile());
        assertTrue(viaFacade.organs().stream().anyMatch(o -> o.name().equals(PhantomArchive.TARGET_ROI)));
    }

    private static Set<Path> temporaryIndexes() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return new HashSet<>(s.filter(f -> f.getFileName().toString().startsWith("rtsite-index")).toList());
        }
    }
}
