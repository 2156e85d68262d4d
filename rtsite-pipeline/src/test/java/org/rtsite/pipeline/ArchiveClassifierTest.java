package org.rtsite.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.pipeline.store.PlanRecord;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path on a phantom archive written as DICOM: index, link, load, RTSTRUCT masks, classify, store. */
class ArchiveClassifierTest {
    static final List<PhantomScene> SCENES = List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE,
            PhantomScene.OROPHARYNX, PhantomScene.LIVER_SBRT, PhantomScene.WHOLE_BRAIN, PhantomScene.PELVIC_NODES);

    @TempDir
    static Path dir;
    static List<PhantomArchive.Patient> patients;
    static Path db;
    static ArchiveClassifier.Summary summary;
    static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();

    @BeforeAll
    static void classifyTheArchive() {
        patients = PhantomArchive.write(dir.resolve("archive"), SCENES);
        db = dir.resolve("index.db");
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), dir.resolve("archive"));
             ResultStore store = ResultStore.open(db)) {
            List<PlanBundle> plans = archive.plans().toList();
            assertEquals(SCENES.size(), plans.size());
            plans.forEach(p -> assertTrue(p.complete(), p.planFile() + " " + p.reasons()));
            summary = new ArchiveClassifier(CLASSIFIER, new RtStructMaskSource(RegionDictionary.defaults()),
                    DicomPlanLoader.defaults(), 2, dir.resolve("json")).run(plans, store, ArchiveClassifier.Progress.NONE);
        }
    }

    @Test
    void everySceneGetsItsExpectedLabelsAndRule() throws Exception {
        assertEquals(new ArchiveClassifier.Summary(SCENES.size(), 0, SCENES.size(), 0, summary.seconds()), summary);
        try (ResultStore store = ResultStore.open(db)) {
            for (PhantomArchive.Patient p : patients) {
                String json = store.resultJson(p.planFile().toAbsolutePath().normalize().toString());
                assertNotNull(json, p.scene() + " has no stored result");
                SiteResult r = SiteResultJson.read(json);
                assertEquals(p.scene().expectedLabels(), r.labels(), p.scene().cliName());
                assertEquals(p.scene().expectedRule(), r.rule(), p.scene().cliName());
                assertTrue(Files.isRegularFile(dir.resolve("json").resolve(p.planUid() + ".json")));
            }
        }
    }

    /** The DICOM round trip (contours → raster, dose → 32-bit → Gy) must not change a single organ's numbers. */
    @Test
    void organScoresEqualThoseOfTheInMemoryPhantom() {
        try (ResultStore store = ResultStore.open(db)) {
            int total = 0;
            for (PhantomArchive.Patient p : patients) {
                SiteResult viaDicom = SiteResultJson.read(store.resultJson(p.planFile().toAbsolutePath().normalize().toString()));
                SiteResult inMemory = CLASSIFIER.classify(p.scene().build().withMasks());
                Map<String, OrganMetrics> expected = new HashMap<>();
                inMemory.organs().forEach(o -> expected.put(o.canonical(), o));
                int compared = 0;
                for (OrganMetrics o : viaDicom.organs()) {
                    OrganMetrics e = expected.get(o.canonical());
                    if (e == null || o.role() == org.rtsite.core.result.OrganRole.UNMAPPED) {
                        continue;
                    }
                    assertEquals(e.voxels(), o.voxels(), p.scene() + " " + o.name());
                    assertEquals(e.v85Voxels(), o.v85Voxels(), p.scene() + " " + o.name());
                    assertEquals(e.v50Voxels(), o.v50Voxels(), p.scene() + " " + o.name());
                    assertEquals(e.score85(), o.score85(), 1e-9, p.scene() + " " + o.name());
                    compared++;
                }
                assertTrue(compared >= 1, p.scene() + ": no organ compared");
                total += compared;
                assertEquals(inMemory.v85Cc(), viaDicom.v85Cc(), 1e-6, p.scene().cliName());
            }
            assertTrue(total >= 2 * patients.size(), total + " organs compared");
        }
    }

    /**
     * Scores recomputed here without the core's pipeline: trilinear dose at every CT voxel centre of the
     * whole CT, V85 = voxels at or above 85 % of its maximum, score = |organ ∩ V85| / |V85| with the
     * phantom's own organ voxels (not the rasterized contours).
     */
    @Test
    void scoresAgreeWithANaiveComputation() {
        try (ResultStore store = ResultStore.open(db)) {
            for (PhantomArchive.Patient p : patients) {
                SiteResult r = SiteResultJson.read(store.resultJson(p.planFile().toAbsolutePath().normalize().toString()));
                org.rtsite.core.phantom.PhantomPlan plan = p.scene().build();
                org.rtsite.core.geometry.ImageGrid ct = plan.ct().grid();
                float[] dose = new float[ct.voxelCount()];
                float max = 0;
                for (int k = 0; k < ct.nz(); k++) {
                    for (int j = 0; j < ct.ny(); j++) {
                        for (int i = 0; i < ct.nx(); i++) {
                            float v = trilinear(plan.dose(), ct.toPatient(i, j, k));
                            dose[ct.index(i, j, k)] = v;
                            max = Math.max(max, v);
                        }
                    }
                }
                assertEquals(max, r.dmaxGy(), 1e-3 * max, p.scene().cliName());
                long v85 = 0;
                for (float v : dose) {
                    v85 += v >= 0.85f * max ? 1 : 0;
                }
                Map<String, Long> hits = new HashMap<>();
                for (org.rtsite.core.volume.BinaryMask m : PhantomArchive.organs(plan.masks())) {
                    long n = 0;
                    for (int i = 0; i < dose.length; i++) {
                        n += m.contains(i) && dose[i] >= 0.85f * max ? 1 : 0;
                    }
                    hits.put(PhantomArchive.ROI_NAMES.getOrDefault(m.name(), m.name()), n);
                }
                int compared = 0;
                for (OrganMetrics o : r.organs()) {
                    Long n = hits.get(o.name());
                    if (n == null || o.role() != org.rtsite.core.result.OrganRole.REGION) {
                        continue;
                    }
                    // a voxel or two may fall on the other side of the 85 % level through float rounding
                    assertEquals((double) n / v85, o.score85(), 2.0 / v85 + 1e-9, p.scene() + " " + o.name());
                    compared++;
                }
                assertTrue(compared >= 1, p.scene() + ": no organ compared");
            }
        }
    }

    private static float trilinear(org.rtsite.core.volume.DoseVolume d, org.rtsite.core.geometry.Vec3 p) {
        org.rtsite.core.geometry.ImageGrid g = d.grid(); // axial, unit axes: index = (p - origin) / spacing
        double x = (p.x() - g.origin().x()) / g.dx();
        double y = (p.y() - g.origin().y()) / g.dy();
        double z = (p.z() - g.origin().z()) / g.dz();
        if (x < 0 || y < 0 || z < 0 || x > g.nx() - 1 || y > g.ny() - 1 || z > g.nz() - 1) {
            return 0;
        }
        int i = Math.min((int) x, g.nx() - 2);
        int j = Math.min((int) y, g.ny() - 2);
        int k = Math.min((int) z, g.nz() - 2);
        double fx = x - i;
        double fy = y - j;
        double fz = z - k;
        double v = 0;
        for (int c = 0; c < 8; c++) {
            int a = c & 1;
            int b = (c >> 1) & 1;
            int e = (c >> 2) & 1;
            v += d.get(i + a, j + b, k + e) * (a == 1 ? fx : 1 - fx) * (b == 1 ? fy : 1 - fy) * (e == 1 ? fz : 1 - fz);
        }
        return (float) v;
    }

    @Test
    void primaryRegionIsOneSqlQueryAndTheTargetIsReportedUnmatched() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> thorax = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT patient_id FROM plan_result WHERE primary_region = 'Thorax'")) {
                while (rs.next()) {
                    thorax.add(rs.getString(1));
                }
            }
            assertEquals(List.of("PHANTOM-lung-sbrt"), thorax);
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(unmatched = '" + PhantomArchive.TARGET_ROI
                    + "') FROM plan_result WHERE status = 'OK'")) {
                rs.next();
                assertEquals(SCENES.size(), rs.getInt(1));
                assertEquals(SCENES.size(), rs.getInt(2));
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM plan_organ o JOIN plan_result r USING(plan_file)"
                    + " WHERE r.patient_id = 'PHANTOM-prostate' AND o.name = 'Bladder' AND o.score85 > 0")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "TG-263 Bladder maps and scores");
            }
        }
    }

    /** The segmenter source: a stand-in segmenter that draws the phantom atlas on whatever cropped grid it is given. */
    @Test
    void segmenterSourceGetsTheCroppedCtAndGivesTheSameLabels() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (DicomArchive archive = DicomArchive.open(db)) {
            for (PlanBundle b : archive.plans().toList()) {
                PhantomArchive.Patient p = patients.stream()
                        .filter(x -> x.planFile().toAbsolutePath().normalize().toString().equals(b.planFile()))
                        .findFirst().orElseThrow();
                SegmenterMaskSource source = new SegmenterMaskSource("atlas", ct -> {
                    calls.incrementAndGet();
                    assertTrue(ct.grid().nz() < p.scene().ctGrid().nz(), "segmenter should get the z-cropped CT");
                    return p.scene().build(ct.grid(), org.rtsite.core.geometry.Vec3.ZERO).masks();
                });
                PlanRecord r = new ArchiveClassifier(CLASSIFIER, source, DicomPlanLoader.defaults(), 1, null).classify(b);
                assertNull(r.error(), r.error());
                assertEquals(p.scene().expectedLabels(), r.result().labels(), p.scene().cliName());
                assertEquals("atlas", r.maskSource());
            }
        }
        assertEquals(SCENES.size(), calls.get());
    }

    @Test
    void rerunningSkipsFinishedPlans() {
        try (DicomArchive archive = DicomArchive.open(db); ResultStore store = ResultStore.open(db)) {
            List<PlanRecord> seen = new ArrayList<>();
            ArchiveClassifier.Summary again = new ArchiveClassifier(CLASSIFIER,
                    new RtStructMaskSource(RegionDictionary.defaults()), DicomPlanLoader.defaults(), 1, null)
                    .run(archive.plans().toList(), store, (d, t, f, last) -> seen.add(last));
            assertEquals(SCENES.size(), again.skipped());
            assertEquals(0, again.ok() + again.failed());
            assertTrue(seen.isEmpty());
            assertEquals(SCENES.size(), store.query(null, null).size());
            assertNull(store.query(null, null).get(0).get("error"));
        }
    }
}
