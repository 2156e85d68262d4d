package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.dicom.rt.RtDose;

/**
 * Issue 13.6 / 14.7: DICOM that dcmtk, gdcm and pydicom write or read and rtsite got wrong, and
 * hostile deflated files. Files come from those tools (at test time or in the dcmtk-made corpus).
 */
class CodecEdgeCasesTest {

    @TempDir
    Path tmp;

    static final Path BOMB_SCRIPT = Path.of("scripts/make-deflate-bomb.py").toAbsolutePath();

    /** A 1.5 GiB run of zeros as Pixel Data, deflated by python's zlib at level 9 into about 1.5 MB. */
    static Path deflateBomb(Path dir, Path template) {
        assumeTrue(ExternalTools.pydicomAvailable(), "pydicom (python3-pydicom) not installed");
        Path bomb = dir.resolve("bomb.dcm");
        ExternalTools.Result r = ExternalTools.run("/usr/bin/python3", BOMB_SCRIPT.toString(), template.toString(),
                bomb.toString(), "1536");
        assertEquals(0, r.exit(), r.err());
        return bomb;
    }

    @Test
    void deflateBombIsRefusedNamingTheFileAndTheLimitWithoutInflatingIt() throws IOException {
        Path bomb = deflateBomb(tmp, TestFiles.resource("corpus/dose32.explicit-le.dcm"));
        assertTrue(Files.size(bomb) < 2_000_000, Files.size(bomb) + " bytes");
        long t0 = System.nanoTime();
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomFile.read(bomb));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_000, ms + " ms: the declared length alone must refuse it");
        assertEquals(bomb + " (inflated)", e.source());
        assertEquals(Tag.PixelData, e.tag());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("value length 1610612736 goes beyond rtsite's inflation"
                + " limit of (\\d+) bytes for a deflated data set \\(the larger of 64 MiB and 64 × (\\d+) compressed bytes;"
                + " -Drtsite.dicom.maxInflatedBytes=BYTES raises it\\)").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        long compressed = Long.parseLong(m.group(2));
        assertTrue(compressed > Files.size(bomb) - 2_000 && compressed < Files.size(bomb), compressed + " compressed bytes");
        assertEquals(Math.max(64L << 20, 64 * compressed), Long.parseLong(m.group(1)));
        // the RT layer passes it on; a header-only read (what indexing does) is unaffected
        assertThrows(DicomFormatException.class, () -> RtDose.read(bomb));
        assertEquals("RTDOSE", DicomFile.readHeader(bomb).dataset().getString(Tag.Modality));
        // a larger limit set for the reader lets the same value be read (dcmtk reads it whole)
        DicomFormatException skipped = assertThrows(DicomFormatException.class,
                () -> DicomReader.defaults().withOnlyTags(Tag.PixelData).read(bomb));
        assertTrue(skipped.getMessage().contains("inflation limit"), skipped.getMessage());
    }

    @Test
    void inflationIsBoundedWhileStreamingSmallElementsToo() {
        // dcmtk's deflated RTSTRUCT (dcmconv +td) inflates to about 1 KB: a 600-byte limit stops it mid-stream
        Path f = TestFiles.resource("corpus/rtstruct.deflated.dcm");
        assertEquals("RTSTRUCT", DicomFile.read(f).dataset().getString(Tag.Modality));
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomReader.defaults().withMaxInflatedBytes(600).read(f));
        assertTrue(e.getMessage().startsWith(f + " (inflated)") && e.getMessage().contains("inflation limit of 600 bytes")
                && e.getMessage().contains("set by -Drtsite.dicom.maxInflatedBytes or DicomReader.withMaxInflatedBytes"), e.getMessage());
    }

    /** Deflated implicit-in-UN flood: 5 million empty items in 40 MB that deflate to ~40 KB. */
    @Test
    void itemFloodsStopAtTheElementLimitNotAtOutOfMemory() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(body, new Deflater(9, true))) {
            z.write(explicitLe(Tag.Modality, "CS", "RTSTRUCT".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer sq = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            sq.putShort((short) 0x3006).putShort((short) 0x0020).put((byte) 'S').put((byte) 'Q').putShort((short) 0)
                    .putInt(-1);
            z.write(sq.array());
            byte[] items = new byte[8 * 10_000];
            ByteBuffer b = ByteBuffer.wrap(items).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 10_000; i++) {
                b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
            }
            for (int i = 0; i < 500; i++) {
                z.write(items);
            }
        }
        byte[] file = concat(deflatedHeader(), body.toByteArray());
        assertTrue(file.length < 200_000, file.length + " bytes");
        long t0 = System.nanoTime();
        // within the 64 MiB inflation limit, but the items' heap is charged against it too
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(file, "flood.dcm"));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
        assertEquals(Tag.StructureSetROISequence, e.tag());
        assertTrue(e.getMessage().startsWith("flood.dcm (inflated)") && e.getMessage().contains("would take more memory (64 bytes"
                + " each plus their values) than rtsite's inflation limit of 67108864 bytes"), e.getMessage());
        // without an inflation limit the element count still stops it
        e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().withMaxInflatedBytes(1L << 40).read(file, "flood.dcm"));
        assertTrue(e.getMessage().contains("more than 4194304 data elements, items and fragments"), e.getMessage());
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().withMaxElements(1000).read(file, "flood.dcm"));
    }

    /** pydicom writes "US or SS" pixel values of signed CT in implicit VR; dcmtk and pydicom read them SS. */
    @Test
    void usOrSsPixelValuesInImplicitVrTakeTheirVrFromPixelRepresentation() {
        assumeTrue(ExternalTools.pydicomAvailable() && ExternalTools.available("dcmdump"), "pydicom and dcmtk needed");
        Path f = tmp.resolve("signed-implicit.dcm");
        String py = String.join("\n",
                "import sys, pydicom",
                "from pydicom.dataset import Dataset, FileMetaDataset",
                "from pydicom.dataelem import DataElement",
                "from pydicom.uid import ImplicitVRLittleEndian",
                "ds = Dataset()",
                "ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'; ds.SOPInstanceUID = '2.25.1313'; ds.Modality = 'CT'",
                "ds.Rows = 1; ds.Columns = 2; ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15",
                "ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'; ds.PixelRepresentation = 1",
                "ds.SmallestImagePixelValue = -1024; ds.LargestImagePixelValue = 3071; ds.PixelPaddingValue = -2000",
                "item = Dataset(); item.add(DataElement(0x00409216, 'SS', -1024))",
                "ds.RealWorldValueMappingSequence = [item]",
                "ds.PixelData = (-2000).to_bytes(2, 'little', signed=True) + (3071).to_bytes(2, 'little', signed=True)",
                "ds.file_meta = FileMetaDataset(); ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian",
                "ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID; ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID",
                "ds.is_implicit_VR = True; ds.is_little_endian = True",
                "ds.save_as(sys.argv[1], write_like_original=False)",
                "back = pydicom.dcmread(sys.argv[1])",
                "print(back[0x00280106].VR == 'SS', back[0x00280106].value, back[0x00280120].VR == 'SS', back[0x00280120].value)");
        ExternalTools.Result made = ExternalTools.run("/usr/bin/python3", "-c", py, f.toString());
        assertEquals(0, made.exit(), made.err());
        assertEquals("True -1024 True -2000", made.out().strip(), "pydicom reads them as SS");
        DicomDataset ds = DicomFile.read(f).dataset();
        DcmdumpOracle.Dump dump = DcmdumpOracle.parse(dcmdump(f));
        for (int tag : new int[] {0x00280106, 0x00280107, 0x00280120}) {
            DcmdumpOracle.Node n = dump.dataset().stream().filter(x -> x.tag() == tag).findFirst().orElseThrow();
            assertEquals(n.vr(), ds.get(tag).vr().name(), Tag.toString(tag));
            assertEquals(Long.parseLong(n.value()), ds.getLongs(tag)[0], Tag.toString(tag));
        }
        assertEquals(VR.SS, ds.get(0x00280120).vr());
        assertEquals(-2000, ds.getInt(0x00280120, 0));
        assertEquals(3071, ds.getInt(0x00280107, 0));
        // in a sequence item without its own PixelRepresentation, pydicom uses the enclosing one's
        // (dcmtk leaves the VR "xs", i.e. unsigned); rtsite follows pydicom
        DicomDataset item = ds.getItem(0x00409096);
        assertEquals(VR.SS, item.get(0x00409216).vr());
        assertEquals(-1024, item.getInt(0x00409216, 0));
        // unsigned data (PixelRepresentation 0, dcmtk's +ti of the unsigned CT) stays US
        assertEquals(VR.US, DicomFile.read(TestFiles.resource("corpus/ct16.implicit-le.dcm")).dataset().get(Tag.PixelRepresentation).vr());
    }

    private Path dcmdump(Path f) {
        ExternalTools.Result r = ExternalTools.run("dcmdump", "-Un", "+L", f.toString());
        assertEquals(0, r.exit(), r.err());
        try {
            Path out = tmp.resolve(f.getFileName() + ".dcmdump");
            Files.writeString(out, r.out());
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * dcmcjpeg +el +fs 1 -ot: a 4-frame dose in 1 KiB fragments (3 per frame) with an empty Basic
     * Offset Table. dcmtk (dcmdjpeg) and gdcm (gdcmconv --raw) decode it; rtsite's frames equal theirs.
     */
    @Test
    void multiFragmentFramesWithoutOffsetTableDecodeAsDcmtkAndGdcmDecodeThem() {
        Path f = TestFiles.resource("corpus/dose16.jpeg-lossless-fragments-no-bot.dcm");
        DicomFile file = DicomFile.read(f);
        DicomElement px = file.dataset().get(Tag.PixelData);
        assertEquals(0, px.basicOffsetTable().length);
        assertEquals(12, px.fragmentCount());
        PixelData pd = file.pixelData();
        assertEquals(4, pd.numberOfFrames());
        List<Path> decoded = new ArrayList<>();
        if (ExternalTools.available("dcmdjpeg")) {
            Path d = tmp.resolve("dcmtk-raw.dcm");
            assertEquals(0, ExternalTools.run("dcmdjpeg", f.toString(), d.toString()).exit());
            decoded.add(d);
        }
        if (ExternalTools.available("gdcmconv")) {
            Path g = tmp.resolve("gdcm-raw.dcm");
            assertEquals(0, ExternalTools.run("gdcmconv", "--raw", f.toString(), g.toString()).exit());
            decoded.add(g);
        }
        assumeTrue(!decoded.isEmpty(), "neither dcmtk nor gdcm installed");
        for (Path d : decoded) {
            PixelData theirs = DicomFile.read(d).pixelData();
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(theirs.frame(i), pd.frame(i), d.getFileName() + " frame " + i);
            }
        }
        // and the RT layer reads the compressed dose like the native one
        assertArrayEquals(RtDose.read(TestFiles.resource("corpus/dose16.explicit-le.dcm")).volume().gy(),
                RtDose.read(f).volume().gy());
    }

    /**
     * JPEG 2000 frames split over fragments with an empty offset table: pydicom encapsulates the corpus's
     * OpenJPEG codestream twice, 3 fragments per frame; both frames decode to the original CT.
     */
    @Test
    void jpeg2000FramesSplitOverFragmentsAreFoundByTheirCodestreamMarkers() {
        assumeTrue(ExternalTools.pydicomAvailable(), "pydicom (python3-pydicom) not installed");
        Path f = tmp.resolve("j2k-2frames.dcm");
        String py = String.join("\n",
                "import sys, pydicom",
                "from pydicom.encaps import encapsulate, generate_pixel_data_frame",
                "ds = pydicom.dcmread(sys.argv[1])",
                "cs = next(generate_pixel_data_frame(ds.PixelData, 1))",
                "ds.NumberOfFrames = 2",
                "ds.PixelData = encapsulate([cs, cs], fragments_per_frame=3, has_bot=False)",
                "ds.save_as(sys.argv[2])");
        ExternalTools.Result made = ExternalTools.run("/usr/bin/python3", "-c", py,
                TestFiles.resource("corpus/ct16.jpeg2000.dcm").toString(), f.toString());
        assertEquals(0, made.exit(), made.err());
        DicomFile file = DicomFile.read(f);
        assertEquals(6, file.dataset().get(Tag.PixelData).fragmentCount());
        assertEquals(0, file.dataset().get(Tag.PixelData).basicOffsetTable().length);
        byte[] original = DicomFile.read(TestFiles.resource("corpus/ct16.explicit-le.dcm")).pixelData().frame(0);
        assertArrayEquals(original, file.pixelData().frame(0));
        assertArrayEquals(original, file.pixelData().frame(1));
    }

    /** Too few codestream starts for the frames: a clear error, not a wrong frame. */
    @Test
    void fragmentsThatCannotBeMappedToFramesAreNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(TestFiles.resource("corpus/dose16.jpeg-lossless-fragments-no-bot.dcm"));
        // break the SOI marker of the third frame's first fragment
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int soi = -1;
        for (int k = 0, from = 0; k < 3; k++) {
            soi = text.indexOf("\u00FF\u00D8\u00FF", from);
            from = soi + 1;
        }
        bytes[soi + 1] = 0;
        DicomFile f = DicomReader.defaults().read(bytes, "broken.dcm");
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> f.pixelData().frame(3));
        assertTrue(e.getMessage().startsWith("broken.dcm") && e.getMessage().contains("cannot map 12 fragments to 4 frames")
                && e.getMessage().contains("3 fragment(s) begin a JPEG codestream"), e.getMessage());
    }

    /**
     * dcmtk's explicit VR big endian (dcmconv +tb) 32-bit doses: OW swapped per 16-bit word, as PS3.5
     * defines OW. rtsite reads the doses as their little endian originals.
     */
    @Test
    void bigEndian32BitDosesWrittenByDcmtkReadAsTheirOriginals() {
        float[] original = RtDose.read(TestFiles.resource("corpus/dose32.explicit-le.dcm")).volume().gy();
        RtDose be = RtDose.read(TestFiles.resource("corpus/dose32.explicit-be.dcm"));
        assertArrayEquals(original, be.volume().gy());
        assertTrue(be.volume().max() > 65_536 * 1.5e-5, "values use the upper 16 bits: " + be.volume().max());
        assumeTrue(ExternalTools.available("dcmconv"), "dcmtk not installed");
        Path le = TestFiles.publicRt("pydicom_rt/rtdose.dcm");
        Path converted = tmp.resolve("rtdose-tb.dcm");
        assertEquals(0, ExternalTools.run("dcmconv", "+tb", le.toString(), converted.toString()).exit());
        RtDose d = RtDose.read(converted);
        assertEquals(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, DicomFile.readHeader(converted).transferSyntaxUid());
        assertArrayEquals(RtDose.read(le).volume().gy(), d.volume().gy());
        assertEquals(1.254, d.volume().max(), 1e-6);
    }

    /** 14.7: a CT slice whose ImagePositionPatient is NaN (dcmodify) is named, not reported as a missing slice; a dose likewise. */
    @Test
    void nonFiniteGeometryNamesTheSliceOrDose() throws IOException {
        assumeTrue(ExternalTools.available("dcmodify"), "dcmtk not installed");
        Path dir = tmp.resolve("ct");
        org.rtsite.dicom.rt.RtWriter.writeCtSeries(new CtSeries("2.25.4", "2.25.5", "2.25.9", "P", "HFS",
                List.of("2.25.6", "2.25.7", "2.25.8"), List.of(), new org.rtsite.core.volume.CtVolume(
                        org.rtsite.core.geometry.ImageGrid.axial(2, 2, 3, 1, 1, 3, new org.rtsite.core.geometry.Vec3(0, 0, 0)),
                        new short[12])), dir);
        List<Path> slices;
        try (var s = Files.list(dir)) {
            slices = s.sorted().toList();
        }
        assertEquals(3, CtSeriesReader.defaults().readDirectory(dir).sopInstanceUids().size());
        Path bad = slices.get(1);
        assertEquals(0, ExternalTools.run("dcmodify", "-nb", "-m", "(0020,0032)=0\\0\\NaN", bad.toString()).exit());
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> CtSeriesReader.defaults().readDirectory(dir));
        assertEquals(bad.toString(), e.source());
        assertEquals(Tag.ImagePositionPatient, e.tag());
        assertTrue(e.getMessage().contains("ImagePositionPatient [0.0, 0.0, NaN] is not a finite number"), e.getMessage());

        // a dose grid the same way (dcmodify on the dcmtk-made dose)
        Path dose = tmp.resolve("rd.dcm");
        Files.copy(TestFiles.resource("corpus/dose16.explicit-le.dcm"), dose);
        assertEquals(0, ExternalTools.run("dcmodify", "-nb", "-m", "(0028,0030)=Infinity\\2.5", dose.toString()).exit());
        DicomFormatException d = assertThrows(DicomFormatException.class, () -> RtDose.read(dose));
        assertEquals(dose.toString(), d.source());
        assertTrue(d.getMessage().contains("PixelSpacing [Infinity, 2.5] is not a finite number"), d.getMessage());
    }

    /** Preamble, DICM and a minimal meta group naming Deflated Explicit VR Little Endian. */
    private static byte[] deflatedHeader() {
        byte[] ts = explicitLe(0x00020010, "UI", TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.getBytes(StandardCharsets.US_ASCII));
        byte[] length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(ts.length).array();
        return concat(new byte[128], "DICM".getBytes(StandardCharsets.US_ASCII), explicitLe(0x00020000, "UL", length), ts);
    }

    private static byte[] explicitLe(int tag, String vr, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).put((byte) vr.charAt(0)).put((byte) vr.charAt(1))
                .putShort((short) value.length).put(value);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
