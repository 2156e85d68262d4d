package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DicomDatasetTest {

    @Test
    void typedAccessorsOverEveryValueKind() {
        DicomDataset item = DicomDataset.builder().putInts(Tag.ROINumber, VR.IS, 7).build();
        DicomDataset ds = DicomDataset.builder()
                .putString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL")
                .putDoubles(Tag.ImagePositionPatient, VR.DS, -250.5, 12, 1e-7)
                .putInts(Tag.Rows, VR.US, 512)
                .putInts(Tag.PixelRepresentation, VR.US, 65535)
                .putInts(Tag.InstanceNumber, VR.IS, -3)
                .putDoubles(Tag.DoseGridScaling, VR.DS, 3.0517578125e-5)
                .putDoubles(0x00189310, VR.FD, 1.5, -2.25)
                .putDoubles(0x00181181, VR.FL, 0.5f)
                .putInts(0x00181180, VR.SS, -32768)
                .putInts(0x00280008, VR.IS, 3)
                .putBytes(0x00280120, VR.OB, new byte[] {1, 2, 3})
                .putSequence(Tag.StructureSetROISequence, List.of(item, item))
                .build();
        assertArrayEquals(new String[] {"ORIGINAL", "PRIMARY", "AXIAL"}, ds.getStrings(Tag.ImageType));
        assertEquals("ORIGINAL", ds.getString(Tag.ImageType));
        assertArrayEquals(new double[] {-250.5, 12, 1e-7}, ds.getDoubles(Tag.ImagePositionPatient));
        assertEquals(512, ds.getInt(Tag.Rows, 0));
        assertEquals(65535, ds.requireInt(Tag.PixelRepresentation));
        assertEquals(-3, ds.getInt(Tag.InstanceNumber, 0));
        assertEquals(3.0517578125e-5, ds.requireDouble(Tag.DoseGridScaling));
        assertArrayEquals(new double[] {1.5, -2.25}, ds.getDoubles(0x00189310));
        assertArrayEquals(new double[] {0.5}, ds.getDoubles(0x00181181));
        assertEquals(-32768, ds.getInt(0x00181180, 0));
        assertArrayEquals(new byte[] {1, 2, 3}, ds.getBytes(0x00280120));
        assertEquals(2, ds.getSequence(Tag.StructureSetROISequence).size());
        assertEquals(7, ds.getItem(Tag.StructureSetROISequence).requireInt(Tag.ROINumber));
        assertNull(ds.getString(Tag.PatientID));
        assertEquals(42, ds.getInt(Tag.Columns, 42));
        assertEquals(0, ds.getDoubles(Tag.PixelSpacing).length);
        assertTrue(ds.getSequence(Tag.BeamSequence).isEmpty());
    }

    @Test
    void missingOrBadValuesNameTheTag() {
        DicomDataset ds = DicomDataset.builder().putString(Tag.SliceThickness, VR.DS, "3.0mm").build();
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> ds.getDoubles(Tag.SliceThickness));
        assertTrue(e.getMessage().contains("(0018,0050)") && e.getMessage().contains("3.0mm"), e.getMessage());
        DicomFormatException m = assertThrows(DicomFormatException.class, () -> ds.requireInt(Tag.Rows));
        assertTrue(m.getMessage().contains("Rows") && m.getMessage().contains("(0028,0010)"), m.getMessage());
    }

    @Test
    void nonAsciiTextGetsUtf8AndSpecificCharacterSet() {
        DicomDataset ds = DicomDataset.builder().putString(Tag.PatientName, VR.PN, "Müller^Jürgen=山田^太郎").build();
        assertEquals("ISO_IR 192", ds.getString(Tag.SpecificCharacterSet));
        assertEquals(StandardCharsets.UTF_8, ds.charset());
        assertEquals("Müller^Jürgen=山田^太郎", ds.getString(Tag.PatientName));
        DicomDataset latin = DicomDataset.builder().putString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100")
                .putString(Tag.StudyDescription, VR.LO, "Tête et cou").build();
        assertArrayEquals("Tête et cou ".getBytes(StandardCharsets.ISO_8859_1), latin.getBytes(Tag.StudyDescription));
        assertEquals("Tête et cou", latin.getString(Tag.StudyDescription));
    }

    @Test
    void decimalStringsFitSixteenCharacters() {
        for (double v : new double[] {Math.PI, -1.0 / 3, 1e-300, 123456789012345678.0, -0.000123456789, 100, 0}) {
            String s = DicomDataset.formatDecimalString(Tag.SliceThickness, v);
            assertTrue(s.length() <= 16, s);
            assertEquals(v, Double.parseDouble(s), Math.abs(v) * 1e-9, s);
        }
        assertEquals("100", DicomDataset.formatDecimalString(0, 100));
    }

    @Test
    void tagConstantsMatchTheDictionary() throws IllegalAccessException {
        for (java.lang.reflect.Field f : Tag.class.getFields()) {
            int tag = f.getInt(null);
            if (Tag.group(tag) != 0xFFFE) {
                assertEquals(f.getName(), DataDictionary.keywordOf(tag), f.getName());
            }
        }
        assertEquals(VR.SQ, DataDictionary.vrOf(Tag.ROIContourSequence));
        assertEquals(VR.OW, DataDictionary.vrOf(0x60023000)); // repeating overlay group
        assertEquals(VR.UL, DataDictionary.vrOf(0x30060000));
        assertEquals(VR.LO, DataDictionary.vrOf(0x00090010));
        assertEquals(VR.UN, DataDictionary.vrOf(0x00091001));
    }

    /**
     * The reader's tag → VR table is read straight from the resource's bytes, apart from the entries with their
     * keywords: for every line of dictionary.tsv (parsed here on its own) both give the line's VR, the repeating
     * groups' entries apply to every even group of their range, and unknown or private tags have none.
     */
    @Test
    void vrTableAgreesWithEveryDictionaryLine() throws java.io.IOException {
        int lines = 0;
        try (java.io.InputStream in = DataDictionary.class.getResourceAsStream("dictionary.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                VR vr = VR.valueOf(f[1]);
                if (f[0].contains("xx")) {
                    for (String groupByte : new String[] {"00", "02", "1e", "fe"}) {
                        int tag = (int) Long.parseLong(f[0].replace("xx", groupByte), 16);
                        assertEquals(vr, DataDictionary.knownVr(tag), line);
                        assertEquals(vr, DataDictionary.vrOf(tag), line);
                        assertEquals(vr, DataDictionary.lookup(tag).vr(), line);
                    }
                    int odd = (int) Long.parseLong(f[0].replace("xx", "01"), 16);
                    assertEquals(DataDictionary.lookup(odd) == null ? null : DataDictionary.lookup(odd).vr(),
                            DataDictionary.knownVr(odd), line);
                } else {
                    int tag = (int) Long.parseLong(f[0], 16);
                    assertEquals(vr, DataDictionary.knownVr(tag), line);
                    assertEquals(vr, DataDictionary.lookup(tag).vr(), line);
                    assertEquals(f[2], DataDictionary.lookup(tag).keyword(), line);
                }
                lines++;
            }
        }
        assertTrue(lines > 4900, "dictionary lines: " + lines);
        assertNull(DataDictionary.knownVr(0x00091001)); // private
        assertNull(DataDictionary.knownVr(0x00091002));
        assertNull(DataDictionary.knownVr(0x7FE10010)); // odd group
        assertNull(DataDictionary.knownVr(0x0008FFF0)); // unknown public
        assertNull(DataDictionary.lookup(0x0008FFF0));
        assertEquals(VR.LO, DataDictionary.vrOf(0x00090010));
        assertEquals(VR.UN, DataDictionary.vrOf(0x0008FFF0));
    }

    /**
     * getStrings splits only values holding a backslash; the result must be what splitting every value gives
     * (each part trimmed of leading spaces and trailing spaces/NULs), for any text.
     */
    @Test
    void stringValuesAsSplittingEveryValueGives() {
        java.util.Random rnd = new java.util.Random(20261206L);
        char[] alphabet = {'1', '.', '-', 'A', ' ', ' ', '\\', '\0', 'e'};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int len = rnd.nextInt(12);
            for (int i = 0; i < len; i++) {
                text.append(alphabet[rnd.nextInt(alphabet.length)]);
            }
            String t = text.toString();
            VR vr = n % 2 == 0 ? VR.LO : VR.DS;
            DicomDataset ds = DicomDataset.builder().putBytes(Tag.SeriesDescription, vr,
                    t.getBytes(StandardCharsets.ISO_8859_1)).build();
            String[] expected = t.isEmpty() ? new String[0] : t.split("\\\\", -1);
            for (int i = 0; i < expected.length; i++) {
                String p = expected[i];
                int end = p.length();
                while (end > 0 && (p.charAt(end - 1) == ' ' || p.charAt(end - 1) == '\0')) {
                    end--;
                }
                expected[i] = p.substring(0, end).stripLeading();
            }
            assertArrayEquals(expected, ds.getStrings(Tag.SeriesDescription), "value '" + t + "' as " + vr);
        }
    }
}
