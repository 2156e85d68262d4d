package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dcmtk-made corpus (scripts/make-corpus.sh): each file in each transfer syntax is read and
 * compared element by element, value by value, nested items included, with dcmdump's recorded
 * view of it; and its decoded frames equal those of the explicit VR little endian original.
 */
class CorpusTest {

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> s = Files.list(TestFiles.resource("corpus"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dcm")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsWhatDcmdumpReads(String name) {
        Path file = TestFiles.resource("corpus/" + name);
        DcmdumpOracle.Dump dump = DcmdumpOracle.parse(file.resolveSibling(name.replace(".dcm", ".dcmdump")));
        DicomFile f = DicomReader.defaults().withPrivateElements(true).read(file);
        compare(dump.meta(), f.meta(), name + " meta");
        compare(dump.dataset(), f.dataset(), name);
    }

    /** Corpus variants whose pixel data rtsite decodes exactly like the original. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void framesEqualTheOriginal(String name) {
        Path file = TestFiles.resource("corpus/" + name);
        String base = name.substring(0, name.indexOf('.'));
        DicomFile original = DicomFile.read(file.resolveSibling(base + ".explicit-le.dcm"));
        DicomFile f = DicomFile.read(file);
        if (!original.dataset().contains(Tag.PixelData)) {
            return;
        }
        PixelData expected = original.pixelData();
        PixelData actual = f.pixelData();
        assertEquals(expected.numberOfFrames(), actual.numberOfFrames());
        for (int i = 0; i < expected.numberOfFrames(); i++) {
            byte[] want = expected.frame(i);
            java.nio.ByteBuffer view = expected.frameBuffer(i);
            byte[] viewed = new byte[view.remaining()];
            view.get(viewed);
            assertArrayEquals(want, viewed, "frameBuffer " + i);
            assertTrue(view.isReadOnly());
            if (name.contains("jpeg-baseline")) {
                byte[] got = actual.frame(i);
                assertEquals(want.length, got.length);
                int worst = 0;
                for (int k = 0; k < want.length; k++) {
                    worst = Math.max(worst, Math.abs((want[k] & 0xFF) - (got[k] & 0xFF)));
                }
                assertTrue(worst <= 8, "lossy JPEG error " + worst + " grey levels");
            } else {
                byte[] got = decodable(name, actual, i);
                if (got != null) {
                    assertArrayEquals(want, got, name + " frame " + i);
                }
            }
        }
    }

    /** JPEG-LS is not decodable in pure Java here: it must fail naming the syntax and file (then null). */
    private static byte[] decodable(String name, PixelData pd, int frame) {
        if (!name.contains("jpeg-ls")) {
            return pd.frame(frame);
        }
        try {
            pd.frame(frame);
            fail("JPEG-LS decoded unexpectedly; update the test");
        } catch (UnsupportedTransferSyntaxException e) {
            assertEquals(TransferSyntax.JPEG_LS_LOSSLESS, e.transferSyntaxUid());
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("1.2.840.10008.1.2.4.80"), e.getMessage());
        }
        return null;
    }

    static void compare(List<DcmdumpOracle.Node> expected, DicomDataset actual, String where) {
        List<Integer> expectedTags = expected.stream().map(DcmdumpOracle.Node::tag).toList();
        List<Integer> actualTags = actual.elements().stream().map(DicomElement::tag).toList();
        assertEquals(expectedTags.stream().map(Tag::toString).toList(), actualTags.stream().map(Tag::toString).toList(),
                where + ": tags");
        for (DcmdumpOracle.Node n : expected) {
            DicomElement e = actual.get(n.tag());
            String at = where + " " + Tag.toString(n.tag());
            assertEquals(n.vr(), e.vr().name(), at + " VR");
            compareValue(n, actual, e, at);
        }
    }

    private static void compareValue(DcmdumpOracle.Node n, DicomDataset ds, DicomElement e, String at) {
        String v = n.value();
        if (e.isSequence()) {
            assertEquals(n.items().size(), e.items().size(), at + " items");
            for (int i = 0; i < n.items().size(); i++) {
                compare(n.items().get(i), e.items().get(i), at + " item " + (i + 1));
            }
            return;
        }
        if (e.isEncapsulated()) {
            assertEquals(n.items().size(), e.fragmentCount() + 1, at + " fragments");
            assertArrayEquals(hexBytes(n.items().get(0).get(0).value()), e.basicOffsetTable(), at + " offset table");
            for (int i = 0; i < e.fragmentCount(); i++) {
                assertArrayEquals(hexBytes(n.items().get(i + 1).get(0).value()), e.fragment(i), at + " fragment " + i);
            }
            return;
        }
        if (v.equals("(no value available)")) {
            assertEquals(0, e.length(), at);
            return;
        }
        switch (e.vr()) {
            case US, SS, UL, SL, SV, UV -> assertArrayEquals(
                    Arrays.stream(v.split("\\\\")).mapToLong(Long::parseLong).toArray(), ds.getLongs(e.tag()), at);
            case FL, FD -> {
                double[] want = Arrays.stream(v.split("\\\\")).mapToDouble(Double::parseDouble).toArray();
                assertArrayEquals(want, ds.getDoubles(e.tag()), e.vr() == VR.FL ? 1e-6 : 1e-15, at);
            }
            case AT -> assertEquals(v, String.join("\\", ds.getStrings(e.tag())).toLowerCase(Locale.ROOT), at);
            case OB, UN -> assertArrayEquals(hexBytes(v), e.bytes(), at);
            case OW -> {
                String[] words = v.split("\\\\");
                byte[] b = e.bytes();
                assertEquals(words.length, b.length / 2, at + " words");
                for (int i = 0; i < words.length; i++) {
                    assertEquals(Integer.parseInt(words[i], 16), (b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8,
                            at + " word " + i);
                }
            }
            default -> {
                assertTrue(e.vr().isString(), at + ": VR " + e.vr() + " not compared");
                assertTrue(v.startsWith("[") && v.endsWith("]"), at + ": " + v);
                String inner = v.substring(1, v.length() - 1);
                // dcmdump prints raw bytes: compare our decoded text re-encoded in the data set's charset
                String ours = String.join("\\", ds.getStrings(e.tag()));
                String oursAsBytes = new String(ours.getBytes(e.vr().usesCharacterSet() ? ds.charset()
                        : StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
                assertEquals(normalize(inner, e.vr()), normalize(oursAsBytes, e.vr()), at);
            }
        }
    }

    private static String normalize(String s, VR vr) {
        String t = s.replace("\r", "").replace("\n", "");
        if (vr.isSingleValuedText()) {
            return t.strip();
        }
        List<String> parts = new ArrayList<>();
        for (String p : t.split("\\\\", -1)) {
            parts.add(p.strip());
        }
        return String.join("\\", parts);
    }

    private static byte[] hexBytes(String v) {
        if (v.equals("(no value available)")) {
            return new byte[0];
        }
        String[] h = v.split("\\\\");
        byte[] b = new byte[h.length];
        for (int i = 0; i < h.length; i++) {
            b[i] = (byte) Integer.parseInt(h[i], 16);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void characterSetsDecodePersonNamesAndDescriptions(String name) {
        DicomDataset ds = DicomFile.read(TestFiles.resource("corpus/" + name)).dataset();
        if (name.startsWith("latin1")) {
            assertEquals(StandardCharsets.ISO_8859_1, ds.charset());
            assertEquals("Gérard^Zoë", ds.getString(Tag.PatientName));
            assertEquals("Tête et cou, première série", ds.getString(Tag.StudyDescription));
            assertEquals("Rétine", ds.getItem(Tag.StructureSetROISequence).getString(Tag.ROIName));
        } else if (name.startsWith("rtstruct")) {
            assertEquals(StandardCharsets.UTF_8, ds.charset());
            assertEquals("Ødegård^Åse=小林^花子", ds.getString(Tag.PatientName));
        } else {
            assertEquals(CharacterSets.DEFAULT, ds.charset()); // default repertoire
            assertEquals("Corpus^Fixture", ds.getString(Tag.PatientName));
        }
    }
}
