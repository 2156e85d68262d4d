package org.rtsite.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.nifti.Nifti;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path with TotalSegmentator-style NIfTI masks on disk (multilabel per task, or one file per structure). */
class NiftiArchiveTest {

    @TempDir
    Path dir;

    @Test
    void niftiMasksGiveTheSameLabelsAndScoresAsTheInMemoryPhantom() throws Exception {
        Path root = dir.resolve("archive");
        Path seg = dir.resolve("totalseg");
        List<PhantomArchive.Patient> patients = PhantomArchive.write(root, List.of(PhantomScene.OROPHARYNX,
                PhantomScene.LIVER_SBRT, PhantomScene.PROSTATE, PhantomScene.FEMUR));
        for (PhantomArchive.Patient p : patients) {
            PhantomPlan plan = p.scene().build();
            Path out = seg.resolve(p.patientId());
            Files.createDirectories(out.resolve("segmentations"));
            switch (p.scene()) {
                case PROSTATE -> {   // one file per structure, as TotalSegmentator writes without --ml
                    for (BinaryMask m : PhantomArchive.organs(plan.masks())) {
                        Nifti.writeMask(out.resolve("segmentations").resolve(m.name() + ".nii.gz"), m);
                    }
                }
                case FEMUR -> {      // a label map on another grid than the CT: refused, not resampled
                    LabelMap lm = plan.masks().labelMaps().get(0);
                    ImageGrid g = lm.grid();
                    ImageGrid shifted = new ImageGrid(g.nx(), g.ny(), g.nz(), g.dx(), g.dy(), g.dz(),
                            g.origin().plus(new Vec3(0, 0, 3)), g.axisI(), g.axisJ(), g.axisK());
                    Nifti.writeLabelMap(out.resolve(lm.task() + ".nii.gz"),
                            new LabelMap(lm.task(), shifted, lm.labels(), lm.names()));
                }
                default -> {
                    for (LabelMap lm : plan.masks().labelMaps()) {
                        Nifti.writeLabelMap(out.resolve(lm.task() + ".nii.gz"), lm);
                    }
                }
            }
        }
        Path db = dir.resolve("index.db");
        SiteClassifier classifier = SiteClassifier.builder().backend("cpu").build();
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root); ResultStore store = ResultStore.open(db)) {
            ArchiveClassifier.Summary s = new ArchiveClassifier(classifier,
                    new NiftiMaskSource(seg, RegionDictionary.defaults()), DicomPlanLoader.defaults(), 2, null)
                    .run(archive.plans().toList(), store, ArchiveClassifier.Progress.NONE);
            assertEquals(3, s.ok());
            assertEquals(1, s.failed());
            Map<String, Map<String, Object>> rows = store.query(null, null).stream()
                    .collect(Collectors.toMap(r -> (String) r.get("patient_id"), r -> r));
            String femurError = String.valueOf(rows.get("PHANTOM-femur").get("error"));
            assertTrue(femurError.contains("not on the CT grid") && femurError.contains("total.nii.gz"), femurError);
            for (PhantomArchive.Patient p : patients) {
                if (p.scene() == PhantomScene.FEMUR) {
                    continue;
                }
                assertEquals("nifti", rows.get(p.patientId()).get("mask_source"));
                SiteResult viaNifti = SiteResultJson.read(store.resultJson(p.planFile().toAbsolutePath().normalize().toString()));
                assertEquals(p.scene().expectedLabels(), viaNifti.labels(), p.scene().cliName());
                assertEquals(p.scene().expectedRule(), viaNifti.rule(), p.scene().cliName());
                SiteResult inMemory = classifier.classify(p.scene().build().withMasks());
                Map<String, OrganMetrics> expected = new HashMap<>();
                inMemory.organs().forEach(o -> expected.put(o.canonical() + "/" + o.source(), o));
                int compared = 0;
                for (OrganMetrics o : viaNifti.organs()) {
                    OrganMetrics e = p.scene() == PhantomScene.PROSTATE
                            ? inMemory.organs().stream().filter(x -> x.canonical().equals(o.canonical())).findFirst().orElse(null)
                            : expected.get(o.canonical() + "/" + o.source());
                    if (e == null) {
                        continue;
                    }
                    assertEquals(e.v85Voxels(), o.v85Voxels(), p.scene() + " " + o.name());
                    assertEquals(e.v50Voxels(), o.v50Voxels(), p.scene() + " " + o.name());
                    assertEquals(e.score85(), o.score85(), 1e-9, p.scene() + " " + o.name());
                    assertEquals(e.dice85(), o.dice85(), 1e-9, p.scene() + " " + o.name());
                    compared++;
                }
                assertTrue(compared >= 2, p.scene() + ": " + compared + " organs compared");
            }
        }
    }
}
