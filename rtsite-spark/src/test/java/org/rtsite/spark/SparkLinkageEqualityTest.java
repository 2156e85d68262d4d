package org.rtsite.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.FileStatus;
import org.rtsite.archive.IndexedFile;
import org.rtsite.archive.LinkageReport;
import org.rtsite.archive.PlanBundle;
import org.rtsite.archive.SyntheticArchive;
import org.rtsite.samples.PhantomArchive;
import org.rtsite.core.phantom.PhantomScene;

/**
 * Stages 1 and 2 in local[2] against the single-machine path on the same archive: the Parquet index holds
 * the SQLite index's rows, and the plan bundles (plans and doses without plan) are equal, record for record,
 * to {@code DicomArchive}'s, on a synthetic archive full of linkage traps, on the quick-start archive and on
 * real planning-system exports that rtsite did not write (the public-rt fixtures).
 */
class SparkLinkageEqualityTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
    }

    @Test
    void syntheticArchiveLinksAsTheSingleMachineLinker(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(root, 24, 4, 7);
        assertSameLinkage(root, tmp.resolve("out"), truth.plans().size());
    }

    @Test
    void quickStartArchiveLinksAsTheSingleMachineLinker(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.WHOLE_BRAIN, PhantomScene.OROPHARYNX, PhantomScene.LUNG_SBRT,
                PhantomScene.LIVER_SBRT, PhantomScene.PROSTATE));
        // files the index must keep as rows with their reason
        Files.writeString(root.resolve("README.txt"), "not DICOM\n");
        Files.write(root.resolve("empty.dcm"), new byte[0]);
        assertSameLinkage(root, tmp.resolve("out"), 5);
    }

    @Test
    void realPlanningSystemExportsLinkAsTheSingleMachineLinker(@TempDir Path tmp) throws Exception {
        // the public-rt catalogue's files as the codec keeps them, and the archive fixtures built from them
        // (identical copies, placeholders, missing objects); both read in place from the other modules' test resources
        Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
        Path root = tmp.resolve("archive");
        for (Path src : List.of(base.resolve("rtsite-dicom/src/test/resources/public-rt"),
                base.resolve("rtsite-archive/src/test/resources/archive-public-rt"))) {
            assertTrue(Files.isDirectory(src), src + " not found");
            copyTree(src, root.resolve(src.getFileName()));
        }
        Files.writeString(root.resolve("README.txt"), "not DICOM\n");
        assertSameLinkage(root, tmp.resolve("out"), -1);
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** {@code plans}: the plans the archive is built with, or -1 for real exports, where only "some" is known. */
    private static void assertSameLinkage(Path root, Path out, int plans) throws Exception {
        SparkArchivePipeline p = SparkArchivePipeline.of(spark, out).withPartitions(3);
        long files = p.index(List.of(root.toString()));
        LinkageReport.Summary summary = p.link();
        try (DicomArchive single = DicomArchive.index(root)) {
            List<IndexedFile> expectedFiles = single.files();
            assertEquals(expectedFiles.size(), files);
            List<IndexedFile> sparkFiles = new ArrayList<>(spark.read().parquet(out.resolve("index").toString())
                    .collectAsList().stream().map(IndexRows::fromRow).toList());
            sparkFiles.sort(Comparator.comparing(IndexedFile::path));
            assertEquals(expectedFiles, sparkFiles, "the Parquet index holds the SQLite index's rows");
            assertTrue(sparkFiles.stream().anyMatch(f -> f.status() == FileStatus.NOT_DICOM && f.reason() != null),
                    "non-DICOM files are rows with their reason");

            List<PlanBundle> expected = new ArrayList<>(single.plans().toList());
            expected.addAll(single.planlessDoses().toList());
            expected.sort(Comparator.comparing(PlanBundle::planFile));
            List<PlanBundle> actual = new ArrayList<>();
            for (Row r : spark.read().parquet(out.resolve("plans").toString()).collectAsList()) {
                PlanBundle b = BundleCodec.read(r.getString(r.fieldIndex("bundle_json")));
                assertEquals(b.planFile(), r.getString(r.fieldIndex("plan_file")));
                // what stage 3 balances its tasks by: the bytes of the files the plan loader reads
                java.util.Set<String> read = new java.util.HashSet<>(b.ctFiles());
                read.add(b.planFile());
                read.add(b.structureSetFile());
                read.addAll(b.dose() == null ? List.of() : b.dose().files());
                long bytes = 0;
                for (String f : read) {
                    bytes += f == null ? 0 : Files.size(Path.of(f));
                }
                assertEquals(bytes, r.getLong(r.fieldIndex("input_bytes")), "input_bytes of " + b.planFile());
                actual.add(b);
            }
            actual.sort(Comparator.comparing(PlanBundle::planFile));
            if (plans >= 0) {
                assertEquals(plans, single.report().summary().plans());
            } else {
                assertTrue(single.report().summary().plans() > 0, "the real exports hold plans");
            }
            assertFalse(expected.isEmpty());
            assertEquals(expected, actual, "plan bundles equal to the single-machine linker's");
            assertEquals(single.report().summary(), summary, "linkage counts");
            assertEquals(single.report().orphans().size(), spark.read().parquet(out.resolve("orphans").toString()).count());
        }
    }
}
