package org.rtsite.archive;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** For any archive size, seed, thread count and batch size, linkage recovers the ground truth exactly. */
class SyntheticArchiveProperties {

    @Test
    void linkageIsExactForAnyArchiveThreadsAndBatchSize() {
        qt().withExamples(12).withShrinkCycles(0)
                .forAll(integers().between(1, 30), integers().between(1, 4), longs().between(1, 1_000_000),
                        integers().between(0, 3 * 64 - 1))
                .checkAssert((patients, slices, seed, threadsAndBatch) -> {
                    int threads = 1 + threadsAndBatch / 64;
                    int batch = 1 + threadsAndBatch % 64;
                    Path dir = tempDir();
                    try {
                        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(dir.resolve("a"), patients, slices, seed);
                        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("i.db"))
                                .withThreads(threads).withBatchSize(batch), dir.resolve("a"))) {
                            GroundTruthAssert.assertRecovered(truth, a.report());
                        }
                    } finally {
                        delete(dir);
                    }
                });
    }

    /** A temporary folder for one generated archive (also used by {@link LinkageEquivalenceTest}). */
    static Path tempDir() {
        try {
            return Files.createTempDirectory("rtsite-archive-prop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
