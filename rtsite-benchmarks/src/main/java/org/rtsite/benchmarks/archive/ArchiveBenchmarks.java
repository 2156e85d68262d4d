package org.rtsite.benchmarks.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.LinkageReport;
import org.rtsite.archive.ScanStats;
import org.rtsite.archive.SyntheticArchive;

/**
 * Archive indexing and linkage on a synthetic archive (default 1,000 patients × 95 CT slices ≈
 * 100,000 files), generated once under {@code rtsite.bench.archive} (default
 * /tmp/rtsite-archive-bench). Each operation is a whole scan, so the mode is single-shot:
 * <ul>
 *   <li>{@code coldIndex}: a new, empty index database: every file is opened and its header read;</li>
 *   <li>{@code rescan}: the same roots against a complete index: nothing changed, nothing read;</li>
 *   <li>{@code link}: linkage of every plan of the indexed archive (reads the index from SQLite).</li>
 * </ul>
 * Files per second = files / time of one operation. The page cache is whatever the OS holds (warm
 * after generation); docs/PERFORMANCE.md has the figure with dropped caches too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArchiveBenchmarks {

    @Param({"1000"})
    public int patients;

    @Param({"95"})
    public int slices;

    @Param({"2"})
    public int threads;

    Path archive;
    Path indexed;
    Path fresh;
    int files;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        archive = Path.of(System.getProperty("rtsite.bench.archive", "/tmp/rtsite-archive-bench"))
                .resolve(patients + "x" + slices);
        Path done = archive.resolve(".complete");
        if (!Files.exists(done)) {
            delete(archive);
            SyntheticArchive.GroundTruth t = SyntheticArchive.generate(archive.resolve("data"), patients, slices, 2026);
            Files.writeString(done, Integer.toString(t.files()));
        }
        files = Integer.parseInt(Files.readString(done).trim());
        indexed = Files.createTempFile("rtsite-bench-indexed", ".db");
        Files.delete(indexed);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(indexed).withThreads(threads), archive.resolve("data"))) {
            System.out.println("\nprepared index: " + a.lastScan());
        }
    }

    @Setup(Level.Invocation)
    public void freshDatabase() throws IOException {
        fresh = Files.createTempFile("rtsite-bench-cold", ".db");
        Files.delete(fresh);
    }

    @TearDown(Level.Invocation)
    public void dropFreshDatabase() throws IOException {
        for (String s : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(fresh + s));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (String s : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(indexed + s));
        }
    }

    @Benchmark
    public ScanStats coldIndex() {
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(fresh).withThreads(threads), archive.resolve("data"))) {
            ScanStats s = a.lastScan();
            if (s.filesRead() != files) {
                throw new IllegalStateException("cold index read " + s.filesRead() + " of " + files + " files");
            }
            System.out.printf("%n  cold: %s = %.0f files/s%n", s, s.filesPerSecond());
            return s;
        }
    }

    @Benchmark
    public ScanStats rescan() {
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(indexed).withThreads(threads), archive.resolve("data"))) {
            ScanStats s = a.lastScan();
            if (s.filesRead() != 0) {
                throw new IllegalStateException("re-scan read " + s.filesRead() + " files");
            }
            System.out.printf("%n  rescan: %s = %.0f files/s%n", s, s.filesPerSecond());
            return s;
        }
    }

    @Benchmark
    public LinkageReport link() {
        try (DicomArchive a = DicomArchive.open(indexed)) {
            LinkageReport r = a.report();
            if (r.summary().plans() < patients) {
                throw new IllegalStateException("linked " + r.summary().plans() + " plans");
            }
            return r;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
