package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.VR;

/** Write → read gives the record back; dcmtk's dcmdump reads what was written without a warning. */
class RtWriterTest {

    @TempDir
    Path tmp;

    static Path pub(String name) {
        return PublicRtObjectsTest.file(name);
    }

    @Test
    void structureSetRoundTrip() {
        RtStructureSet a = RtStructureSet.read(pub("dicompyler-core_example/rtss.dcm"));
        Path f = tmp.resolve("rs.dcm");
        RtWriter.write(a, f);
        RtStructureSet b = RtStructureSet.read(f);
        assertEquals(a.sopInstanceUid(), b.sopInstanceUid());
        assertEquals(a.label(), b.label());
        assertEquals(a.name(), b.name());
        assertEquals(a.patientId(), b.patientId());
        assertEquals(a.referencedFrames(), b.referencedFrames());
        assertEquals(a.rois(), b.rois());
        assertDcmdumpClean(f);
        RtStructureSet points = RtStructureSet.read(pub("pydicom_rt/rtstruct.dcm"));
        RtWriter.write(points, f);
        assertEquals(points.rois(), RtStructureSet.read(f).rois());
    }

    @Test
    void photonAndIonPlanRoundTrip() {
        for (String name : new String[] {"dicompyler-core_example/rtplan.dcm", "pydicom_rt/rtplan.dcm",
                PublicRtObjectsTest.APTG + "ramped_2Gy_ver2_full.dcm"}) {
            RtPlan a = RtPlan.read(pub(name));
            Path f = tmp.resolve("rp.dcm");
            RtWriter.write(a, f);
            RtPlan b = RtPlan.read(f);
            assertEquals(a.ion(), b.ion(), name);
            assertEquals(a.sopInstanceUid(), b.sopInstanceUid(), name);
            assertEquals(a.label(), b.label(), name);
            assertEquals(a.name(), b.name(), name);
            assertEquals(a.approvalStatus(), b.approvalStatus(), name);
            assertEquals(a.frameOfReferenceUid(), b.frameOfReferenceUid(), name);
            assertEquals(a.referencedStructureSetUid(), b.referencedStructureSetUid(), name);
            assertEquals(a.referencedPlanUids(), b.referencedPlanUids(), name);
            assertEquals(a.fractionGroups(), b.fractionGroups(), name);
            assertEquals(a.beams(), b.beams(), name);
            assertEquals(a.doseReferences(), b.doseReferences(), name);
            assertDcmdumpClean(f);
        }
    }

    @Test
    void doseRoundTrip16And32Bit() {
        for (String name : new String[] {"pydicom_rt/rtdose.dcm", "eyeplantodicom/rtdose.dcm",
                PublicRtObjectsTest.APTG + "RD1.2.752.243.1.1.20250523160113556.3000.73252.dcm"}) {
            RtDose a = RtDose.read(pub(name));
            Path f = tmp.resolve("rd.dcm");
            RtWriter.write(a, f);
            RtDose b = RtDose.read(f);
            assertTrue(a.grid().sameGeometry(b.grid(), 1e-9), name + ": " + a.grid() + " vs " + b.grid());
            assertEquals(a.units(), b.units(), name);
            assertEquals(a.type(), b.type(), name);
            assertEquals(a.summationType(), b.summationType(), name);
            assertEquals(a.gridScaling(), b.gridScaling(), name);
            assertEquals(a.bitsAllocated(), b.bitsAllocated(), name);
            assertEquals(a.referencedPlanUid(), b.referencedPlanUid(), name);
            assertEquals(a.referencedBeamNumbers(), b.referencedBeamNumbers(), name);
            assertEquals(a.referencedFractionGroups(), b.referencedFractionGroups(), name);
            assertArrayEquals(a.volume().gy(), b.volume().gy(), name);
            assertDcmdumpClean(f);
        }
    }

    @Test
    void obliqueCtSeriesRoundTrip() {
        CtSeries a = CtSeriesReader.defaults().readDirectory(pub("rt-utils_mock/oriented_data"));
        List<Path> files = RtWriter.writeCtSeries(a, tmp.resolve("ct"));
        assertEquals(3, files.size());
        CtSeries b = CtSeriesReader.defaults().readDirectory(tmp.resolve("ct"));
        assertTrue(a.volume().grid().sameGeometry(b.volume().grid(), 1e-6));
        assertArrayEquals(a.volume().hu(), b.volume().hu());
        assertEquals(a.sopInstanceUids(), b.sopInstanceUids());
        assertEquals(a.seriesInstanceUid(), b.seriesInstanceUid());
        assertDcmdumpClean(files.get(1));
    }

    /** A small synthetic series: 6×5 pixels, 7 slices 2.5 mm apart, HU = 10·k + i − j. */
    private List<Path> synthetic(Path dir) {
        ImageGrid g = ImageGrid.axial(6, 5, 7, 0.8, 0.9, 2.5, new Vec3(-2, -2, -7.5));
        short[] hu = new short[g.voxelCount()];
        for (int k = 0; k < 7; k++) {
            for (int j = 0; j < 5; j++) {
                for (int i = 0; i < 6; i++) {
                    hu[g.index(i, j, k)] = (short) (10 * k + i - j - 1000);
                }
            }
        }
        List<String> uids = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            uids.add(RtWriter.newUid());
        }
        return RtWriter.writeCtSeries(new CtSeries(RtWriter.newUid(), RtWriter.newUid(), RtWriter.newUid(), "P1", "HFS",
                uids, List.of(), new CtVolume(g, hu)), dir);
    }

    @Test
    void syntheticSeriesReadsBackInAnyFileOrder() {
        List<Path> files = new ArrayList<>(synthetic(tmp));
        java.util.Collections.reverse(files);
        CtSeries s = CtSeriesReader.defaults().read(files);
        assertEquals(7, s.volume().grid().nz());
        assertEquals(2.5, s.volume().grid().dz(), 1e-9);
        assertEquals(10 * 3 + 4 - 2 - 1000, s.volume().get(4, 2, 3));
        assertEquals(new Vec3(-2, -2, -7.5), s.volume().grid().origin());
    }

    @Test
    void sliceWithAnElementAfterPixelDataReadsTheSame() {
        List<Path> files = synthetic(tmp);
        CtSeries plain = CtSeriesReader.defaults().readDirectory(tmp);
        // Data Set Trailing Padding after Pixel Data: the tail shortcut must notice and let the codec read it
        rewrite(files.get(2), b -> b.putBytes(0xFFFCFFFC, VR.OB, new byte[] {1, 2, 3, 4}));
        CtSeries padded = CtSeriesReader.defaults().readDirectory(tmp);
        assertArrayEquals(plain.volume().hu(), padded.volume().hu());
        assertEquals(10 * 2 + 1 - 3 - 1000, padded.volume().get(1, 3, 2));
    }

    @Test
    void unsigned12BitSliceIsMaskedAndRescaled() {
        List<Path> files = synthetic(tmp);
        // slice 5 as a scanner writes it: unsigned, 12 bits stored, intercept −1024, bit 13 set (an overlay bit)
        int k = 5;
        java.nio.ByteBuffer px = java.nio.ByteBuffer.allocate(2 * 30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 6; i++) {
                int hu = 10 * k + i - j - 1000;
                px.putShort((short) ((hu + 1024) | 0x2000));
            }
        }
        rewrite(files.get(k), b -> b.putInts(0x00280103, VR.US, 0).putInts(0x00280101, VR.US, 12)
                .putInts(0x00280102, VR.US, 11).putDoubles(0x00281052, VR.DS, -1024)
                .putBytes(0x7FE00010, VR.OW, px.array()));
        CtSeries s = CtSeriesReader.defaults().readDirectory(tmp);
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 6; i++) {
                assertEquals(10 * k + i - j - 1000, s.volume().get(i, j, k), "voxel " + i + "," + j);
            }
        }
    }

    @Test
    void missingSliceIsNamed() throws IOException {
        List<Path> files = synthetic(tmp);
        Files.delete(files.get(3));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CtSeriesReader.defaults().readDirectory(tmp));
        assertTrue(e.getMessage().contains("missing 1 slice") && e.getMessage().contains("ct0002.dcm")
                && e.getMessage().contains("ct0004.dcm"), e.getMessage());
    }

    @Test
    void irregularSpacingTiltAndOrientationAreRefused() {
        List<Path> files = synthetic(tmp);
        rewrite(files.get(4), b -> b.putDoubles(0x00200032, VR.DS, -2, -2, 3.2));
        InvalidInputException irregular = assertThrows(InvalidInputException.class,
                () -> CtSeriesReader.defaults().readDirectory(tmp));
        assertTrue(irregular.getMessage().contains("irregular slice spacing"), irregular.getMessage());
        // within a 30 % tolerance the same series is accepted
        CtSeriesReader.defaults().withSpacingTolerance(0.3).readDirectory(tmp);

        rewrite(files.get(4), b -> b.putDoubles(0x00200032, VR.DS, -2, -1, 2.5));
        InvalidInputException tilt = assertThrows(InvalidInputException.class,
                () -> CtSeriesReader.defaults().readDirectory(tmp));
        assertTrue(tilt.getMessage().contains("gantry-tilted") && tilt.getMessage().contains("ct0004.dcm"), tilt.getMessage());

        rewrite(files.get(4), b -> b.putDoubles(0x00200032, VR.DS, -2, -2, 2.5)
                .putDoubles(0x00200037, VR.DS, 1, 0, 0, 0, 0.9998, 0.02));
        InvalidInputException orient = assertThrows(InvalidInputException.class,
                () -> CtSeriesReader.defaults().readDirectory(tmp));
        assertTrue(orient.getMessage().contains("ImageOrientationPatient"), orient.getMessage());
    }

    private static void rewrite(Path f, java.util.function.UnaryOperator<DicomDataset.Builder> change) {
        DicomDataset ds = DicomFile.read(f).dataset();
        DicomWriter.write(f, change.apply(ds.toBuilder()).build());
    }

    /** dcmdump (dcmtk) parses the file with exit status 0 and prints no warning or error. */
    static void assertDcmdumpClean(Path f) {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dcmdump")), "dcmtk not installed (scripts/setup.sh installs it)");
        try {
            Process p = new ProcessBuilder("/usr/bin/dcmdump", "+E", f.toString()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            for (String line : text.split("\n")) {
                assertTrue(!line.startsWith("W:") && !line.startsWith("E:"), f + ": " + line);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run dcmdump", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
