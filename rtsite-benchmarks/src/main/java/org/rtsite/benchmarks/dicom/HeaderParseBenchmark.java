package org.rtsite.benchmarks.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;

/**
 * Header-only parsing (stop before Pixel Data) of a folder of typical RT files, one file per
 * operation, cycling: the score is files per second on one thread. Compare with
 * rtsite-dicom/scripts/bench-header.sh, which runs pydicom on the same folder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HeaderParseBenchmark {

    /** Folder of .dcm files (searched recursively); default: the public RT catalogue copy in the tests. */
    @Param("rtsite-dicom/src/test/resources/public-rt")
    public String folder;

    private List<Path> files;
    private int next;
    private final DicomReader headerOnly = DicomReader.defaults().withStopBeforePixelData(true);
    private final DicomReader indexing = DicomReader.defaults()
            .withOnlyTags(Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.PatientID, Tag.StudyInstanceUID,
                    Tag.SeriesInstanceUID, Tag.FrameOfReferenceUID);

    @Setup
    public void setUp() {
        try (Stream<Path> s = Files.walk(Path.of(folder))) {
            files = s.filter(p -> p.toString().endsWith(".dcm") && !p.toString().contains("truncated")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no .dcm files under " + Path.of(folder).toAbsolutePath());
        }
    }

    private Path nextFile() {
        Path p = files.get(next);
        next = next + 1 == files.size() ? 0 : next + 1;
        return p;
    }

    @Benchmark
    public DicomFile headerOnly() {
        return headerOnly.read(nextFile());
    }

    @Benchmark
    public DicomFile indexingTags() {
        return indexing.read(nextFile());
    }
}
