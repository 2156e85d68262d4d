package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;

class QuickstartCommandTest {

    @Test
    void printsTheResultJsonOfOneScene() {
        CliRun r = CliRun.of("quickstart", "--in-memory", "--scene", "prostate", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        SiteResult result = SiteResultJson.read(r.out());
        assertEquals(List.of(Region.PELVIS), result.labels());
        assertEquals(Rule.V85_OVERLAP, result.rule());
    }

    @Test
    void summarisesAllScenes() {
        CliRun r = CliRun.of("quickstart", "--in-memory", "--scene", "all", "--summary");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(11, r.out().lines().count(), r.out());
        assertTrue(r.out().contains("whole-brain") && r.out().contains("CRANIAL_DICE"), r.out());
        assertFalse(r.out().contains("UNEXPECTED"), r.out());
    }

    @Test
    void segmentsThePhantomCtWithTheNetworkInsteadOfUsingThePhantomsMasks() {
        Path pkg = Path.of("..", "models", "phantom-total-pt");
        CliRun r = CliRun.of("quickstart", "--scene", "liver-sbrt", "--backend", "cpu", "--segmenter", pkg.toString());
        // 0 = the scene's labels (1 would be other labels)
        assertEquals(0, r.exit(), r.out() + r.err());
        SiteResult result = SiteResultJson.read(r.out());
        assertEquals(PhantomScene.LIVER_SBRT.expectedLabels(), result.labels(), r.out());
        java.util.Set<String> networkClasses = java.util.Set.of("brain", "lung_left", "lung_right", "liver", "spleen",
                "kidney_left", "kidney_right", "urinary_bladder");
        assertTrue(result.organs().stream().anyMatch(o -> o.source().equals("total")), r.out());
        assertTrue(result.organs().stream().filter(o -> o.source().equals("total"))
                .allMatch(o -> networkClasses.contains(o.name())), "only the network's classes, not the phantom's masks: " + r.out());
        assertTrue(result.timingsMs().get("segment") > 0, r.out());
    }

    /**
     * The check, on the widened package (the default network plus the organs the decision tree's rules need,
     * fine-tuned with {@code rtsite finetune}: docs/finetune.md, "An eighth attempt"): with the network segmenting each
     * scene's CT, every scene gets its expected labels, pelvic nodes included (its Abdomen comes from L4 alone).
     */
    @Test
    void theWidenedNetworkLabelsEveryScene() {
        Path pkg = Path.of("..", "models", "phantom-total-wide-pt");
        CliRun r = CliRun.of("quickstart", "--scene", "all", "--summary", "--backend", "cpu", "--segmenter", pkg.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(PhantomScene.values().length, lines.size(), r.out());
        for (PhantomScene scene : PhantomScene.values()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(scene.cliName() + " ") && l.contains(" expected ")),
                    scene.cliName() + ": " + r.out());
        }
        assertFalse(r.out().contains("UNEXPECTED"), r.out());
    }

    @Test
    void missingSegmenterPackageIsAClearError() {
        CliRun r = CliRun.of("quickstart", "--scene", "prostate", "--segmenter", "no/such/package");
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("no/such/package"), r.err());
    }

    @Test
    void unknownSceneIsAClearError() {
        CliRun r = CliRun.of("quickstart", "--in-memory", "--scene", "knee");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown phantom scene 'knee'"), r.err());
    }

    @Test
    void writesTheQaPictureAndTheIsodoseRtstructOnADicomCt(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path png = tmp.resolve("qa.png");
        CliRun r = CliRun.of("quickstart", "--scene", "lung-sbrt", "--backend", "cpu", "--qa-png", png.toString(),
                "--dicom-out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        SiteResult result = SiteResultJson.read(r.out());
        assertTrue(r.err().contains("QA picture: " + png), r.err());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() > 700 && img.getHeight() > 300);

        org.rtsite.dicom.rt.CtSeries ct = org.rtsite.dicom.rt.CtSeriesReader.defaults()
                .readDirectory(tmp.resolve("lung-sbrt/CT"));
        org.rtsite.dicom.rt.RtStructureSet rs = org.rtsite.dicom.rt.RtStructureSet.read(
                tmp.resolve("lung-sbrt/isodose_rtstruct.dcm"));
        assertEquals(ct.seriesInstanceUid(), rs.referencedFrames().get(0).series().get(0).seriesInstanceUid());
        assertEquals(ct.frameOfReferenceUid(), rs.frameOfReferenceUid());
        assertTrue(ct.sopInstanceUids().containsAll(rs.referencedImageUids()));
        org.rtsite.core.geometry.ImageGrid g = ct.volume().grid();
        double v85Cc = rs.roi("rtsite_V85").orElseThrow().rasterize(g, g.dz()).cardinality() * g.voxelVolumeCc();
        assertEquals(result.v85Cc(), v85Cc, 0.03 * result.v85Cc() + g.voxelVolumeCc(), "V85 read back from the RTSTRUCT");
    }
}
