package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data-sharing part of the {@code ./rtsite} launcher ({@code scripts/java-cds.sh}), driven as the
 * launcher drives it: the CLI on a classpath of jars, a real DICOM file from the public catalogue. The first
 * run of a command dumps an archive, the next one maps it (the JVM's class-load log says where
 * {@code RtsiteCli} came from), and a stale or corrupt archive changes nothing the user sees.
 */
class LauncherCdsTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "java-cds.sh").toAbsolutePath().normalize();
    private static final Path DICOM = Path.of("..", "rtsite-dicom", "src", "test", "resources", "public-rt",
            "dicompyler-core_example", "rtplan.dcm").toAbsolutePath().normalize();
    private static final String FROM_ARCHIVE = "org.rtsite.examples.RtsiteCli source: shared objects file";

    @TempDir
    Path tmp;

    @Test
    void firstRunDumpsTheArchiveLaterRunsMapItAndStaleOrCorruptArchivesAreIgnored() throws Exception {
        assumeTrue(CliProcess.available("bash") && Files.isRegularFile(SCRIPT), "bash and " + SCRIPT);
        String cp = jarClasspath(tmp.resolve("jars"));
        Path cds = tmp.resolve("cds");

        Run first = run(cds, cp, "t1", "dump", "--header-only", DICOM.toString());
        assertEquals(0, first.exit, first.err);
        assertTrue(first.out.contains("RTPLAN") || first.out.contains("1.2.840.10008.5.1.4.1.1.481.5"), first.out);
        assertTrue(Files.size(cds.resolve("dump.jsa")) > 100_000, "archive dumped by the first run");
        assertTrue(Files.isRegularFile(cds.resolve("dump.key")));
        assertFalse(first.classLog.contains(FROM_ARCHIVE), "the training run loads from jars");

        Run second = run(cds, cp, "t2", "dump", "--header-only", DICOM.toString());
        assertEquals(0, second.exit, second.err);
        assertEquals(first.out, second.out);
        assertTrue(second.classLog.contains(FROM_ARCHIVE), "the second run maps the archive");
        // picocli is Java 5 bytecode, which only a static archive holds (a dynamic one verified it in every run)
        assertTrue(second.classLog.contains("picocli.CommandLine source: shared objects file"), "picocli archived");

        // another command trains an archive of its own and leaves dump's alone
        Run version = run(cds, cp, "v", "--version");
        assertEquals("rtsite 0.1.0-SNAPSHOT", version.out.strip());
        assertTrue(Files.isRegularFile(cds.resolve("default.jsa")));

        // a jar of the classpath changed (a rebuild): the key no longer matches, the archive is made again
        long before = Files.getLastModifiedTime(cds.resolve("dump.jsa")).toMillis();
        Path app = Path.of(cp.split(File.pathSeparator)[0]);
        try (OutputStream o = Files.newOutputStream(app, java.nio.file.StandardOpenOption.APPEND)) {
            o.write(new byte[0]); // content kept; size and time are what the key digests
        }
        Files.setLastModifiedTime(app, java.nio.file.attribute.FileTime.fromMillis(before + 60_000));
        Run stale = run(cds, cp, "t3", "dump", "--header-only", DICOM.toString());
        assertEquals(0, stale.exit, stale.err);
        assertEquals(first.out, stale.out);
        assertEquals("", stale.err);
        assertFalse(stale.classLog.contains(FROM_ARCHIVE), "a stale archive is not used");
        Run fourth = run(cds, cp, "t4", "dump", "--header-only", DICOM.toString());
        assertTrue(fourth.classLog.contains(FROM_ARCHIVE), "the archive made again is used");

        // garbage under a matching key: the JVM refuses to map it, quietly, and the command runs as always
        Path jsa = cds.resolve("dump.jsa");
        Files.delete(jsa);
        Files.write(jsa, "not a class-data archive".repeat(5000).getBytes(StandardCharsets.US_ASCII));
        Run corrupt = run(cds, cp, "t5", "dump", "--header-only", DICOM.toString());
        assertEquals(0, corrupt.exit, corrupt.err);
        assertEquals(first.out, corrupt.out);
        assertEquals("", corrupt.err);
        assertFalse(corrupt.classLog.contains(FROM_ARCHIVE));
    }

    @Test
    void anArchiveThatCannotBeMadeMeansRunsWithoutArchive() throws Exception {
        assumeTrue(CliProcess.available("bash") && Files.isRegularFile(SCRIPT), "bash and " + SCRIPT);
        String cp = jarClasspath(tmp.resolve("jars"));
        Path blocker = Files.writeString(tmp.resolve("file"), "a file where the archive folder should be");
        Run r = run(blocker.resolve("cds"), cp, "x", "--version");
        assertEquals(0, r.exit, r.err);
        assertEquals("rtsite 0.1.0-SNAPSHOT", r.out.strip());
        assertEquals("", r.err);

        // options under which the JVM cannot dump an archive (it would refuse to start): run without one
        Path cds = tmp.resolve("cds-off");
        Run off = run(cds, cp, "off", Map.of("RTSITE_JAVA_OPTS", "-Xshare:off"), "--version");
        assertEquals(0, off.exit, off.err);
        assertEquals("rtsite 0.1.0-SNAPSHOT", off.out.strip());
        assertEquals("", off.err);
        assertFalse(Files.exists(cds.resolve("default.jsa")));
    }

    private record Run(int exit, String out, String err, String classLog) {
    }

    private Run run(Path cds, String cp, String name, String... args) throws IOException, InterruptedException {
        return run(cds, cp, name, Map.of(), args);
    }

    private Run run(Path cds, String cp, String name, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path log = tmp.resolve(name + ".classes");
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), cds.toString(), cp,
                RtsiteCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("RTSITE_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        pb.environment().remove("RTSITE_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err),
                Files.exists(log) ? Files.readString(log) : "");
    }

    /**
     * The test's own classpath as the launcher has it, jars only: class folders of the reactor's modules are
     * packed into jars first (test classes are left out; the CLI does not need them).
     */
    static String jarClasspath(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && !p.endsWith("test-classes")) {
                Path jar = dir.resolve("classes-" + (i++) + ".jar");
                pack(p, jar);
                // the CLI's own classes first, as in the launcher
                if (Files.exists(p.resolve("org/rtsite/examples/RtsiteCli.class"))) {
                    out.add(0, jar.toString());
                } else {
                    out.add(jar.toString());
                }
            } else if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                out.add(p.toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static void pack(Path classes, Path jar) throws IOException {
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }
}
