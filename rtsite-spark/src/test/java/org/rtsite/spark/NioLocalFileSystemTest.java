package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.SyntheticArchive;

/**
 * {@link NioLocalFileSystem} against Hadoop's own local file system, which sets every mode by starting {@code chmod}:
 * the same files, checksum files, bytes and modes, and a whole {@code rtsite spark classify} run that starts no
 * {@code chmod} at all.
 */
class NioLocalFileSystemTest {

    private static FileSystem fileSystem(Class<? extends LocalFileSystem> impl) throws IOException {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", impl.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return FileSystem.get(URI.create("file:///"), conf);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    /** What Spark's Parquet writers do to a table folder: folders, part files with their checksums, a marker, a chmod. */
    private static void writeTable(FileSystem fs, Path root) throws IOException {
        org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path(root.toUri().toString(), "table");
        fs.mkdirs(new org.apache.hadoop.fs.Path(table, "_temporary/0"), new FsPermission((short) 0755));
        org.apache.hadoop.fs.Path part = new org.apache.hadoop.fs.Path(table, "part-00000.parquet");
        try (FSDataOutputStream out = fs.create(part, new FsPermission((short) 0644), true, 4096, (short) 1, 1 << 20,
                null)) {
            out.write("rows of a plan".getBytes(StandardCharsets.UTF_8));
        }
        fs.create(new org.apache.hadoop.fs.Path(table, "_SUCCESS")).close();
        fs.setPermission(part, new FsPermission((short) 0640));
        fs.mkdirs(new org.apache.hadoop.fs.Path(root.toUri().toString(), "private"), new FsPermission((short) 0700));
    }

    /** Relative path → mode and, for files, content. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String content = Files.isRegularFile(p) ? " " + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                        : "";
                out.put(root.relativize(p).toString(), Integer.toOctalString(mode(p)) + content);
            }
        }
        return out;
    }

    @Test
    void writesTheSameTreeWithTheSameModesAsHadoopsOwnLocalFileSystem(@TempDir Path tmp) throws IOException {
        try (FileSystem hadoops = fileSystem(LocalFileSystem.class); FileSystem ours = fileSystem(NioLocalFileSystem.class)) {
            assertInstanceOf(NioLocalFileSystem.class, ours);
            writeTable(hadoops, Files.createDirectories(tmp.resolve("hadoop")));
            writeTable(ours, Files.createDirectories(tmp.resolve("nio")));
        }
        Map<String, String> expected = tree(tmp.resolve("hadoop"));
        assertTrue(expected.containsKey("table/.part-00000.parquet.crc"), expected.toString());
        assertEquals("640 rows of a plan", expected.get("table/part-00000.parquet"));
        assertEquals(expected, tree(tmp.resolve("nio")));
    }

    @Test
    void everyModeEndsAsChmodSetsIt(@TempDir Path tmp) throws IOException {
        try (FileSystem hadoops = fileSystem(LocalFileSystem.class); FileSystem ours = fileSystem(NioLocalFileSystem.class)) {
            Path a = Files.createFile(tmp.resolve("a"));
            Path b = Files.createFile(tmp.resolve("b"));
            qt().withExamples(40).forAll(integers().between(0, 0777)).checkAssert(m -> {
                try {
                    hadoops.setPermission(new org.apache.hadoop.fs.Path(a.toUri()), new FsPermission(m.shortValue()));
                    ours.setPermission(new org.apache.hadoop.fs.Path(b.toUri()), new FsPermission(m.shortValue()));
                    assertEquals(mode(a), mode(b), Integer.toOctalString(m));
                    assertEquals((int) m, mode(b), Integer.toOctalString(m));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** Java cannot set the sticky bit: such a mode goes Hadoop's way and keeps it. */
    @Test
    void aStickyModeIsLeftToHadoop(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        try (FileSystem ours = fileSystem(NioLocalFileSystem.class)) {
            ours.setPermission(new org.apache.hadoop.fs.Path(dir.toUri()), new FsPermission((short) 01777));
        }
        assertEquals(01777, mode(dir));
    }

    /**
     * {@code rtsite spark classify} in a JVM of its own, as a user starts it, with a {@code chmod} first on the PATH
     * that logs each call: the run writes its tables, index and plans and logs no call. (Hadoop's own local file
     * system starts {@code chmod} for every file it writes: 97 in a 16-plan run.)
     */
    @Test
    void aRunStartsNoChmod(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.generate(root, 2, 1, 7);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("chmod.log");
        Path chmod = bin.resolve("chmod");
        Files.writeString(chmod, "#!/bin/sh\necho \"$@\" >> '" + log + "'\nexec /bin/chmod \"$@\"\n");
        Files.setPosixFilePermissions(chmod, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = tmp.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
                .toList());
        cmd.addAll(List.of(SparkCli.class.getName(), "classify", root.toString(), "--out", out.toString(),
                "--master", "local[1]"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("run.txt").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the run did not end in 5 minutes: " + Files.readString(tmp.resolve("run.txt")));
        }
        String printed = Files.readString(tmp.resolve("run.txt"));
        assertTrue(p.exitValue() == 0 || p.exitValue() == 3, printed);
        assertTrue(Files.isRegularFile(out.resolve("results.json")), printed);
        assertTrue(Files.notExists(log), () -> "chmod was started: " + readQuietly(log));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
