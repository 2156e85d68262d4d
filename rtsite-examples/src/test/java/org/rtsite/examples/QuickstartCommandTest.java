package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import picocli.CommandLine;

class QuickstartCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RtsiteCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsTheResultJsonOfOneScene() {
        Run r = run("quickstart", "--in-memory", "--scene", "prostate", "--backend", "cpu");
        assertEquals(0, r.code, r.err);
        SiteResult result = SiteResultJson.read(r.out);
        assertEquals(List.of(Region.PELVIS), result.labels());
        assertEquals(Rule.V85_OVERLAP, result.rule());
    }

    @Test
    void summarisesAllScenes() {
        Run r = run("quickstart", "--in-memory", "--scene", "all", "--summary");
        assertEquals(0, r.code, r.out + r.err);
        assertEquals(11, r.out.lines().count(), r.out);
        assertTrue(r.out.contains("whole-brain") && r.out.contains("CRANIAL_DICE"), r.out);
        assertTrue(!r.out.contains("UNEXPECTED"), r.out);
    }

    @Test
    void unknownSceneIsAClearError() {
        Run r = run("quickstart", "--in-memory", "--scene", "knee");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unknown phantom scene 'knee'"), r.err);
    }

    @Test
    void writesTheQaPictureAndTheIsodoseRtstructOnADicomCt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path png = tmp.resolve("qa.png");
        Run r = run("quickstart", "--scene", "lung-sbrt", "--backend", "cpu", "--qa-png", png.toString(),
                "--dicom-out", tmp.toString());
        assertEquals(0, r.code, r.err);
        SiteResult result = SiteResultJson.read(r.out);
        assertTrue(r.err.contains("QA picture: " + png), r.err);
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
