package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.samples.PhantomArchive;

/**
 * Issue 13.6 / 14.7 as a user meets them: {@code rtsite dump}, {@code rt}, {@code index} and
 * {@code classify} on files made by dcmtk, pydicom/zlib and a binary dictionary.
 */
class CodecEdgeCasesCliTest {

    @TempDir
    Path dir;

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    private static boolean pydicom() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import pydicom").redirectErrorStream(true).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private record Run(int exit, String output, long millis) {
    }

    private Run run(List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), Files.readString(log), (System.nanoTime() - t0) / 1_000_000);
    }

    /** The CLI in a child JVM with a small heap, so an allocation the size of the bomb would fail. */
    private Run cli(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-cp", System.getProperty("java.class.path"), RtsiteCli.class.getName()));
        c.addAll(List.of(args));
        return run(c);
    }

    /**
     * A deflate bomb (python zlib, level 9: 1.5 GiB of zeros as Pixel Data in ~1.5 MB) standing in for one
     * plan's dose: {@code dump} and {@code rt} refuse it naming the file and the limit, quickly and under a
     * 160 MB heap; {@code index} and {@code classify} over the archive finish the other plan and store the
     * bomb's plan as failed with that reason.
     */
    @Test
    void deflateBombFailsCleanlyAndNeverStopsABulkRun() throws Exception {
        assumeTrue(pydicom(), "pydicom (python3-pydicom) not installed");
        Path root = dir.resolve("archive");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(root, List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE));
        Path dose = ps.get(1).doseFile();
        Path bomb = dir.resolve("bomb.dcm");
        Run made = run(List.of("/usr/bin/python3", Path.of("../rtsite-dicom/scripts/make-deflate-bomb.py").toAbsolutePath()
                .toString(), dose.toString(), bomb.toString(), "1536"));
        assertEquals(0, made.exit(), made.output());
        assertTrue(Files.size(bomb) < 2_000_000, Files.size(bomb) + " bytes");
        Files.move(bomb, dose, StandardCopyOption.REPLACE_EXISTING);

        for (String command : List.of("dump", "rt")) {
            Run r = cli(command, dose.toString());
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains(dose + " (inflated)") && r.output().contains("goes beyond rtsite's inflation limit of ")
                    && r.output().contains("-Drtsite.dicom.maxInflatedBytes"),
                    r.output());
            assertFalse(r.output().contains("OutOfMemoryError"), r.output());
            assertTrue(r.millis() < 30_000, command + " took " + r.millis() + " ms");
        }

        Path db = dir.resolve("a.db");
        Run index = cli("index", root.toString(), "--db", db.toString(), "--report", dir.resolve("linkage").toString(),
                "--no-progress");
        assertEquals(0, index.exit(), index.output());
        Run classify = cli("classify", "--db", db.toString(), "--out", dir.resolve("out").toString(), "-j", "2",
                "--backend", "cpu", "--no-progress");
        assertEquals(3, classify.exit(), classify.output());
        assertTrue(classify.output().contains("2 plans, 1 classified, 1 failed"), classify.output());
        assertFalse(classify.output().contains("OutOfMemoryError"), classify.output());
        CliRun failed = CliRun.of("report", "--db", db.toString(), "--status", "failed", "--format", "json");
        assertEquals(0, failed.exit(), failed.err());
        assertTrue(failed.out().contains("PHANTOM-prostate") && failed.out().contains(dose.getFileName().toString())
                && failed.out().contains("inflation limit"), failed.out());
        CliRun ok = CliRun.of("report", "--db", db.toString(), "--status", "ok");
        assertTrue(ok.out().contains("PHANTOM-lung-sbrt"), ok.out());
    }

    /**
     * A deflated flood of 3 million one-element items (54 MB inflated, 130 KB on disk): {@code dump} under a
     * 160 MB heap stops with the limit, not with OutOfMemoryError (their heap is charged against it).
     */
    @Test
    void itemFloodInADeflatedFileStopsWithinASmallHeap() throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(body,
                new java.util.zip.Deflater(9, true))) {
            java.nio.ByteBuffer sq = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            sq.putShort((short) 0x3006).putShort((short) 0x0020).put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(-1);
            z.write(sq.array());
            java.nio.ByteBuffer items = java.nio.ByteBuffer.allocate(18 * 10_000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 10_000; i++) {
                items.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(10).putShort((short) 0x3006)
                        .putShort((short) 0x0022).put((byte) 'I').put((byte) 'S').putShort((short) 2).put((byte) '1').put((byte) ' ');
            }
            for (int i = 0; i < 300; i++) {
                z.write(items.array());
            }
        }
        byte[] ts = "1.2.840.10008.1.2.1.99".getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer meta = java.nio.ByteBuffer.allocate(12 + 8 + ts.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        meta.putShort((short) 2).putShort((short) 0).put((byte) 'U').put((byte) 'L').putShort((short) 4).putInt(8 + ts.length);
        meta.putShort((short) 2).putShort((short) 0x10).put((byte) 'U').put((byte) 'I').putShort((short) ts.length).put(ts);
        Path flood = dir.resolve("flood.dcm");
        try (java.io.OutputStream o = Files.newOutputStream(flood)) {
            o.write(new byte[128]);
            o.write("DICM".getBytes(StandardCharsets.US_ASCII));
            o.write(meta.array());
            o.write(body.toByteArray());
        }
        Run r = cli("dump", flood.toString());
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains(flood + " (inflated)") && r.output().contains("would take more memory"), r.output());
        assertFalse(r.output().contains("OutOfMemoryError"), r.output());
    }

    /** dcmtk's explicit VR big endian copy of a 32-bit dose (dcmconv +tb): {@code rt} shows the original's maximum. */
    @Test
    void rtReadsDcmtksBigEndian32BitDoseLikeTheOriginal() throws Exception {
        assumeTrue(onPath("dcmconv"), "dcmtk not installed");
        Path le = dir.resolve("rd.dcm");
        ImageGrid g = ImageGrid.axial(3, 2, 2, 2, 2, 2, new Vec3(0, 0, 0));
        float[] gy = new float[12];
        for (int i = 0; i < gy.length; i++) {
            gy[i] = 70_000f * (i + 1) * 1e-4f; // raw values up to 840 000: both 16-bit halves used
        }
        RtWriter.write(new RtDose("mem", "2.25.3", "P", "2.25.9", "GY", "PHYSICAL", "PLAN", 1e-4, 32, "2.25.1",
                List.of(), List.of(), new DoseVolume(g, gy)), le);
        Path be = dir.resolve("rd-be.dcm");
        Run conv = run(List.of("dcmconv", "+tb", le.toString(), be.toString()));
        assertEquals(0, conv.exit(), conv.output());
        CliRun original = CliRun.of("rt", le.toString());
        CliRun bigEndian = CliRun.of("rt", be.toString());
        assertEquals(0, bigEndian.exit(), bigEndian.err());
        assertTrue(original.out().contains("max 84.0000, 32-bit"), original.out());
        assertTrue(bigEndian.out().contains("max 84.0000, 32-bit"), bigEndian.out());
    }

    /** 14.7: a binary file given as --dictionary names the file and why, not "Input length = 1". */
    @Test
    void binaryDictionaryFileIsNamedWithTheCause() throws Exception {
        Path bin = dir.resolve("regions.csv");
        Files.write(bin, new byte[] {'b', 'r', 'a', 'i', 'n', ',', (byte) 0xC3, 0x28, 0x00, 0x01});
        CliRun r = CliRun.of("classify", dir.resolve("empty").toString(), "--db", dir.resolve("d.db").toString(),
                "--dictionary", bin.toString(), "--backend", "cpu", "--no-progress");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(bin + ": not a UTF-8 text region dictionary (malformed input at byte 6)"), r.err());
        assertFalse(r.err().contains("Input length"), r.err());
    }

    /** 14.7: one CT slice with a NaN ImagePositionPatient (dcmodify): the stored reason names that slice. */
    @Test
    void nanSlicePositionIsTheStoredReason() throws Exception {
        assumeTrue(onPath("dcmodify"), "dcmtk not installed");
        Path root = dir.resolve("archive");
        List<PhantomArchive.Patient> ps = PhantomArchive.write(root, List.of(PhantomScene.PROSTATE));
        Path slice;
        try (Stream<Path> s = Files.list(ps.get(0).ctDir())) {
            List<Path> slices = s.sorted().toList();
            slice = slices.get(slices.size() / 2);
        }
        Run mod = run(List.of("dcmodify", "-nb", "-m", "(0020,0032)=-100\\0\\NaN", slice.toString()));
        assertEquals(0, mod.exit(), mod.output());
        Path db = dir.resolve("n.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--backend", "cpu", "--no-progress");
        assertEquals(3, r.exit(), r.out() + r.err());
        CliRun failed = CliRun.of("report", "--db", db.toString(), "--status", "failed", "--format", "json");
        String json = failed.out();
        assertTrue(json.contains(slice.getFileName().toString()) && json.contains("is not a finite number"), json);
        assertFalse(json.contains("missing 1 slice"), json);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
