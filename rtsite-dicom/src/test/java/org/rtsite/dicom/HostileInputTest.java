package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hand-made malformations; {@code MutationProperties} throws thousands of random ones. */
class HostileInputTest {

    private static byte[] implicitElement(int tag, byte[] value, long length) {
        ByteBuffer b = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt((int) length).put(value);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static final byte[] MODALITY = implicitElement(Tag.Modality, "CT".getBytes(StandardCharsets.US_ASCII), 2);

    private static byte[] explicitShort(int tag, String vr, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).put(vr.getBytes(StandardCharsets.US_ASCII))
                .putShort((short) value.length).put(value);
        return b.array();
    }

    /**
     * Explicit VR declared, first element with a valid VR the dictionary does not expect (OB on
     * SOPClassUID) and a length far beyond the file. Read as implicit, the same bytes give a length of
     * 16,975 ("OB\0\0") that the padding below satisfies, followed by a plausible SOP Instance UID: a
     * reader that re-reads such a file as implicit accepts garbage. dcmtk refuses it; so must rtsite.
     */
    @Test
    void aValidButUnexpectedVrIsAMalformedElementNotAnImplicitDataSet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] ts = "1.2.840.10008.1.2.1\0".getBytes(StandardCharsets.US_ASCII);
        byte[] tsElement = explicitShort(0x00020010, "UI", ts);
        ByteBuffer groupLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        groupLength.putShort((short) 2).putShort((short) 0).put("UL".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 4).putInt(tsElement.length);
        ByteBuffer first = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        first.putShort((short) 0x0008).putShort((short) 0x0016).put("OB".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 0).putInt(0x7FFFFFF0);
        int implicitLength = 'O' | 'B' << 8;
        byte[] padding = new byte[implicitLength - 4];
        byte[] f = concat(new byte[128], "DICM".getBytes(StandardCharsets.US_ASCII), groupLength.array(), tsElement,
                first.array(), padding, implicitElement(Tag.SOPInstanceUID, "1.2.3.4\0"
                        .getBytes(StandardCharsets.US_ASCII), 8), MODALITY);
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(f, "x.dcm"));
        assertEquals(Tag.SOPClassUID, e.tag(), e.getMessage());
        assertTrue(e.getMessage().contains("beyond the end"), e.getMessage());
        if (ExternalTools.available("dcmdump")) {
            java.nio.file.Path file = dir.resolve("x.dcm");
            java.nio.file.Files.write(file, f);
            ExternalTools.Result r = ExternalTools.run("dcmdump", file.toString());
            assertTrue((r.out() + r.err()).contains("larger (2147483632) than remaining bytes"), r.out() + r.err());
        }
    }

    @Test
    void lengthBeyondEndOfFile() {
        byte[] f = concat(MODALITY, implicitElement(Tag.PatientName, new byte[4], 0x7FFFFFF0L));
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(f, "x.dcm"));
        assertEquals(Tag.PatientName, e.tag());
        assertEquals(18, e.offset());
        assertTrue(e.getMessage().startsWith("x.dcm at offset 18, tag (0010,0010)"), e.getMessage());
    }

    @Test
    void absurdLengthFromAStreamOfUnknownSizeDoesNotAllocateIt() {
        byte[] f = concat(MODALITY, implicitElement(Tag.PatientName, new byte[4], 0xFFFFFFF0L));
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomReader.defaults().read(new java.io.ByteArrayInputStream(f), "stream"));
        assertEquals(Tag.PatientName, e.tag());
    }

    @Test
    void truncatedHeader() {
        byte[] f = concat(MODALITY, new byte[] {0x10, 0x00, 0x10});
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(f, "t"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void manyEmptyItemsInAnUndefinedSequenceAreBoundedByTheFile() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(MODALITY);
        o.writeBytes(implicitElement(Tag.ROIContourSequence, new byte[0], 0xFFFFFFFFL));
        byte[] emptyItem = implicitElement(Tag.Item, new byte[0], 0);
        for (int i = 0; i < 100_000; i++) {
            o.writeBytes(emptyItem);
        }
        // no sequence delimitation: the file just ends
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomReader.defaults().read(o.toByteArray(), "items"));
        assertEquals(Tag.ROIContourSequence, e.tag());
    }

    @Test
    void deeplyNestedSequencesAreRefused() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            o.writeBytes(implicitElement(Tag.ROIContourSequence, new byte[0], 0xFFFFFFFFL));
            o.writeBytes(implicitElement(Tag.Item, new byte[0], 0xFFFFFFFFL));
        }
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomReader.defaults().read(o.toByteArray(), "deep"));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void nonDicomFiles() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(png, "a.png"));
        assertTrue(e.getMessage().contains("not a DICOM file"), e.getMessage());
        byte[] text = "hello, this is not DICOM at all\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(text, "a.txt"));
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(new byte[0], "empty"));
        byte[] onlyPreamble = new byte[132];
        onlyPreamble[128] = 'D';
        onlyPreamble[129] = 'I';
        onlyPreamble[130] = 'C';
        onlyPreamble[131] = 'M';
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(onlyPreamble, "preamble"));
    }

    @Test
    void missingFileIsNamed() {
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomFile.read(java.nio.file.Path.of("/nonexistent/rtdose.dcm")));
        assertTrue(e.getMessage().contains("/nonexistent/rtdose.dcm"), e.getMessage());
    }

    @Test
    void headerOnlyNeverTouchesPixelData() throws Exception {
        byte[] ct = java.nio.file.Files.readAllBytes(TestFiles.publicRt("pydicom_rt/CT_small.dcm"));
        byte[] cut = java.util.Arrays.copyOf(ct, ct.length - 20_000); // pixel data now runs past the end
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(cut, "cut"));
        DicomFile header = DicomReader.defaults().withStopBeforePixelData(true).read(cut, "cut");
        assertEquals("CT", header.dataset().getString(Tag.Modality));
        assertEquals(128, header.dataset().getInt(Tag.Rows, 0));
    }

    @Test
    void tagSubsetStopsAfterTheLastTagAskedFor() {
        byte[] garbage = new byte[64];
        java.util.Arrays.fill(garbage, (byte) 0x7F);
        byte[] f = concat(MODALITY, implicitElement(Tag.PatientID, "ABCD".getBytes(StandardCharsets.US_ASCII), 4), garbage);
        assertThrows(DicomFormatException.class, () -> DicomReader.defaults().read(f, "g"));
        DicomDataset ds = DicomReader.defaults().withOnlyTags(Tag.Modality, Tag.PatientID).read(f, "g").dataset();
        assertEquals("ABCD", ds.getString(Tag.PatientID));
        assertEquals(2, ds.size());
    }

    @Test
    void oddLengthsAndUndefinedLengthUnknownSequencesAreTolerated() {
        byte[] odd = implicitElement(Tag.PatientID, "ABC".getBytes(StandardCharsets.US_ASCII), 3);
        byte[] item = concat(implicitElement(Tag.Item, new byte[0], 0xFFFFFFFFL),
                implicitElement(Tag.ROIName, "PTV ".getBytes(StandardCharsets.US_ASCII), 4),
                implicitElement(Tag.ItemDelimitationItem, new byte[0], 0));
        byte[] unknownSeq = concat(implicitElement(0x00091010, new byte[0], 0xFFFFFFFFL), item,
                implicitElement(Tag.SequenceDelimitationItem, new byte[0], 0));
        byte[] f = concat(MODALITY, odd, unknownSeq, implicitElement(0x00100030, "20000101".getBytes(StandardCharsets.US_ASCII), 8));
        DicomDataset ds = DicomReader.defaults().withPrivateElements(true).read(f, "odd").dataset();
        assertEquals("ABC", ds.getString(Tag.PatientID));
        assertEquals("PTV", ds.getItem(0x00091010).getString(Tag.ROIName));
        assertEquals("20000101", ds.getString(Tag.PatientBirthDate));
        // without includePrivate the private sequence is parsed past and dropped
        DicomDataset plain = DicomReader.defaults().read(f, "odd").dataset();
        assertEquals(3, plain.size());
    }

    @Test
    void aSpinningJpeg2000DecoderIsAbandonedInBoundedTime() throws Exception {
        // Mutation 136 of the JPEG 2000 corpus file corrupts a packet header so that jj2000 loops.
        byte[] j2k = java.nio.file.Files.readAllBytes(TestFiles.resource("corpus/ct16.jpeg2000.dcm"));
        byte[] bad = MutationProperties.mutate(j2k, 136);
        DicomFile f = DicomReader.defaults().read(bad, "spin.dcm");
        int threadsBefore = Thread.activeCount();
        long t0 = System.nanoTime();
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> f.pixelData().frame(0));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().startsWith("spin.dcm") && e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(ms < JpegCodecs.TIMEOUT_MILLIS + 3_000, ms + " ms");
        Thread.sleep(200);
        long spinning = Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().getName().equals("rtsite-dicom-codec")
                        && java.util.Arrays.stream(t.getValue()).anyMatch(s -> s.getClassName().startsWith("jj2000")))
                .count();
        assertEquals(0, spinning, "decoder thread still running");
        assertTrue(Thread.activeCount() <= threadsBefore + 1);
    }

    @Test
    void metaGroupThatLiesAboutTheVrEncodingIsFollowedByTheData() throws Exception {
        DicomFile implicitFile = DicomFile.read(TestFiles.resource("corpus/ct16.implicit-le.dcm"));
        byte[] implicitBytes = java.nio.file.Files.readAllBytes(TestFiles.resource("corpus/ct16.implicit-le.dcm"));
        int dataStart = 132 + 12 + (int) implicitFile.meta().getLongs(Tag.FileMetaInformationGroupLength)[0];
        // explicit VR little endian declared, implicit VR data
        byte[] lying = concat(new byte[128], "DICM".getBytes(StandardCharsets.US_ASCII),
                DicomWriter.metaGroup(implicitFile.dataset()),
                java.util.Arrays.copyOfRange(implicitBytes, dataStart, implicitBytes.length));
        DicomFile read = DicomReader.defaults().read(lying, "lying.dcm");
        assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, read.transferSyntaxUid());
        assertEquals(implicitFile.dataset(), read.dataset());

        // implicit VR declared (same length UID, NUL padded), explicit VR data
        byte[] explicitBytes = java.nio.file.Files.readAllBytes(TestFiles.resource("corpus/ct16.explicit-le.dcm"));
        DicomFile explicitFile = DicomFile.read(TestFiles.resource("corpus/ct16.explicit-le.dcm"));
        String text = new String(explicitBytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("1.2.840.10008.1.2.1\0");
        byte[] patched = explicitBytes.clone();
        System.arraycopy("1.2.840.10008.1.2\0\0\0".getBytes(StandardCharsets.US_ASCII), 0, patched, at, 20);
        DicomFile read2 = DicomReader.defaults().read(patched, "lying2.dcm");
        assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, read2.transferSyntaxUid());
        assertEquals(explicitFile.dataset(), read2.dataset());
    }
}
