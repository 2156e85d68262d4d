package org.rtsite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.ComMode;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.decision.VolumeScope;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomAnatomy;
import org.rtsite.core.phantom.PhantomBuilder;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.phantom.Shape;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.OrganMasks;

class SiteClassifierTest {

    private static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();

    private static OrganMetrics organ(SiteResult r, String name) {
        return r.organs().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + r.organs().stream().map(OrganMetrics::name).toList()));
    }

    @Test
    void resultCarriesEveryNumberBehindTheLabels() {
        SiteResult r = CLASSIFIER.classify(PhantomScene.LUNG_SBRT.build().withMasks());
        assertEquals(List.of(Region.THORAX), r.labels());
        assertEquals(60.0, r.dmaxGy(), 0.5);
        assertEquals(0.85f * (float) r.dmaxGy(), r.level85Gy(), 1e-4);
        // V85 ≈ sphere of radius 12 + 0.57·5 mm; V50 ≈ 12 + 1.18·5 mm.
        assertEquals(4 / 3.0 * Math.PI * Math.pow(14.85, 3) / 1000, r.v85Cc(), 3);
        assertTrue(r.v50Cc() > r.v85Cc());
        assertTrue(r.com85().approx(new Vec3(70, 0, 370), 1.5), r.com85().toString());
        assertTrue(r.crop().lengthMm() >= 100);
        assertTrue(r.crop().zMinMm() <= 370 - 45 && r.crop().zMaxMm() >= 370 + 45, r.crop().toString());
        assertEquals("cpu", r.backend());
        OrganMetrics lung = organ(r, "lung_upper_lobe_left");
        assertEquals(1.0, lung.score85(), 1e-9);
        assertEquals(OrganRole.REGION, lung.role());
        assertTrue(r.timingsMs().keySet().containsAll(List.of("crop", "resample", "survey", "cut", "overlap",
                "metrics", "decision")));
        assertEquals(r.isodoseBox().voxelCount() * 0.048, r.isodoseBoxCc(), 1e-6);
    }

    @Test
    void unmappedNamesAreReportedNotDropped() {
        PhantomPlan p = PhantomAnatomy.addTo(new PhantomBuilder(PhantomScene.LUNG_SBRT.ctGrid()), Vec3.ZERO)
                .mask("PTV_60", Shape.sphere(70, 0, 370, 12))
                .mask("Lung_L", Shape.ellipsoid(65, 0, 330, 55, 65, 100))
                .target(Shape.sphere(70, 0, 370, 12), 60, 5).build("lung with contours");
        SiteResult r = CLASSIFIER.classify(p.withMasks());
        // The kidney cysts come from the 'total' label map's name table: unmapped, yet reported.
        assertEquals(List.of("PTV_60", "kidney_cyst_left", "kidney_cyst_right"), r.unmappedNames());
        OrganMetrics ptv = organ(r, "PTV_60");
        assertEquals(OrganRole.UNMAPPED, ptv.role());
        assertNull(ptv.region());
        assertTrue(ptv.score85() > 0.5);
        assertEquals(Region.THORAX, organ(r, "Lung_L").region());
        assertEquals(List.of(Region.THORAX), r.labels());
    }

    @Test
    void bowelIsSplitAtTheHipTop() {
        ImageGrid g = ImageGrid.axial(60, 40, 60, 4, 4, 3, new Vec3(-120, -80, -60));
        PhantomPlan p = new PhantomBuilder(g)
                .organ("total", "hip_left", Shape.ellipsoid(80, 10, -20, 30, 30, 60)) // top at z = 40
                .organ("total", "small_bowel", Shape.cylinderZ(0, -30, -10, 100, 20, 20))
                .mask("Bowel_Small", Shape.cylinderZ(0, -30, 80, 105, 20, 20))
                .target(Shape.cylinderZ(0, -30, -10, 110, 22, 22), 50, 3).build("bowel");
        SiteResult r = CLASSIFIER.classify(p.withMasks());
        assertEquals(39.0, r.landmarks().hipTopZ(), 1e-9); // the top voxel centre of the hip
        OrganMetrics pelvic = organ(r, "pelvic_bowel");
        OrganMetrics abdominal = organ(r, "abdominal_bowel");
        assertEquals(Region.PELVIS, pelvic.region());
        assertEquals(Region.ABDOMEN, abdominal.region());
        assertEquals("bowel_split", pelvic.source());
        // Slices at z = -9 .. 39 are pelvic (17 slices), 42 .. 105 abdominal (22 slices, union with the mask).
        long perSlice = organ(r, "small_bowel").voxels() / 37;
        assertEquals(17 * perSlice, pelvic.voxels());
        assertEquals(22 * perSlice, abdominal.voxels());
        assertEquals(OrganRole.EXCLUDED, organ(r, "small_bowel").role());
        assertEquals(List.of(Region.ABDOMEN, Region.PELVIS), r.labels());

        // Without a hip in view, all bowel is abdominal.
        PhantomPlan noHip = new PhantomBuilder(g)
                .organ("total", "small_bowel", Shape.cylinderZ(0, -30, -10, 100, 20, 20))
                .target(Shape.cylinderZ(0, -30, -10, 100, 22, 22), 50, 3).build("bowel without hip");
        SiteResult nh = CLASSIFIER.classify(noHip.withMasks());
        assertNull(nh.landmarks().hipTopZ());
        assertTrue(nh.organs().stream().noneMatch(o -> o.name().equals("pelvic_bowel")));
        assertEquals(List.of(Region.ABDOMEN), nh.labels());
    }

    @Test
    void segmenterIsCalledWithTheCroppedCtAndGivesTheSameResult() {
        PhantomScene scene = PhantomScene.PROSTATE;
        PhantomPlan plan = scene.build();
        AtomicReference<ImageGrid> seen = new AtomicReference<>();
        SiteResult viaSegmenter = CLASSIFIER.classify(plan.ct(), plan.dose(), ct -> {
            seen.set(ct.grid());
            return scene.build(ct.grid(), Vec3.ZERO).masks();
        });
        SiteResult viaMasks = CLASSIFIER.classify(plan.withMasks());
        assertEquals(viaMasks.crop().k1() - viaMasks.crop().k0(), seen.get().nz());
        assertEquals(plan.ct().grid().toPatient(0, 0, viaMasks.crop().k0()), seen.get().origin());
        assertEquals(viaMasks.labels(), viaSegmenter.labels());
        assertEquals(viaMasks.organs(), viaSegmenter.organs());
        assertTrue(viaSegmenter.timingsMs().containsKey("segment"));
    }

    @Test
    void doseWeightedComAndWholeCropOrganVolumesAreOptions() {
        PhantomPlan plan = PhantomScene.LIVER_SBRT.build();
        SiteResult paper = CLASSIFIER.classify(plan.withMasks());
        SiteClassifier opt = SiteClassifier.builder().backend("cpu").config(ClassifierConfig.defaults()
                .withComMode(ComMode.DOSE_WEIGHTED).withVolumeScope(VolumeScope.CROPPED_CT)).build();
        SiteResult r = opt.classify(plan.withMasks());
        assertEquals(r.com85DoseWeighted(), r.com85());
        assertEquals(paper.com85Geometric(), paper.com85());
        OrganMetrics liverBox = organ(paper, "liver");
        OrganMetrics liverCrop = organ(r, "liver");
        assertTrue(liverCrop.voxels() > liverBox.voxels());
        assertEquals(liverBox.v85Voxels(), liverCrop.v85Voxels());
        assertTrue(liverCrop.dice85() < liverBox.dice85());
        assertEquals(ComMode.DOSE_WEIGHTED, r.config().comMode());
    }

    @Test
    void emptyDoseIsRejected() {
        PhantomPlan p = PhantomScene.LUNG_SBRT.build();
        DoseVolume zero = new DoseVolume(p.dose().grid(), new float[p.dose().grid().voxelCount()]);
        var e = assertThrows(InvalidInputException.class, () -> CLASSIFIER.classify(p.ct().grid(), zero, p.masks()));
        assertTrue(e.getMessage().contains("Dmax = 0.0"), e.getMessage());
    }

    @Test
    void nanDoseIsRejected() {
        PhantomPlan p = PhantomScene.LUNG_SBRT.build();
        float[] gy = p.dose().gy().clone();
        gy[17] = Float.NaN;
        var e = assertThrows(InvalidInputException.class,
                () -> CLASSIFIER.classify(p.ct().grid(), new DoseVolume(p.dose().grid(), gy), p.masks()));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void masksOnTheWrongGridAreRejected() {
        PhantomPlan p = PhantomScene.LUNG_SBRT.build();
        ImageGrid g = p.ct().grid();
        ImageGrid shifted = ImageGrid.axial(g.nx(), g.ny(), g.nz(), g.dx(), g.dy(), g.dz(), g.origin().plus(Vec3.X));
        OrganMasks wrong = new OrganMasks(shifted, List.of(), List.of());
        var e = assertThrows(InvalidInputException.class, () -> CLASSIFIER.classify(g, p.dose(), wrong));
        assertTrue(e.getMessage().contains("not on the CT grid"), e.getMessage());
        var seg = assertThrows(InvalidInputException.class, () -> CLASSIFIER.classify(p.ct(), p.dose(), ct -> wrong));
        assertTrue(seg.getMessage().contains("segmenter"), seg.getMessage());
    }

    @Test
    void doseOutsideTheCtIsRejected() {
        PhantomPlan p = PhantomScene.LUNG_SBRT.build();
        ImageGrid dg = p.dose().grid();
        // Beside the CT in x, within its z-range: passes the crop, misses every voxel.
        ImageGrid beside = ImageGrid.axial(dg.nx(), dg.ny(), dg.nz(), dg.dx(), dg.dy(), dg.dz(),
                dg.origin().plus(new Vec3(1000, 0, 0)));
        var e = assertThrows(InvalidInputException.class,
                () -> CLASSIFIER.classify(p.ct().grid(), new DoseVolume(beside, p.dose().gy()), p.masks()));
        assertTrue(e.getMessage().contains("dose outside the CT"), e.getMessage());
        ImageGrid above = ImageGrid.axial(dg.nx(), dg.ny(), dg.nz(), dg.dx(), dg.dy(), dg.dz(),
                dg.origin().plus(new Vec3(0, 0, 2000)));
        var e2 = assertThrows(InvalidInputException.class,
                () -> CLASSIFIER.classify(p.ct().grid(), new DoseVolume(above, p.dose().gy()), p.masks()));
        assertTrue(e2.getMessage().contains("dose outside the CT"), e2.getMessage());
    }

    @Test
    void namedBackendThatDoesNotExistIsAClearError() {
        var e = assertThrows(RtsiteException.class, () -> SiteClassifier.builder().backend("quantum").build());
        assertTrue(e.getMessage().contains("quantum"));
        assertNotNull(SiteClassifier.builder().build().backend());
    }

    @Test
    void oneClassifierServesManyThreads() throws Exception {
        List<PhantomPlan> plans = List.of(PhantomScene.LUNG_SBRT.build(), PhantomScene.PROSTATE.build(),
                PhantomScene.LIVER_SBRT.build(), PhantomScene.V50_ONLY.build());
        List<SiteResult> sequential = plans.stream().map(p -> CLASSIFIER.classify(p.withMasks())).toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<SiteResult>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (PhantomPlan p : plans) {
                    futures.add(pool.submit(() -> CLASSIFIER.classify(p.withMasks())));
                }
            }
            for (int f = 0; f < futures.size(); f++) {
                SiteResult r = futures.get(f).get();
                SiteResult expected = sequential.get(f % plans.size());
                assertEquals(expected.labels(), r.labels());
                assertEquals(expected.organs(), r.organs());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void segmenterNeedsHu() {
        PhantomPlan p = PhantomScene.LUNG_SBRT.build();
        assertThrows(InvalidInputException.class,
                () -> new PlanInput(p.ct().grid(), null, p.dose(), null, ct -> p.masks()));
        assertEquals(Rule.V85_OVERLAP, CLASSIFIER.classify(new PlanInput(p.ct().grid(), new CtVolume(p.ct().grid(),
                p.ct().hu()), p.dose(), p.masks(), null)).rule());
    }
}
