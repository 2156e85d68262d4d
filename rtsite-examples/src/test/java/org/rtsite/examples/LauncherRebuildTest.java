package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./rtsite} launcher's rebuild check, run as a user runs it: a git checkout holding the launcher,
 * with {@code mvn} and {@code java} on the PATH replaced by scripts that log their calls (the check is the
 * launcher's; what Maven builds does not matter to it). The launcher builds on its first run and after any
 * change to the checkout — a tracked file edited, a new untracked source file, a commit — and at no other time,
 * whether it is called as {@code ./rtsite}, by its absolute path or by a relative one from another folder; and
 * every JVM it starts gets its allocator settings (one glibc arena, large blocks kept in the heap).
 * (As before this test, the check is git's list of changes: a file edited again while it is already listed as
 * changed or untracked is not seen; docs/PERFORMANCE.md, "Indexing, eighth round".)
 */
class LauncherRebuildTest {

    private static final Path LAUNCHER = Path.of("..", "rtsite").toAbsolutePath().normalize();
    private static final Path CDS_SCRIPT = Path.of("..", "scripts", "java-cds.sh").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void buildsOnTheFirstRunAndAfterEveryChangeOfTheCheckoutOnly() throws Exception {
        assumeTrue(CliProcess.available("bash") && CliProcess.available("git") && Files.isRegularFile(LAUNCHER),
                "bash, git and " + LAUNCHER);
        Path repo = checkout();
        Path src = repo.resolve("rtsite-core/src/main/java/org/rtsite/core");

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path builds = tmp.resolve("builds.log");
        Path runs = tmp.resolve("runs.log");
        // Maven's stand-in makes the module's target folder, where the launcher keeps its stamp
        script(bin.resolve("mvn"), "mkdir -p rtsite-examples/target && echo build >> " + builds);
        // (with the allocator settings the launcher exports for the JVM: docs/inference.md)
        script(bin.resolve("java"), "echo \"arenas=$MALLOC_ARENA_MAX mmap=$MALLOC_MMAP_THRESHOLD_ $*\" >> " + runs);

        assertEquals(1, launch(repo, repo, "./rtsite", bin, builds, runs), "first run builds");
        assertEquals(1, launch(repo, repo, "./rtsite", bin, builds, runs), "nothing changed");
        assertEquals(1, launch(repo, tmp, repo.resolve("rtsite").toString(), bin, builds, runs),
                "by its absolute path from another folder, nothing changed");
        assertEquals(1, launch(repo, tmp, "checkout/rtsite", bin, builds, runs),
                "by a relative path, nothing changed");

        Files.writeString(src.resolve("A.java"), "class A { int x; }\n");
        assertEquals(2, launch(repo, repo, "./rtsite", bin, builds, runs), "a tracked source edited");
        assertEquals(2, launch(repo, tmp, repo.resolve("rtsite").toString(), bin, builds, runs), "built already");

        Files.writeString(src.resolve("B.java"), "class B {}\n");
        assertEquals(3, launch(repo, tmp, repo.resolve("rtsite").toString(), bin, builds, runs),
                "a new, untracked source file");
        assertEquals(3, launch(repo, repo, "./rtsite", bin, builds, runs), "built already");

        git(repo, "add", "-A");
        assertEquals(4, launch(repo, repo, "./rtsite", bin, builds, runs), "the new file staged");
        git(repo, "commit", "-q", "-m", "second");
        assertEquals(5, launch(repo, repo, "./rtsite", bin, builds, runs), "a commit");
        assertEquals(5, launch(repo, repo, "./rtsite", bin, builds, runs), "built already");
        Files.delete(src.resolve("A.java"));
        assertEquals(6, launch(repo, repo, "./rtsite", bin, builds, runs), "a source deleted");

        // the launcher ran the command after every check, with the user's arguments
        List<String> ran = Files.readAllLines(runs);
        assertEquals(12, ran.size(), ran.toString());
        for (String r : ran) {
            assertTrue(r.endsWith("org.rtsite.examples.RtsiteCli --version"), r);
            assertTrue(r.startsWith("arenas=1 mmap=1073741824 "), r);
        }
    }

    /**
     * The class path the launcher gives the JVM: the CLI's jar, rtsite's modules and the libraries every command
     * starts with (picocli, SLF4J, sqlite-jdbc, Jackson), then the rest in name order, each jar once. The JVM
     * opens every jar before the one a class comes from; in plain name order an {@code index} run opened the
     * engines' native jars before picocli's (docs/PERFORMANCE.md, "Indexing, eleventh round").
     */
    @Test
    void classPathPutsTheModulesAndTheStartLibrariesBeforeTheEngines() throws Exception {
        assumeTrue(CliProcess.available("bash") && CliProcess.available("git") && Files.isRegularFile(LAUNCHER),
                "bash, git and " + LAUNCHER);
        Path repo = checkout();
        List<String> libs = List.of("api-0.36.0", "commons-io-2.16.1", "jackson-core-2.18.2", "jackson-databind-2.18.2",
                "onnxruntime-1.21.1", "picocli-4.7.6", "pytorch-native-cpu-2.7.1-linux-x86_64", "rtsite-archive-0.1.0",
                "rtsite-core-0.1.0", "slf4j-api-2.0.16", "slf4j-simple-2.0.16", "sqlite-jdbc-3.47.1.0");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path runs = tmp.resolve("runs.log");
        StringBuilder build = new StringBuilder("mkdir -p rtsite-examples/target/lib"
                + " && touch rtsite-examples/target/rtsite-examples-0.1.0.jar");
        libs.forEach(l -> build.append(" rtsite-examples/target/lib/").append(l).append(".jar"));
        script(bin.resolve("mvn"), build.toString());
        script(bin.resolve("java"), "echo \"$*\" >> " + runs);
        launch(repo, repo, "./rtsite", bin, tmp.resolve("builds.log"), runs);

        String line = Files.readAllLines(runs).stream().filter(l -> l.endsWith("org.rtsite.examples.RtsiteCli --version"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no run of the CLI"));
        String cp = line.substring(line.indexOf(" -cp ") + 5, line.indexOf(" org.rtsite.examples.RtsiteCli"));
        List<String> names = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            names.add(Path.of(e).getFileName().toString().replace(".jar", ""));
        }
        assertEquals(List.of("rtsite-examples-0.1.0", "rtsite-archive-0.1.0", "rtsite-core-0.1.0", "picocli-4.7.6",
                "slf4j-api-2.0.16", "slf4j-simple-2.0.16", "sqlite-jdbc-3.47.1.0", "jackson-core-2.18.2",
                "jackson-databind-2.18.2", "api-0.36.0", "commons-io-2.16.1", "onnxruntime-1.21.1",
                "pytorch-native-cpu-2.7.1-linux-x86_64"), names, cp);
    }

    /**
     * What {@code index} alone gets from the launcher (docs/PERFORMANCE.md, "Indexing, twelfth round"): glibc's heap
     * in transparent huge pages, added to the user's tunables unless they chose {@code glibc.malloc.hugetlb}, and
     * a 56 MB young generation unless they sized the heap, on a machine of 1 GB or more; and the Spark command's
     * initial heap, sized from the same reading of the machine's memory.
     */
    @Test
    void indexGetsItsAllocatorAndYoungGenerationUnlessTheUserChose() throws Exception {
        assumeTrue(CliProcess.available("bash") && CliProcess.available("git") && Files.isRegularFile(LAUNCHER),
                "bash, git and " + LAUNCHER);
        Path repo = checkout();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path runs = tmp.resolve("runs.log");
        script(bin.resolve("mvn"), "mkdir -p rtsite-examples/target/lib rtsite-spark/target/lib"
                + " && touch rtsite-examples/target/rtsite-examples-0.1.0.jar rtsite-spark/target/rtsite-spark-0.1.0.jar");
        script(bin.resolve("java"), "echo \"${GLIBC_TUNABLES-none}|$*\" >> " + runs);
        Path builds = tmp.resolve("builds.log");
        Path meminfo = Path.of("/proc/meminfo"); // where the launcher reads the machine's memory (none: no -Xmn)
        long memKb = Files.isReadable(meminfo) ? Files.readAllLines(meminfo).stream()
                .filter(l -> l.startsWith("MemTotal:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElse(0L) : 0L;
        boolean gigabyte = memKb >= 1_000_000;

        String tcache = "glibc.malloc.tcache_count=0";
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of(), "index", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of(), "classify", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("GLIBC_TUNABLES", tcache), "index", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"),
                "index", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("GLIBC_TUNABLES", tcache), "classify", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("RTSITE_JAVA_OPTS", "-Xmx2g"), "index", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("RTSITE_JAVA_OPTS", "-XX:MaxNewSize=300m"),
                "index", "data");

        List<String[]> ran = Files.readAllLines(runs).stream().filter(l -> l.contains("org.rtsite.examples.RtsiteCli"))
                .map(l -> l.split("\\|", 2)).toList();
        assertEquals(List.of("glibc.malloc.hugetlb=1", "none", tcache + ":glibc.malloc.hugetlb=1",
                "glibc.malloc.hugetlb=0", tcache, "glibc.malloc.hugetlb=1", "glibc.malloc.hugetlb=1"),
                ran.stream().map(r -> r[0]).toList());
        List<Boolean> young = ran.stream().map(r -> List.of(r[1].split(" ")).contains("-Xmn56m")).toList();
        assertEquals(List.of(gigabyte, false, gigabyte, gigabyte, false, false, false), young);
        assertTrue(ran.get(0)[1].contains("-XX:+UseSerialGC"), ran.get(0)[1]);

        // the Spark command reads the same memory figure for its 2 GB initial heap (8 GB machines and up)
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of(), "spark", "classify", "data");
        launch(repo, repo, "./rtsite", bin, builds, runs, Map.of("RTSITE_JAVA_OPTS", "-Xmx3g"), "spark", "classify",
                "data");
        List<String> spark = Files.readAllLines(runs).stream().filter(l -> l.contains("org.rtsite.spark.SparkCli"))
                .map(l -> l.split("\\|", 2)[1]).toList();
        assertEquals(List.of(memKb >= 8_000_000, false),
                spark.stream().map(l -> List.of(l.split(" ")).contains("-Xms2g")).toList(), spark.toString());
        assertEquals(List.of(false, false), spark.stream().map(l -> l.contains("-Xmn56m")).toList());
    }

    /** A git checkout holding the launcher, its class-data-sharing script and one committed source file. */
    private Path checkout() throws IOException, InterruptedException {
        Path repo = Files.createDirectories(tmp.resolve("checkout"));
        Files.copy(LAUNCHER, repo.resolve("rtsite"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(repo.resolve("scripts"));
        Files.copy(CDS_SCRIPT, repo.resolve("scripts/java-cds.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(repo.resolve(".gitignore"), "target/\n");
        Path src = Files.createDirectories(repo.resolve("rtsite-core/src/main/java/org/rtsite/core"));
        Files.writeString(src.resolve("A.java"), "class A {}\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "first");
        return repo;
    }

    /** Runs the launcher in {@code cwd} with {@code --version} and returns how many builds have happened so far. */
    private static int launch(Path repo, Path cwd, String launcher, Path bin, Path builds, Path runs)
            throws IOException, InterruptedException {
        return launch(repo, cwd, launcher, bin, builds, runs, Map.of(), "--version");
    }

    /** As above with these arguments and these variables of the user's environment. */
    private static int launch(Path repo, Path cwd, String launcher, Path bin, Path builds, Path runs,
                              Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", launcher));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().remove("RTSITE_JAVA_OPTS");
        pb.environment().remove("MALLOC_ARENA_MAX"); // the user's own value would win
        pb.environment().remove("MALLOC_MMAP_THRESHOLD_");
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher timed out in " + repo);
        }
        assertEquals(0, p.exitValue(), out);
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=t",
                "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + ": " + out);
        }
    }
}
