package org.rtsite.pipeline.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.RtStructureSet.Colour;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;

/**
 * Isodose RTSTRUCTs read back by rtsite, dcmtk and pydicom, and rasterized by rtsite's rasterizer on
 * the CT grid give the isodose mask back.
 */
class IsodoseStructureSetTest {

    @TempDir
    Path tmp;

    /** A ring (hole), a blob cut by the grid border and a noisy speckle field (saddles), on an offset grid. */
    static DoseVolume analyticDose(ImageGrid g) {
        float[] gy = new float[g.voxelCount()];
        java.util.Random r = new java.util.Random(7);
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    Vec3 p = g.toPatient(i, j, k);
                    double ring = Math.hypot(p.x() + 20, p.y() - 10);
                    double d = ring > 15 && ring < 35 ? 60 * (1 - Math.abs(p.z()) / 200) : 0;
                    if (i >= g.nx() - 8) {
                        d = Math.max(d, 55);
                    }
                    if (j < 12 && i < 12) {
                        d = Math.max(d, r.nextFloat() * 60);
                    }
                    gy[g.index(i, j, k)] = (float) d;
                }
            }
        }
        return new DoseVolume(g, gy);
    }

    static CtSeriesIdentity identity(ImageGrid g) {
        List<String> uids = new ArrayList<>();
        for (int k = 0; k < g.nz(); k++) {
            uids.add(RtWriter.newUid());
        }
        return new CtSeriesIdentity("PAT-1", RtWriter.newUid(), RtWriter.newUid(), RtWriter.newUid(), g, uids);
    }

    static BinaryMask threshold(DoseVolume doseOnGrid, double level) {
        long[] bits = BinaryMask.bitsFor(doseOnGrid.grid());
        float[] gy = doseOnGrid.gy();
        for (int i = 0; i < gy.length; i++) {
            if (gy[i] >= level) {
                BinaryMask.set(bits, i);
            }
        }
        return new BinaryMask("expected", doseOnGrid.grid(), bits);
    }

    static double dice(BinaryMask a, BinaryMask b) {
        long both = 0;
        for (int i = 0; i < a.grid().voxelCount(); i++) {
            if (a.contains(i) && b.contains(i)) {
                both++;
            }
        }
        return 2.0 * both / (a.cardinality() + b.cardinality());
    }

    @Test
    void analyticDoseRoundTripsThroughRtsiteDcmtkAndPydicom() throws Exception {
        ImageGrid g = ImageGrid.axial(48, 40, 9, 1.5, 1.5, 2.5, new Vec3(-50.25, -20.5, -10));
        CtSeriesIdentity ct = identity(g);
        DoseVolume dose = analyticDose(g);
        List<IsodoseLevel> levels = List.of(new IsodoseLevel("rtsite_V85", 51, new Colour(255, 0, 0)),
                new IsodoseLevel("rtsite_V50", 30, new Colour(255, 165, 0)));
        Path f = tmp.resolve("isodose.dcm");
        IsodoseStructureSet.write(ct, dose, levels, f);

        RtStructureSet rs = RtStructureSet.read(f);
        assertEquals(ct.frameOfReferenceUid(), rs.frameOfReferenceUid());
        RtStructureSet.ReferencedSeries series = rs.referencedFrames().get(0).series().get(0);
        assertEquals(ct.studyInstanceUid(), series.studyInstanceUid());
        assertEquals(ct.seriesInstanceUid(), series.seriesInstanceUid());
        assertEquals(ct.sopInstanceUids(), series.imageUids());
        assertEquals(List.of("rtsite_V85", "rtsite_V50"), rs.rois().stream().map(RtStructureSet.Roi::name).toList());
        for (int l = 0; l < levels.size(); l++) {
            RtStructureSet.Roi roi = rs.rois().get(l);
            assertEquals(IsodoseStructureSet.INTERPRETED_TYPE, roi.interpretedType());
            assertEquals(levels.get(l).colour(), roi.colour());
            assertTrue(roi.contours().size() > g.nz(), "several contours per slice (ring + hole + border + specks)");
            for (Contour c : roi.contours()) {
                assertEquals(Contour.GeometricType.CLOSED_PLANAR, c.type());
                int k = (int) Math.round(g.toIndex(c.point(0)).z());
                assertEquals(List.of(ct.sopInstanceUids().get(k)), c.referencedImageUids(), "slice of " + c);
                for (int p = 0; p < c.pointCount(); p++) {
                    assertEquals(g.toPatient(0, 0, k).z(), c.z(p), 1e-9, "contour lies in its slice");
                }
            }
            BinaryMask back = roi.rasterize(g, g.dz());
            BinaryMask expected = threshold(dose, levels.get(l).gy());
            assertTrue(expected.cardinality() > 500);
            assertTrue(dice(back, expected) >= 0.98, "Dice " + dice(back, expected));
            // The crossings separate every inside centre from every outside one: the fill is exact.
            assertEquals(expected.cardinality(), back.cardinality());
            assertEquals(1.0, dice(back, expected), 1e-12);
        }
        assertDcmdumpClean(f);
        assertPydicomReads(f, ct);
        assertPlastimatchAgrees(f, ct, dose, levels);
    }

    /** plastimatch 1.9 (an independent reader) rasterizes the file on the CT to the same isodose masks. */
    void assertPlastimatchAgrees(Path rtstruct, CtSeriesIdentity id, DoseVolume dose, List<IsodoseLevel> levels)
            throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/plastimatch")), "plastimatch not installed");
        ImageGrid g = id.grid();
        Path ctDir = tmp.resolve("ct");
        RtWriter.writeCtSeries(new org.rtsite.dicom.rt.CtSeries(id.seriesInstanceUid(), id.studyInstanceUid(),
                id.frameOfReferenceUid(), id.patientId(), "HFS", id.sopInstanceUids(), List.of(),
                new org.rtsite.core.volume.CtVolume(g, new short[g.voxelCount()])), ctDir);
        Path prefix = tmp.resolve("pm");
        run("/usr/bin/plastimatch", "convert", "--input", rtstruct.toString(), "--referenced-ct", ctDir.toString(),
                "--xor-contours", "--output-prefix", prefix.toString());
        for (IsodoseLevel level : levels) {
            byte[] raw = Files.readAllBytes(prefix.resolve(level.roiName() + ".mha"));
            String marker = "ElementDataFile = LOCAL\n";
            String head = new String(raw, 0, Math.min(raw.length, 2000), StandardCharsets.ISO_8859_1);
            int at = head.indexOf(marker);
            assertTrue(at > 0 && head.contains("ElementType = MET_UCHAR")
                    && head.contains("DimSize = " + g.nx() + " " + g.ny() + " " + g.nz()), head);
            int off = at + marker.length();
            BinaryMask expected = threshold(dose, level.gy());
            long both = 0, theirs = 0;
            for (int i = 0; i < g.voxelCount(); i++) {
                boolean in = raw[off + i] != 0;
                theirs += in ? 1 : 0;
                both += in && expected.contains(i) ? 1 : 0;
            }
            double dice = 2.0 * both / (theirs + expected.cardinality());
            assertTrue(dice >= 0.98, level.roiName() + ": plastimatch Dice " + dice);
        }
    }

    @Test
    void phantomPlanThroughTheClassifier() {
        PhantomPlan plan = PhantomScene.LIVER_SBRT.build();
        SiteResult result = SiteClassifier.builder().backend("cpu").build().classify(plan.withMasks());
        ImageGrid g = plan.ct().grid();
        CtSeriesIdentity ct = identity(g);
        List<IsodoseLevel> levels = IsodoseLevel.of(result);
        Path f = tmp.resolve("phantom.dcm");
        IsodoseStructureSet.write(ct, plan.dose(), levels, f);
        RtStructureSet rs = RtStructureSet.read(f);
        DoseVolume onCt = DoseResampler.resample(plan.dose(), g);
        for (int l = 0; l < 2; l++) {
            BinaryMask expected = threshold(onCt, levels.get(l).gy());
            BinaryMask back = rs.rois().get(l).rasterize(g, g.dz());
            assertTrue(expected.cardinality() > 50, "isodose of " + expected.cardinality() + " voxels");
            assertTrue(dice(back, expected) >= 0.98, "Dice " + dice(back, expected));
        }
        // The V85 mask on the CT grid holds the classifier's V85 (the classifier counts on the cropped CT).
        double v85Cc = threshold(onCt, result.level85Gy()).cardinality() * g.voxelVolumeCc();
        assertEquals(result.v85Cc(), v85Cc, 0.02 * result.v85Cc() + g.voxelVolumeCc());
    }

    @Test
    void doseOutsideTheCtIsRefused() {
        ImageGrid g = ImageGrid.axial(10, 10, 3, 2, 2, 2, Vec3.ZERO);
        DoseVolume far = new DoseVolume(ImageGrid.axial(4, 4, 2, 2, 2, 2, new Vec3(500, 0, 0)), new float[32]);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IsodoseStructureSet.contour(identity(g),
                far, List.of(new IsodoseLevel("x", 1, new Colour(1, 2, 3)))));
        assertTrue(e.getMessage().contains("does not meet the CT grid"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new CtSeriesIdentity("p", "1.2", "1.3", "1.4", g, List.of("1.5")));
        assertThrows(InvalidInputException.class, () -> new IsodoseLevel("x", 0, new Colour(1, 2, 3)));
    }

    static void assertDcmdumpClean(Path f) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dcmdump")), "dcmtk not installed (scripts/setup.sh installs it)");
        String text = run("/usr/bin/dcmdump", "+E", f.toString());
        for (String line : text.split("\n")) {
            assertTrue(!line.startsWith("W:") && !line.startsWith("E:"), f + ": " + line);
        }
    }

    static void assertPydicomReads(Path f, CtSeriesIdentity ct) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 not installed");
        String script = String.join("\n",
                "import sys, pydicom",
                "ds = pydicom.dcmread(sys.argv[1])",
                "fr = ds.ReferencedFrameOfReferenceSequence[0]",
                "se = fr.RTReferencedStudySequence[0].RTReferencedSeriesSequence[0]",
                "print(ds.Modality, fr.FrameOfReferenceUID, se.SeriesInstanceUID, len(se.ContourImageSequence))",
                "for roi, rc in zip(ds.StructureSetROISequence, ds.ROIContourSequence):",
                "    n = sum(int(c.NumberOfContourPoints) * 3 == len(c.ContourData) for c in rc.ContourSequence)",
                "    print(roi.ROIName, len(rc.ContourSequence), n)");
        String out = run("/usr/bin/python3", "-c", script, f.toString());
        assumeTrue(!out.contains("No module named 'pydicom'"), "pydicom not installed");
        String[] lines = out.strip().split("\n");
        assertEquals("RTSTRUCT " + ct.frameOfReferenceUid() + " " + ct.seriesInstanceUid() + " " + ct.grid().nz(), lines[0]);
        RtStructureSet rs = RtStructureSet.read(f);
        for (int l = 0; l < rs.rois().size(); l++) {
            int n = rs.rois().get(l).contours().size();
            assertEquals(rs.rois().get(l).name() + " " + n + " " + n, lines[l + 1]);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8);
        if (!text.contains("No module named")) {
            assertEquals(0, p.exitValue(), text);
        }
        return text;
    }
}
