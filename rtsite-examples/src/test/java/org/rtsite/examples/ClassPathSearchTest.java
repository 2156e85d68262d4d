package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short command must not search the whole class path: every lookup of a class or resource that no jar has
 * (picocli's probe for Groovy closures, slf4j-simple's properties file, SLF4J's and {@code DriverManager}'s
 * service scans) opens every jar of the command line, the 100-250 MB engine jars among them, and cost an
 * {@code index} run 50-80 ms of its start (docs/PERFORMANCE.md, "Indexing, eleventh round"). The CLI runs in
 * a JVM of its own whose class path, jars as the launcher gives it, ends with an empty jar: the JVM's own log
 * of the jars it opens must never name that last one.
 */
class ClassPathSearchTest {

    private static final Path PUBLIC_RT = Path.of("..", "rtsite-dicom", "src", "test", "resources", "public-rt")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void indexAndVersionOpenNoJarTheyNeedNothingFrom() throws Exception {
        Path last = tmp.resolve("zz-last-on-the-class-path.jar");
        new JarOutputStream(Files.newOutputStream(last)).close();
        String cp = LauncherCdsTest.jarClasspath(tmp.resolve("jars")) + File.pathSeparator + last;

        String index = run(cp, "index", PUBLIC_RT.toString(), "--db", tmp.resolve("i.db").toString(),
                "--report", tmp.resolve("report").toString(), "--no-progress");
        assertTrue(Files.isRegularFile(tmp.resolve("report/linkage.json")), index);
        String version = run(cp, "--version");
        for (String log : List.of(index, version)) {
            assertTrue(log.contains("Opening "), "the JVM's class path log is on: " + log);
            assertFalse(log.contains(last.getFileName().toString()), "a lookup searched the whole class path:\n"
                    + log);
        }

        // and the switches say nothing on the console (SLF4J announces a provider named by property at INFO)
        Path err = tmp.resolve("quiet.err");
        Process quiet = new ProcessBuilder(java(), "-cp", cp, RtsiteCli.class.getName(), "index", PUBLIC_RT.toString(),
                "--db", tmp.resolve("q.db").toString(), "--report", tmp.resolve("q").toString(), "--no-progress")
                .redirectOutput(tmp.resolve("quiet.out").toFile()).redirectError(err.toFile()).start();
        assertTrue(quiet.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, quiet.exitValue());
        assertEquals("", Files.readString(err));

        // the check can fail: a class no jar has (here as a main class) opens the last jar too
        String probe = runMain(cp, "org.fusesource.jansi.AnsiConsole");
        assertTrue(probe.contains(last.getFileName().toString()), probe);
    }

    /** The CLI in a JVM of its own with the class path log on; returns stdout and stderr. */
    private String run(String cp, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Dsun.misc.URLClassPath.debug=true", "-cp", cp,
                RtsiteCli.class.getName()));
        cmd.addAll(List.of(args));
        return exec(cmd, false);
    }

    /** A JVM asked to load {@code className} by name (missing: every jar is searched). */
    private String runMain(String cp, String className) throws IOException, InterruptedException {
        return exec(List.of(java(), "-Dsun.misc.URLClassPath.debug=true", "-cp", cp, className), true);
    }

    private String exec(List<String> cmd, boolean mayFail) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "run", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        String log = Files.readString(out);
        if (!mayFail) {
            assertEquals(0, p.exitValue(), log);
        }
        return log;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
