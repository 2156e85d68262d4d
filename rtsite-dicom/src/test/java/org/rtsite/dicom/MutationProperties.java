package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of corruptions of valid files (byte flips, absurd length fields, truncation,
 * deleted and duplicated slices): reading, decoding every frame and dumping must either succeed
 * or raise {@link DicomFormatException} naming the source, quickly; never another exception,
 * never an out-of-memory, never a hang.
 */
class MutationProperties {

    private static final String[] SEEDS = {
        "public-rt/pydicom_rt/rtplan.dcm",
        "public-rt/pydicom_rt/rtstruct.dcm",
        "public-rt/pydicom_rt/rtdose.dcm",
        "public-rt/pydicom_rt/rtdose_expb.dcm",
        "public-rt/pydicom_rt/rtdose_rle.dcm",
        "public-rt/pydicom_rt/CT_small.dcm",
        "public-rt/rt-utils_mock/mock_data/rt.dcm",
        "public-rt/pymedphys_plans/24mm_x_20mm_rectangle.dcm",
    };

    private static final List<byte[]> FILES = new ArrayList<>();

    static {
        for (String s : SEEDS) {
            try {
                FILES.add(Files.readAllBytes(TestFiles.resource(s)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        FILES.addAll(CorpusSeeds.extra());
    }

    private static final long[] ABSURD = {0xFFFFFFFFL, 0xFFFFFFFEL, 0x7FFFFFFFL, 0x80000000L, 0x7FFFFFF8L, 0x10000L,
        0x1001L, 1, 3, 0};

    static byte[] mutate(byte[] original, long seed) {
        Random r = new Random(seed);
        byte[] b = original.clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds && b.length > 8; k++) {
            int at = r.nextBoolean() ? r.nextInt(Math.min(b.length, 1024)) : r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> {
                    int n = 1 + r.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        b[r.nextBoolean() ? at : r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                case 2 -> {
                    long v = r.nextInt(3) == 0 ? r.nextInt() & 0xFFFFFFFFL : ABSURD[r.nextInt(ABSURD.length)];
                    for (int i = 0; i < 4 && at + i < b.length; i++) {
                        b[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> {
                    int v = r.nextInt(3) == 0 ? 0xFFFF : r.nextInt(0x10000);
                    for (int i = 0; i < 2 && at + i < b.length; i++) {
                        b[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    /** Everything a user would do with a file; returns normally or throws DicomFormatException. */
    static void exercise(byte[] data, String name, boolean asStream) {
        DicomReader reader = DicomReader.defaults().withPrivateElements(true);
        DicomFile f = asStream ? reader.read(new ByteArrayInputStream(data), name) : reader.read(data, name);
        if (f.dataset().contains(Tag.PixelData)) {
            PixelData pd = f.pixelData();
            for (int i = 0; i < pd.numberOfFrames(); i++) {
                pd.frame(i);
            }
        }
        DicomDump.withMaxValues(4).dump(f);
        for (DicomElement e : f.dataset().elements()) {
            f.dataset().getStrings(e.tag());
        }
    }

    @Test
    void corruptedFilesFailCleanly() {
        int[] outcomes = new int[2];
        qt().withFixedSeed(20261123L).withExamples(15000).forAll(integers().between(0, FILES.size() - 1), longs().all())
                .checkAssert((index, seed) -> {
                    byte[] bad = mutate(FILES.get(index), seed);
                    String name = "seed" + index + "-" + seed;
                    long t0 = System.nanoTime();
                    try {
                        exercise(bad, name, (seed & 1) == 0);
                        outcomes[0]++;
                    } catch (DicomFormatException e) {
                        outcomes[1]++;
                        assertTrue(e.getMessage().startsWith(name), e.getMessage());
                        assertEquals(name, e.source().replace(" (inflated)", ""));
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 5_000, name + " took " + ms + " ms");
                });
        // the corruptions must actually hit: both outcomes occur often
        assertTrue(outcomes[0] > 300 && outcomes[1] > 300, "read " + outcomes[0] + ", rejected " + outcomes[1]);
    }

    @Test
    void unmutatedSeedsRead() {
        int read = 0;
        for (int i = 0; i < FILES.size(); i++) {
            for (boolean stream : new boolean[] {false, true}) {
                try {
                    exercise(FILES.get(i), "seed" + i, stream);
                    read++;
                } catch (UnsupportedTransferSyntaxException e) {
                    assertEquals(TransferSyntax.JPEG_LS_LOSSLESS, e.transferSyntaxUid()); // the one undecodable seed
                }
            }
        }
        assertEquals(2 * FILES.size() - 2, read);
    }
}
