package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.DicomReader;

/**
 * {@link HeadReads}, the batched reads of files' heads through io_uring: the library is built and loads wherever
 * the build had a C compiler, and what a batch reads is, byte for byte, what {@code InputStream.readNBytes} reads
 * from the file's start, for the real planning-system files of public-rt and for files of random sizes around the
 * buffer's edges; a file that cannot be read or passed is reported as such, for the scan to read the ordinary way.
 */
class HeadReadsTest {
    private static final int STRIDE = DicomReader.HEADER_READ_BYTES;

    @TempDir
    Path tmp;

    /**
     * Guards the build: a machine with a C compiler and the JDK's headers (every CI run: scripts/setup.sh installs
     * gcc) must have built and be able to load the library, or the scan would fall back to threads unnoticed.
     */
    @Test
    void theLibraryIsBuiltWhereverACompilerIs() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux"));
        assumeTrue(List.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch")));
        boolean compiler = new ProcessBuilder("sh", "-c", "command -v \"${CC:-cc}\"").start().waitFor() == 0;
        boolean headers = Files.isRegularFile(Path.of(System.getProperty("java.home"), "include", "jni.h"));
        assumeTrue(compiler && headers && !"off".equals(System.getenv("RTSITE_NATIVE")),
                "no C compiler or JDK headers: the library is not built here");
        assertNull(HeadReads.unavailable(), "the native reads did not load");
    }

    /** Rings for a test, or the test is skipped where the kernel refuses them (old kernel, seccomp, sysctl). */
    private static HeadReads rings(int count, int batch) {
        HeadReads h = HeadReads.open(count, batch, STRIDE);
        assumeTrue(h != null, "io_uring not available here: " + HeadReads.unavailable());
        return h;
    }

    private static byte[] head(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    /** Reads the files in batches; checks each head against readNBytes, returns the results. */
    private static int[] readAndCheck(HeadReads heads, List<Path> files) throws Exception {
        int[] all = new int[files.size()];
        for (int from = 0; from < files.size(); from += heads.batch()) {
            List<Path> batch = files.subList(from, Math.min(files.size(), from + heads.batch()));
            int[] lengths = new int[batch.size()];
            byte[][] buffers = new byte[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                long size = Files.isRegularFile(batch.get(i)) ? Files.size(batch.get(i)) : 0;
                lengths[i] = (int) Math.max(1, Math.min(size + 3, STRIDE)); // asks past the end of small files
                buffers[i] = new byte[STRIDE];
                Arrays.fill(buffers[i], (byte) 0x5A);
            }
            int[] got = heads.read(batch, lengths, buffers);
            assertNotNull(got, "the batch failed as a whole");
            for (int i = 0; i < batch.size(); i++) {
                Path f = batch.get(i);
                all[from + i] = got[i];
                if (Files.isRegularFile(f) && Files.isReadable(f)) {
                    byte[] expected = head(f, lengths[i]);
                    assertEquals(expected.length, got[i], f.toString());
                    assertArrayEquals(expected, Arrays.copyOf(buffers[i], got[i]), f.toString());
                } else {
                    assertTrue(got[i] < 0, f + ": " + got[i]);
                }
            }
        }
        return all;
    }

    @Test
    void headsOfTheRealPlanningSystemFilesAreTheirFirstBytes() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String corpus : List.of("public-rt", "archive-public-rt")) {
            try (Stream<Path> s = Files.walk(DicomArchivePublicRtTest.resource(corpus))) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() > 30, "files: " + files.size());
        assertTrue(files.stream().anyMatch(f -> f.toFile().length() > STRIDE), "some file larger than a head");
        try (HeadReads heads = rings(2, 16)) {
            int[] got = readAndCheck(heads, files);
            assertTrue(Arrays.stream(got).allMatch(r -> r >= 0), Arrays.toString(got));
        }
    }

    @Test
    void filesOfAnySizeMissingFilesAndFoldersInOneBatch() throws Exception {
        try (HeadReads heads = rings(1, 16)) {
            int[] edges = {0, 1, 255, 256, 257, 4095, 4096, 4097, STRIDE - 1, STRIDE, STRIDE + 1, 3 * STRIDE};
            Random random = new Random(7);
            qt().withExamples(40).forAll(lists().of(integers().between(0, edges.length + 1)).ofSizeBetween(1, 16))
                    .checkAssert(kinds -> {
                        try {
                            Path dir = Files.createTempDirectory(tmp, "batch");
                            List<Path> files = new ArrayList<>();
                            for (int k = 0; k < kinds.size(); k++) {
                                int kind = kinds.get(k);
                                Path f = dir.resolve("f" + k + ".dcm");
                                if (kind == edges.length) {
                                    files.add(f); // missing: ENOENT
                                } else if (kind == edges.length + 1) {
                                    files.add(Files.createDirectory(f)); // a folder: EISDIR
                                } else {
                                    byte[] bytes = new byte[edges[kind] + (kind == 0 ? 0 : random.nextInt(3))];
                                    random.nextBytes(bytes);
                                    files.add(Files.write(f, bytes));
                                }
                            }
                            int[] got = readAndCheck(heads, files);
                            for (int k = 0; k < kinds.size(); k++) {
                                if (kinds.get(k) == edges.length) {
                                    assertEquals(-2, got[k], "ENOENT");
                                } else if (kinds.get(k) == edges.length + 1) {
                                    assertEquals(-21, got[k], "EISDIR");
                                }
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
        }
    }

    @Test
    void namesThatCannotBePassedAreLeftToTheOrdinaryRead() throws Exception {
        ByteBuffer names = ByteBuffer.allocate(4 * 4096);
        assertTrue(HeadReads.appendName(names, Path.of("/a/b.dcm"), HeadReads.nameEncoder()));
        assertEquals("/a/b.dcm\0".length(), names.position());
        assertFalse(HeadReads.appendName(names, Path.of("/a/" + "x".repeat(5000)), HeadReads.nameEncoder()));
        assertEquals("/a/b.dcm\0".length(), names.position(), "nothing appended");
        try (HeadReads heads = rings(1, 4)) {
            Path plain = Files.write(tmp.resolve("plain.dcm"), new byte[] {1, 2, 3});
            // no file: a name of PATH_MAX bytes or more cannot be passed to open(2), and is not
            Path tooLong = Path.of("/" + "x".repeat(5000));
            byte[][] buffers = {new byte[STRIDE], new byte[STRIDE]};
            int[] got = heads.read(List.of(plain, tooLong), new int[] {256, 256}, buffers);
            assertEquals(3, got[0]);
            assertEquals(HeadReads.NOT_READ, got[1], "a name longer than PATH_MAX is not passed");
            // a name in the platform's charset (UTF-8 where the JVM runs with a UTF-8 locale) reads as any other
            Path accented;
            try {
                accented = Files.write(tmp.resolve("Tümör-ß.dcm"), new byte[] {9, 8, 7, 6});
            } catch (java.nio.file.InvalidPathException e) {
                return; // this JVM's file name charset cannot hold it: nothing to pass
            }
            got = heads.read(List.of(accented), new int[] {256}, buffers);
            assertTrue(got[0] == 4 || got[0] == HeadReads.NOT_READ, "got " + got[0]);
            if (got[0] == 4) {
                assertArrayEquals(new byte[] {9, 8, 7, 6}, Arrays.copyOf(buffers[0], 4));
            }
        }
    }

    @Test
    void aClosedReaderReadsNothing() throws Exception {
        HeadReads heads = rings(2, 4);
        heads.close();
        heads.close(); // twice is harmless
        Path f = Files.write(tmp.resolve("f.dcm"), new byte[] {1});
        assertNull(heads.read(List.of(f), new int[] {256}, new byte[][] {new byte[STRIDE]}));
    }
}
