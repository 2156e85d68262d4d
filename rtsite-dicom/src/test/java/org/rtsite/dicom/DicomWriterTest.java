package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rtsite.core.InvalidInputException;

class DicomWriterTest {

    @TempDir
    Path tmp;

    /** A small RT structure set with the features that trip codecs: nesting, empty items, UTF-8, odd lengths. */
    static DicomDataset richDataset() {
        DicomDataset contour = DicomDataset.builder()
                .putString(Tag.ContourGeometricType, VR.CS, "CLOSED_PLANAR")
                .putInts(Tag.NumberOfContourPoints, VR.IS, 3)
                .putDoubles(Tag.ContourData, VR.DS, 0.5, -1.25, 10, 3.0, 4.0, 10, -7.125, 2e-3, 10)
                .putSequence(Tag.ContourImageSequence, List.of(DicomDataset.builder()
                        .putString(Tag.ReferencedSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2")
                        .putString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4.5.6.7").build()))
                .build();
        DicomDataset roiContour = DicomDataset.builder()
                .putInts(Tag.ROIDisplayColor, VR.IS, 255, 0, 128)
                .putSequence(Tag.ContourSequence, List.of(contour, contour))
                .putInts(Tag.ReferencedROINumber, VR.IS, 1).build();
        return DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.481.3")
                .putString(Tag.SOPInstanceUID, VR.UI, "2.25.1234567890123")
                .putString(Tag.Modality, VR.CS, "RTSTRUCT")
                .putString(Tag.PatientName, VR.PN, "Ødegård^Åse=小林^花子")
                .putString(Tag.PatientID, VR.LO, "ODD1")
                .putString(Tag.StructureSetLabel, VR.SH, "Test")
                .putString(Tag.StructureSetDescription, VR.LO, "with\\backslash? no: multi")
                .putString(Tag.DoseComment, VR.LT, "line one\r\nline two \\ with backslash")
                .putSequence(Tag.StructureSetROISequence, List.of(DicomDataset.builder()
                        .putInts(Tag.ROINumber, VR.IS, 1).putString(Tag.ROIName, VR.LO, "PTV 1").build(),
                        DicomDataset.empty()))
                .putSequence(Tag.ROIContourSequence, List.of(roiContour))
                .putSequence(Tag.RTROIObservationsSequence, List.of())
                .putInts(Tag.Rows, VR.US, 2)
                .putInts(Tag.Columns, VR.US, 3)
                .putInts(Tag.BitsAllocated, VR.US, 16)
                .putDoubles(0x00189310, VR.FD, Math.PI, -0.0)
                .putBytes(0x00291010, VR.OB, new byte[] {1, 2, 3})
                .putBytes(Tag.PixelData, VR.OW, new byte[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, (byte) 0xFF, (byte) 0x7F})
                .build();
    }

    @Test
    void writeThenReadGivesTheSameDataSet() {
        DicomDataset ds = richDataset();
        Path f = tmp.resolve("rich.dcm");
        DicomWriter.write(f, ds);
        DicomFile back = DicomReader.defaults().withPrivateElements(true).read(f);
        assertTrue(back.hasPreamble());
        assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, back.transferSyntaxUid());
        assertEquals(ds.getString(Tag.SOPInstanceUID), back.meta().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals(DicomWriter.IMPLEMENTATION_CLASS_UID, back.meta().getString(Tag.ImplementationClassUID));
        // Odd-length OB came back padded; everything else identical.
        DicomDataset expected = ds.toBuilder().putBytes(0x00291010, VR.OB, new byte[] {1, 2, 3, 0}).build();
        assertEquals(expected, back.dataset());
        assertEquals("Ødegård^Åse=小林^花子", back.dataset().getString(Tag.PatientName));
        assertEquals("line one\r\nline two \\ with backslash", back.dataset().getString(Tag.DoseComment));
        // and writing what was read gives the same bytes
        Path again = tmp.resolve("again.dcm");
        DicomWriter.write(again, back.dataset());
        try {
            assertEquals(-1, Files.mismatch(f, again));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<String> catalogue() throws IOException {
        Path root = TestFiles.publicRt("");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".dcm") && !p.toString().contains("truncated"))
                    .map(p -> root.relativize(p).toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void everyCatalogueFileRoundTrips(String name) {
        DicomFile original = DicomReader.defaults().withPrivateElements(true).read(TestFiles.publicRt(name));
        Path f = tmp.resolve("rt.dcm");
        DicomWriter.write(f, decodedIfNeeded(original));
        DicomFile back = DicomReader.defaults().withPrivateElements(true).read(f);
        assertEquals(withoutGroupLengths(decodedIfNeeded(original)), back.dataset());
    }

    /** RLE files are written with their pixel data decoded (the writer writes native pixel data only). */
    static DicomDataset decodedIfNeeded(DicomFile f) {
        DicomElement px = f.dataset().get(Tag.PixelData);
        if (px == null || !px.isEncapsulated()) {
            return f.dataset();
        }
        PixelData pd = f.pixelData();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pd.numberOfFrames(); i++) {
            all.writeBytes(pd.frame(i));
        }
        return f.dataset().toBuilder().putBytes(Tag.PixelData, pd.bitsAllocated() > 8 ? VR.OW : VR.OB, all.toByteArray())
                .build();
    }

    static DicomDataset withoutGroupLengths(DicomDataset ds) {
        DicomDataset.Builder b = DicomDataset.builder();
        for (DicomElement e : ds.elements()) {
            if (Tag.element(e.tag()) == 0) {
                continue;
            }
            if (e.isSequence()) {
                b.putSequence(e.tag(), e.items().stream().map(DicomWriterTest::withoutGroupLengths).toList());
            } else {
                b.put(e);
            }
        }
        return b.build();
    }

    @Test
    void dcmdumpReadsWrittenFilesWithoutWarnings() {
        assumeTrue(ExternalTools.available("dcmdump"), "dcmtk's dcmdump not installed (scripts/setup.sh installs it)");
        Path f = tmp.resolve("rich.dcm");
        DicomWriter.write(f, richDataset());
        ExternalTools.Result r = ExternalTools.run("dcmdump", "-Un", "+L", f.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertFalse(r.out().contains("W: ") || r.out().contains("E: "), r.out());
        assertTrue(r.out().contains("(0008,0060) CS [RTSTRUCT]"), r.out());
        assertTrue(r.out().contains("(3006,0050) DS [0.5\\-1.25\\10\\3\\4\\10\\-7.125\\0.002\\10]"), r.out());
        assertTrue(r.out().contains("(0002,0010) UI [1.2.840.10008.1.2.1]"), r.out());
        // dcmtk's own consistency check of the meta group and data set
        ExternalTools.Result check = ExternalTools.run("dcmdump", "-v", "+E", f.toString());
        assertFalse(check.err().contains("W:") || check.out().contains("W: "), check.err() + check.out());
    }

    @Test
    void pydicomReadsWrittenFiles() {
        assumeTrue(ExternalTools.pydicomAvailable(), "pydicom not installed (scripts/setup.sh installs python3-pydicom)");
        Path f = tmp.resolve("rich.dcm");
        DicomWriter.write(f, richDataset());
        String script = String.join("\n",
                "import sys, warnings, pydicom",
                "warnings.simplefilter('error')",
                "d = pydicom.dcmread(sys.argv[1])",
                "print(d.file_meta.TransferSyntaxUID)",
                "print(d.PatientName)",
                "print(len(d.ROIContourSequence[0].ContourSequence))",
                "print([float(x) for x in d.ROIContourSequence[0].ContourSequence[1].ContourData])",
                "print(d.StructureSetROISequence[0].ROIName)",
                "print(d[0x00189310].value)",
                "print(list(d.PixelData))");
        ExternalTools.Result r = ExternalTools.run("/usr/bin/python3", "-c", script, f.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(String.join("\n",
                "1.2.840.10008.1.2.1",
                "Ødegård^Åse=小林^花子",
                "2",
                "[0.5, -1.25, 10.0, 3.0, 4.0, 10.0, -7.125, 0.002, 10.0]",
                "PTV 1",
                "[3.141592653589793, -0.0]",
                "[1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 255, 127]") + "\n", r.out());
    }

    @Test
    void refusesWhatItCannotWriteCorrectly() {
        assertThrows(InvalidInputException.class, () -> DicomWriter.write(tmp.resolve("x.dcm"), DicomDataset.empty()));
        DicomDataset tooLong = richDataset().toBuilder().putString(Tag.PatientID, VR.LO, "x".repeat(70_000)).build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DicomWriter.write(tmp.resolve("y.dcm"), tooLong));
        assertTrue(e.getMessage().contains("(0010,0020)"), e.getMessage());
    }
}
