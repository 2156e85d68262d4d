package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.rt.Contour.GeometricType;

/** The RT facts of the public files (src/test/resources/public-rt/MANIFEST.md), as pydicom 2.3.1 reports them. */
class PublicRtObjectsTest {

    static Path file(String name) {
        return Path.of("src/test/resources/public-rt", name);
    }

    static final String APTG = "aptg_dcpt_let/plan03_ramp_full/";

    @Test
    void dicompylerStructureSet() {
        RtStructureSet ss = RtStructureSet.read(file("dicompyler-core_example/rtss.dcm"));
        assertEquals(List.of("BODY", "Areola", "Borders", "Breast", "Heart", "Lt Lung", "Nodes", "Scar", "Tumor Bed",
                "Tumor Bed Block"), ss.rois().stream().map(RtStructureSet.Roi::name).toList());
        assertEquals(441, ss.contourCount());
        RtStructureSet.Roi body = ss.roi("body").orElseThrow();
        assertEquals(1, body.number());
        assertEquals(141, body.contours().size());
        assertEquals("EXTERNAL", body.interpretedType());
        assertEquals(new RtStructureSet.Colour(154, 155, 100), body.colour());
        assertEquals(0, ss.roi("Areola").orElseThrow().contours().size());
        assertEquals(165, ss.roi("Lt Lung").orElseThrow().contours().size());
        assertEquals("GTV", ss.roi("Tumor Bed Block").orElseThrow().interpretedType());
        assertTrue(body.contours().stream().allMatch(c -> c.type() == GeometricType.CLOSED_PLANAR));
        // no top-level FrameOfReferenceUID: the referenced one is used
        assertEquals("2.16.840.1.113662.2.12.0.3057.1241703565.36", ss.frameOfReferenceUid());
        RtStructureSet.ReferencedSeries series = ss.referencedFrames().get(0).series().get(0);
        assertEquals("2.16.840.1.113662.2.12.0.3057.1241703565.43", series.seriesInstanceUid());
        assertEquals(98, series.imageUids().size());
        assertTrue(ss.referencedImageUids().contains("2.16.840.1.113662.2.12.0.3057.1241703565.44"),
                "ct.0.dcm is among the referenced images");
    }

    @Test
    void pointRoisAreKeptAsPoints() {
        RtStructureSet ss = RtStructureSet.read(file("pydicom_rt/rtstruct.dcm")); // no meta header
        assertEquals(List.of("patient", "Isocenter 1", "Isocenter 2"), ss.rois().stream().map(RtStructureSet.Roi::name).toList());
        assertEquals(5, ss.contourCount());
        RtStructureSet.Roi iso = ss.roi("Isocenter 1").orElseThrow();
        assertEquals("ISOCENTER", iso.interpretedType());
        assertEquals(1, iso.points().size());
        assertEquals(1, iso.points().get(0).pointCount());
        assertEquals(3, ss.roi("patient").orElseThrow().contours().size());
        assertEquals("1.2.826.0.1.3680043.8.498.2010020400001.2.1.1",
                ss.referencedFrames().get(0).series().get(0).seriesInstanceUid());
        // a POINT rasterizes to nothing; the patient outline to something
        ImageGrid grid = ImageGrid.axial(64, 64, 10, 8, 8, 5, new Vec3(-256, -256, -25));
        assertEquals(0, iso.rasterize(grid).cardinality());
    }

    @Test
    void ionStructureSetWithMarker() {
        RtStructureSet ss = RtStructureSet.read(file(APTG + "RS1.2.752.243.1.1.20250522124652761.2000.43711.dcm"));
        assertEquals(List.of("Cube101010", "Slope101004", "External", "PMMA", "LoPo"),
                ss.rois().stream().map(RtStructureSet.Roi::name).toList());
        assertEquals(125, ss.contourCount());
        assertEquals("MARKER", ss.roi("LoPo").orElseThrow().interpretedType());
        assertEquals(1, ss.roi("LoPo").orElseThrow().points().size());
        assertEquals(61, ss.referencedFrames().get(0).series().get(0).imageUids().size());
        // the 10 cm cube: its rasterized volume is 1000 cc within a slice's worth
        RtStructureSet.Roi cube = ss.roi("Cube101010").orElseThrow();
        ImageGrid grid = ImageGrid.axial(80, 80, 80, 2, 2, 2, new Vec3(-80, -80, -80));
        double cc = cube.rasterize(grid).cardinality() * grid.voxelVolumeCc();
        assertEquals(1000, cc, 60, "cube volume " + cc + " cc");
    }

    @Test
    void rtUtilsStructureSetsAndTheirReferences() {
        RtStructureSet rt = RtStructureSet.read(file("rt-utils_mock/mock_data/rt.dcm"));
        assertEquals(1, rt.rois().size());
        assertEquals(2, rt.contourCount());
        assertEquals("1.2.826.0.1.3680043.8.498.41321784967516118556817630335498661397", rt.frameOfReferenceUid());
        RtStructureSet none = RtStructureSet.read(file("rt-utils_mock/mock_data/non_existent_reference_rt.dcm"));
        assertEquals(4, none.rois().size());
        assertEquals(12, none.contourCount());
        assertTrue(none.referencedFrames().stream().allMatch(f -> f.series().isEmpty()),
                "no RTReferencedSeries at all");
        assertEquals(3, none.referencedImageUids().size(), "contour-level image references remain");
    }

    @Test
    void photonPlan() {
        RtPlan p = RtPlan.read(file("dicompyler-core_example/rtplan.dcm"));
        assertFalse(p.ion());
        assertEquals("B1", p.label());
        assertEquals(7, p.fractions());
        assertEquals("UNAPPROVED", p.approvalStatus());
        assertEquals(4, p.beams().size());
        assertEquals(List.of("3 RAO", "4 AP", "5 LAO", "6 LPO"), p.beams().stream().map(RtPlan.Beam::name).toList());
        assertTrue(p.beams().stream().allMatch(b -> b.radiationType().equals("PHOTON")));
        assertEquals(List.of(1, 2, 3, 4), p.fractionGroups().get(0).beamNumbers());
        assertEquals("1.2.246.352.71.4.320687012.3190.20090511122144", p.referencedStructureSetUid());
        assertEquals(2, p.doseReferences().size());
        assertEquals(14.0, p.prescriptionDoseGy(), 1e-9);
        assertEquals("2.16.840.1.113662.2.12.0.3057.1241703565.36", p.frameOfReferenceUid());
        assertTrue(p.beams().get(0).isocentre() != null);
    }

    @Test
    void pydicomPlanAndMonacoPlansWithoutMetaHeader() {
        RtPlan p = RtPlan.read(file("pydicom_rt/rtplan.dcm"));
        assertEquals(30, p.fractions());
        assertEquals(1, p.beams().size());
        assertEquals("1.2.333.444.55.6.7777.88888", p.referencedStructureSetUid());
        assertEquals(30.826203, p.prescriptionDoseGy(), 1e-9);
        assertEquals(1, p.referencedPlanUids().size());
        int[][] expected = {{10, 1}, {1, 1}, {1, 1}, {2, 2}};
        String[] names = {"06MV_plan.dcm", "24mm_x_20mm_rectangle.dcm", "FFF_example.dcm", "vmat_example.dcm"};
        for (int i = 0; i < names.length; i++) {
            RtPlan m = RtPlan.read(file("pymedphys_plans/" + names[i]));
            assertEquals(expected[i][0], m.beams().size(), names[i]);
            assertEquals(expected[i][1], m.fractions(), names[i]);
            assertTrue(m.referencedStructureSetUid().startsWith("1.2.840.10008.5.1.4.1.1.481.3."), names[i]);
        }
    }

    @Test
    void ionPlans() {
        RtPlan p = RtPlan.read(file(APTG + "ramped_2Gy_ver2_full.dcm"));
        assertTrue(p.ion());
        assertEquals("Slope101010E_o_1", p.label());
        assertEquals("Slope101010E_opposed", p.name());
        assertEquals(2, p.beams().size());
        assertTrue(p.beams().stream().allMatch(b -> b.radiationType().equals("PROTON")));
        assertEquals(1, p.fractions());
        assertEquals("1.2.752.243.1.1.20250522124652761.2000.43711", p.referencedStructureSetUid());
        assertEquals("test_LET_ramp", p.patientId());
        RtPlan sobp = RtPlan.read(file("aptg_dcpt_let/plan06_sobp_4d/RP1.2.752.243.1.1.20260105182345801.4870.23686.dcm"));
        assertTrue(sobp.ion());
        assertEquals(1, sobp.beams().size());
        assertEquals(2.2, sobp.prescriptionDoseGy(), 1e-9);
    }

    @Test
    void multiFrameRelativeDoseInEveryTransferSyntax() {
        for (String name : new String[] {"rtdose.dcm", "rtdose_expb.dcm", "rtdose_rle.dcm"}) {
            boolean pydicomBigEndian = name.equals("rtdose_expb.dcm");
            RtDose d = RtDose.read(file("pydicom_rt/" + name));
            assertEquals(15, d.frames(), name);
            ImageGrid g = d.grid();
            assertEquals(10, g.nx(), name);
            assertEquals(10, g.ny(), name);
            assertEquals(5, g.dz(), 1e-9, name);
            assertEquals(10, g.dx(), 1e-9, name);
            assertEquals(new Vec3(189.43125, 199.43125, -761.87), g.origin(), name);
            assertEquals(32, d.bitsAllocated(), name);
            assertEquals("RELATIVE", d.units(), name);
            assertEquals("PHYSICAL", d.type(), name);
            assertEquals("BEAM", d.summationType(), name);
            assertEquals(1e-6, d.gridScaling(), 1e-15, name);
            if (!pydicomBigEndian) {
                assertEquals(1.254, d.volume().max(), 1e-6, name);
            }
            assertEquals("1.2.123.456.78.9.0123.4567.89012345678901", d.referencedPlanUid(), name);
            assertEquals(List.of(1), d.referencedBeamNumbers(), name);
        }
        // a single frame that kept the 15-value offset vector
        RtDose one = RtDose.read(file("pydicom_rt/rtdose_1frame.dcm"));
        assertEquals(1, one.frames());
    }

    /**
     * pydicom wrote rtdose_expb.dcm swapping each 32-bit value whole; dcmtk (and PS3.5 6.2 for OW) swap
     * per 16-bit word. rtsite reads it as dcmtk does: every voxel is its little endian twin's value with the
     * two 16-bit halves exchanged (dcmdump shows the same words, in the same order).
     */
    @Test
    void pydicomsBigEndianDoseReadsAsDcmtkReadsIt() {
        float[] le = RtDose.read(file("pydicom_rt/rtdose.dcm")).volume().gy();
        float[] be = RtDose.read(file("pydicom_rt/rtdose_expb.dcm")).volume().gy();
        assertEquals(le.length, be.length);
        for (int i = 0; i < le.length; i++) {
            long raw = Math.round(le[i] / 1e-6);
            long halvesExchanged = ((raw & 0xFFFF) << 16) | (raw >>> 16);
            assertEquals(halvesExchanged * 1e-6, be[i], 1e-6 * halvesExchanged * 1e-6 + 1e-9, "voxel " + i);
        }
    }

    @Test
    void singleFramePlanDose32Bit() {
        RtDose d = RtDose.read(file("eyeplantodicom/rtdose.dcm"));
        assertEquals(1, d.frames());
        assertEquals(194, d.grid().nx());
        assertEquals(129, d.grid().ny());
        assertEquals(32, d.bitsAllocated());
        assertEquals("GY", d.units());
        assertEquals("PLAN", d.summationType());
        assertEquals(9896.0, d.volume().max(), 1e-3);
        assertEquals("1.2.246.352.71.5.320687012.24189.20090603083342", d.referencedPlanUid());
        assertEquals("1234", d.patientId());
    }

    @Test
    void ionPlanDose16BitScaled() {
        RtDose d = RtDose.read(file(APTG + "RD1.2.752.243.1.1.20250523160113556.3000.73252.dcm"));
        assertEquals(110, d.frames());
        assertEquals(107, d.grid().nx());
        assertEquals(107, d.grid().ny());
        assertEquals(2, d.grid().dz(), 1e-9);
        assertEquals(16, d.bitsAllocated());
        assertEquals("EFFECTIVE", d.type());
        assertEquals("PLAN", d.summationType());
        assertEquals(3.372591e-5, d.gridScaling(), 1e-12);
        assertEquals(2.2102275, d.volume().max(), 1e-5);
        RtPlan plan = RtPlan.read(file(APTG + "ramped_2Gy_ver2_full.dcm"));
        assertEquals(plan.sopInstanceUid(), d.referencedPlanUid());
        assertEquals(plan.frameOfReferenceUid(), d.frameOfReferenceUid());
    }

    @Test
    void obliqueCtSeries() {
        CtSeries s = CtSeriesReader.defaults().read(List.of(file("rt-utils_mock/oriented_data/2.dcm"),
                file("rt-utils_mock/oriented_data/0.dcm"), file("rt-utils_mock/oriented_data/1.dcm")));
        ImageGrid g = s.volume().grid();
        assertEquals(100, g.nx());
        assertEquals(50, g.ny());
        assertEquals(3, g.nz());
        assertEquals(2.5, g.dx(), 1e-9);
        assertEquals(3.5, g.dy(), 1e-9);
        assertEquals(4.5, g.dz(), 1e-3);
        assertEquals(new Vec3(123, -432, 30), g.origin());
        assertTrue(g.axisI().approx(new Vec3(0.9541666, -0.2080757, 0.2151061), 1e-7));
        assertTrue(g.axisK().approx(g.axisI().cross(g.axisJ()).normalized(), 1e-9));
        // position of slice 2 reproduced by the grid
        assertTrue(g.toPatient(0, 0, 2).approx(new Vec3(122.0159697, -428.1596334, 38.0798058), 1e-3));
        // stored 4833 at row 20, column 10 of slice 0, RescaleSlope .001: 4.833 HU, rounded
        assertEquals(5, s.volume().get(10, 20, 0));
        assertEquals(List.of("1.2.826.0.1.3680043.2.1125.1.17797401619278269180069983701358641",
                "1.2.826.0.1.3680043.2.1125.1.83593390293415194564744291970075445",
                "1.2.826.0.1.3680043.2.1125.1.97603875208227622520775586288659585"), s.sopInstanceUids());
        assertNull(s.frameOfReferenceUid());
    }

    @Test
    void axialCtPairAndSingleSlice() {
        CtSeries s = CtSeriesReader.defaults().readDirectory(file("rt-utils_mock/mock_data"));
        assertEquals(2, s.volume().grid().nz());
        assertEquals(5, s.volume().grid().dz(), 1e-9);
        assertEquals(-2000 - 1024, s.volume().get(10, 20, 0), "rescale intercept -1024 on signed pixels");
        assertEquals("1.2.840.113619.2.405.3.84541899.902.1605198123.912.6060.1", s.frameOfReferenceUid());
        CtSeries one = CtSeriesReader.defaults().read(List.of(file("dicompyler-core_example/ct.0.dcm")));
        assertEquals(1, one.volume().grid().nz());
        assertEquals(3, one.volume().grid().dz(), 1e-9, "a single slice takes its thickness");
        assertEquals(-1000, one.volume().get(0, 0, 0));
        assertEquals(512, one.volume().grid().nx());
    }

    @Test
    void duplicateSliceIsAnErrorUnlessRepairIsAskedFor() {
        List<Path> twice = List.of(file("rt-utils_mock/mock_data/ct_1.dcm"), file("rt-utils_mock/mock_data/ct_2.dcm"),
                file("rt-utils_mock/mock_data/ct_1.dcm"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CtSeriesReader.defaults().read(twice));
        assertTrue(e.getMessage().contains("duplicate") && e.getMessage().contains("ct_1.dcm"), e.getMessage());
        assertEquals(2, CtSeriesReader.defaults().dropDuplicateSlices().read(twice).volume().grid().nz());
    }

    @Test
    void wrongModalityAndTruncatedFilesAreRejectedNamingTheFile() {
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> RtPlan.read(file("pydicom_rt/rtdose.dcm")));
        assertTrue(e.getMessage().contains("RTDOSE") && e.getMessage().contains("rtdose.dcm"), e.getMessage());
        assertThrows(DicomFormatException.class, () -> RtPlan.read(file("pydicom_rt/rtplan_truncated.dcm")));
        assertThrows(DicomFormatException.class,
                () -> CtSeriesReader.defaults().read(List.of(file("pydicom_rt/rtstruct.dcm"))));
    }
}
