package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every file of the public RT catalogue (shared/data/public-rt, copied into the test resources,
 * two of three 2.5 MB aptg doses left out) is read, and the codec-level facts of its MANIFEST hold:
 * transfer syntax, meta header presence, modality, SOP class, frames and matrix. Expected values
 * were cross-checked with pydicom 2.3.1.
 */
class PublicRtCorpusTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            aptg_dcpt_let/plan03_ramp_full/RD1.2.752.243.1.1.20250523160113556.3000.73252.dcm|1.2.840.10008.1.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|110|107|107|16|PLAN
            aptg_dcpt_let/plan03_ramp_full/RS1.2.752.243.1.1.20250522124652761.2000.43711.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            aptg_dcpt_let/plan03_ramp_full/ramped_2Gy_ver2_full.dcm|1.2.840.10008.1.2|true|RTPLAN|1.2.840.10008.5.1.4.1.1.481.8|-|-|-|-|-
            aptg_dcpt_let/plan06_sobp_4d/RP1.2.752.243.1.1.20260105182345801.4870.23686.dcm|1.2.840.10008.1.2|true|RTPLAN|1.2.840.10008.5.1.4.1.1.481.8|-|-|-|-|-
            dicompyler-core_example/ct.0.dcm|1.2.840.10008.1.2|true|CT|1.2.840.10008.5.1.4.1.1.2|1|512|512|16|-
            dicompyler-core_example/rtplan.dcm|1.2.840.10008.1.2|true|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            dicompyler-core_example/rtss.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            eyeplantodicom/rtdose.dcm|1.2.840.10008.1.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|1|129|194|32|PLAN
            pydicom_rt/CT_small.dcm|1.2.840.10008.1.2.1|true|CT|1.2.840.10008.5.1.4.1.1.2|1|128|128|16|-
            pydicom_rt/rtdose.dcm|1.2.840.10008.1.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|15|10|10|32|BEAM
            pydicom_rt/rtdose_1frame.dcm|1.2.840.10008.1.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|1|10|10|32|BEAM
            pydicom_rt/rtdose_expb.dcm|1.2.840.10008.1.2.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|15|10|10|32|BEAM
            pydicom_rt/rtdose_expb_1frame.dcm|1.2.840.10008.1.2.2|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|1|10|10|32|BEAM
            pydicom_rt/rtdose_rle.dcm|1.2.840.10008.1.2.5|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|15|10|10|32|BEAM
            pydicom_rt/rtdose_rle_1frame.dcm|1.2.840.10008.1.2.5|true|RTDOSE|1.2.840.10008.5.1.4.1.1.481.2|1|10|10|32|BEAM
            pydicom_rt/rtplan.dcm|1.2.840.10008.1.2|true|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            pydicom_rt/rtstruct.dcm|1.2.840.10008.1.2|false|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            pymedphys_plans/06MV_plan.dcm|1.2.840.10008.1.2|false|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            pymedphys_plans/24mm_x_20mm_rectangle.dcm|1.2.840.10008.1.2|false|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            pymedphys_plans/FFF_example.dcm|1.2.840.10008.1.2|false|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            pymedphys_plans/vmat_example.dcm|1.2.840.10008.1.2|false|RTPLAN|1.2.840.10008.5.1.4.1.1.481.5|-|-|-|-|-
            rt-utils_mock/empty/dummy_rt.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            rt-utils_mock/mock_data/ct_1.dcm|1.2.840.10008.1.2.1|true|CT|1.2.840.10008.5.1.4.1.1.2|1|512|512|16|-
            rt-utils_mock/mock_data/ct_2.dcm|1.2.840.10008.1.2.1|true|CT|1.2.840.10008.5.1.4.1.1.2|1|512|512|16|-
            rt-utils_mock/mock_data/invalid_reference_rt.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            rt-utils_mock/mock_data/non_existent_reference_rt.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            rt-utils_mock/mock_data/rt.dcm|1.2.840.10008.1.2|true|RTSTRUCT|1.2.840.10008.5.1.4.1.1.481.3|-|-|-|-|-
            rt-utils_mock/one_slice_data/0.dcm|1.2.840.10008.1.2|true|CT|1.2.840.10008.5.1.4.1.1.2|1|50|100|16|-
            rt-utils_mock/oriented_data/0.dcm|1.2.840.10008.1.2|true|CT|1.2.840.10008.5.1.4.1.1.2|1|50|100|16|-
            rt-utils_mock/oriented_data/1.dcm|1.2.840.10008.1.2|true|CT|1.2.840.10008.5.1.4.1.1.2|1|50|100|16|-
            rt-utils_mock/oriented_data/2.dcm|1.2.840.10008.1.2|true|CT|1.2.840.10008.5.1.4.1.1.2|1|50|100|16|-
            """)
    void readsEveryCatalogueFile(String name, String ts, boolean hasMeta, String modality, String sopClass,
                                 Integer frames, Integer rows, Integer columns, Integer bits, String summation) {
        DicomFile f = DicomFile.read(TestFiles.publicRt(name));
        assertEquals(ts, f.transferSyntaxUid());
        assertEquals(hasMeta, f.hasMeta());
        assertEquals(modality, f.dataset().getString(Tag.Modality));
        assertEquals(sopClass, f.dataset().getString(Tag.SOPClassUID));
        assertEquals(summation, f.dataset().getString(Tag.DoseSummationType));
        if (frames == null) {
            assertFalse(f.dataset().contains(Tag.PixelData));
            return;
        }
        PixelData pd = f.pixelData();
        assertEquals(frames, pd.numberOfFrames());
        assertEquals(rows, pd.rows());
        assertEquals(columns, pd.columns());
        assertEquals(bits, pd.bitsAllocated());
        assertEquals(rows * columns * bits / 8, pd.frame(frames - 1).length);
    }

    @Test
    void truncatedPlanIsRejectedWithFileOffsetAndTag() {
        Path p = TestFiles.publicRt("pydicom_rt/rtplan_truncated.dcm");
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomFile.read(p));
        assertEquals(p.toString(), e.source());
        assertEquals(Tag.BeamSequence, e.tag());
        assertTrue(e.offset() > 0 && e.offset() < 2129, "offset " + e.offset());
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("(300A,00B0)"), e.getMessage());
    }

    @Test
    void bigEndianAndRleDosesEqualTheImplicitOne() {
        DicomFile le = DicomFile.read(TestFiles.publicRt("pydicom_rt/rtdose.dcm"));
        DicomFile be = DicomFile.read(TestFiles.publicRt("pydicom_rt/rtdose_expb.dcm"));
        DicomFile rle = DicomFile.read(TestFiles.publicRt("pydicom_rt/rtdose_rle.dcm"));
        for (int i = 0; i < 15; i++) {
            byte[] expected = le.pixelData().frame(i);
            assertArrayEquals(expected, rle.pixelData().frame(i), "RLE frame " + i);
            // pydicom wrote this file swapping each 32-bit dose value whole; PS3.5 (and dcmtk) swap OW
            // within 16-bit words. Read by the standard's rule, its words come out in swapped order.
            byte[] bigEndian = be.pixelData().frame(i);
            for (int k = 0; k < bigEndian.length; k += 4) {
                assertArrayEquals(new byte[] {expected[k], expected[k + 1], expected[k + 2], expected[k + 3]},
                        new byte[] {bigEndian[k + 2], bigEndian[k + 3], bigEndian[k], bigEndian[k + 1]}, "frame " + i);
            }
        }
        assertArrayEquals(le.dataset().getDoubles(Tag.GridFrameOffsetVector), be.dataset().getDoubles(Tag.GridFrameOffsetVector));
        assertEquals(le.dataset().getDouble(Tag.DoseGridScaling, 0), be.dataset().getDouble(Tag.DoseGridScaling, 1));
        double[] gfov = le.dataset().getDoubles(Tag.GridFrameOffsetVector);
        assertEquals(15, gfov.length);
        assertEquals(5.0, Math.abs(gfov[1] - gfov[0]), 1e-9);
        // a binary element of the dose: the dose grid's US values came through the swap
        assertEquals(le.dataset().getInt(Tag.Rows, -1), be.dataset().getInt(Tag.Rows, -2));
    }

    @Test
    void structureSetSequencesAreWalked() {
        DicomDataset rtss = DicomFile.read(TestFiles.publicRt("dicompyler-core_example/rtss.dcm")).dataset();
        List<DicomDataset> rois = rtss.getSequence(Tag.StructureSetROISequence);
        assertEquals(10, rois.size());
        assertEquals(List.of("BODY", "Areola", "Borders", "Breast", "Heart", "Lt Lung", "Nodes", "Scar", "Tumor Bed",
                "Tumor Bed Block"), rois.stream().map(r -> r.getString(Tag.ROIName)).toList());
        int contours = 0;
        for (DicomDataset rc : rtss.getSequence(Tag.ROIContourSequence)) {
            for (DicomDataset c : rc.getSequence(Tag.ContourSequence)) {
                contours++;
                double[] xyz = c.requireDoubles(Tag.ContourData);
                assertEquals(3 * c.requireInt(Tag.NumberOfContourPoints), xyz.length);
            }
        }
        assertEquals(441, contours);
        assertNull(rtss.getString(Tag.FrameOfReferenceUID));
        assertEquals("2.16.840.1.113662.2.12.0.3057.1241703565.43",
                rtss.getItem(Tag.ReferencedFrameOfReferenceSequence).getItem(Tag.RTReferencedStudySequence)
                        .getItem(Tag.RTReferencedSeriesSequence).getString(Tag.SeriesInstanceUID));
    }

    @Test
    void planFactsFromTheManifest() {
        DicomDataset plan = DicomFile.read(TestFiles.publicRt("dicompyler-core_example/rtplan.dcm")).dataset();
        assertEquals("B1", plan.getString(Tag.RTPlanLabel));
        assertEquals(4, plan.getSequence(Tag.BeamSequence).size());
        assertEquals(7, plan.getItem(Tag.FractionGroupSequence).requireInt(Tag.NumberOfFractionsPlanned));
        assertEquals("UNAPPROVED", plan.getString(Tag.ApprovalStatus));
        assertEquals("1.2.246.352.71.4.320687012.3190.20090511122144",
                plan.getItem(Tag.ReferencedStructureSetSequence).getString(Tag.ReferencedSOPInstanceUID));
        DicomDataset ion = DicomFile.read(TestFiles.publicRt("aptg_dcpt_let/plan03_ramp_full/ramped_2Gy_ver2_full.dcm"))
                .dataset();
        assertEquals(2, ion.getSequence(Tag.IonBeamSequence).size());
        assertEquals("test_LET_ramp", ion.getString(Tag.PatientID));
    }

    @Test
    void headerOnlyStopsBeforePixelDataAndKeepsTheRest() {
        Path p = TestFiles.publicRt("dicompyler-core_example/ct.0.dcm");
        DicomFile full = DicomFile.read(p);
        DicomFile header = DicomFile.readHeader(p);
        assertTrue(full.dataset().contains(Tag.PixelData));
        assertFalse(header.dataset().contains(Tag.PixelData));
        assertEquals(full.dataset().toBuilder().remove(Tag.PixelData).build(), header.dataset());
    }

    @Test
    void tagSubsetKeepsOnlyWhatWasAskedFor() {
        Path p = TestFiles.publicRt("dicompyler-core_example/rtss.dcm");
        DicomDataset ds = DicomReader.defaults().withOnlyTags(Tag.SOPInstanceUID, Tag.Modality,
                Tag.StructureSetROISequence).read(p).dataset();
        assertEquals("1.2.246.352.71.4.320687012.3190.20090511122144", ds.getString(Tag.SOPInstanceUID));
        assertEquals("RTSTRUCT", ds.getString(Tag.Modality));
        assertEquals(10, ds.getSequence(Tag.StructureSetROISequence).size());
        assertFalse(ds.contains(Tag.ROIContourSequence));
        assertFalse(ds.contains(Tag.PatientID));
    }

    @Test
    void privateElementsAreSkippedUnlessAskedFor() {
        Path p = TestFiles.publicRt("rt-utils_mock/mock_data/ct_1.dcm");
        DicomDataset plain = DicomFile.read(p).dataset();
        DicomDataset withPrivate = DicomReader.defaults().withPrivateElements(true).read(p).dataset();
        assertTrue(plain.elements().stream().noneMatch(e -> Tag.isPrivate(e.tag())));
        assertTrue(withPrivate.elements().stream().anyMatch(e -> Tag.isPrivate(e.tag())), "GE CT has private tags");
        assertEquals(plain.getString(Tag.SOPInstanceUID), withPrivate.getString(Tag.SOPInstanceUID));
    }

    @Test
    void thirtyTwoBitDoseFromEyePlan() {
        DicomFile f = DicomFile.read(TestFiles.publicRt("eyeplantodicom/rtdose.dcm"));
        assertArrayEquals(new double[] {0.0}, f.dataset().getDoubles(Tag.GridFrameOffsetVector));
        assertEquals("GY", f.dataset().getString(Tag.DoseUnits));
        assertEquals("1.2.246.352.71.5.320687012.24189.20090603083342",
                f.dataset().getItem(Tag.ReferencedRTPlanSequence).getString(Tag.ReferencedSOPInstanceUID));
    }

    @Test
    void elementsLabelledUnknownGetTheirDictionaryVr() {
        DicomDataset implicit = DicomFile.read(TestFiles.publicRt("pydicom_rt/rtdose.dcm")).dataset();
        DicomDataset rle = DicomFile.read(TestFiles.publicRt("pydicom_rt/rtdose_rle.dcm")).dataset();
        assertTrue(rle.elements().stream().noneMatch(e -> e.vr() == VR.UN), "UN left in " + rle.elements());
        assertEquals(implicit.toBuilder().remove(Tag.PixelData).build(), rle.toBuilder().remove(Tag.PixelData).build());
        assertEquals(implicit.requireDouble(Tag.DoseGridScaling), rle.requireDouble(Tag.DoseGridScaling));
    }

    /**
     * The full catalogue, including the doses not copied into the test resources, where the
     * shared data folder sits beside the checkout (developer machines and CI; -Drtsite.publicRt=DIR
     * elsewhere). Tests run in the module folder, so the checkout's parent is two levels up.
     */
    @Test
    void everyFileOfTheSharedCatalogueWhenPresent() throws java.io.IOException {
        Path root = Path.of(System.getProperty("rtsite.publicRt", "../../shared/data/public-rt")).toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(root), root + " not present");
        List<Path> files;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        assertEquals(35, files.size()); // the MANIFEST's six folders
        for (Path p : files) {
            if (p.getFileName().toString().equals("rtplan_truncated.dcm")) {
                assertThrows(DicomFormatException.class, () -> DicomFile.read(p));
                continue;
            }
            DicomFile f = DicomFile.read(p);
            if (f.dataset().contains(Tag.PixelData)) {
                PixelData pd = f.pixelData();
                for (int i = 0; i < pd.numberOfFrames(); i++) {
                    assertEquals(pd.frameLength(), pd.frame(i).length);
                }
            }
        }
    }
}
