package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.Tag;

class SyntheticArchiveLinkageTest {
    @TempDir
    Path tmp;

    @Test
    void linkerRecoversTheGroundTruthOfEveryDistractor() {
        // 72 patients: every distractor (i mod 3, 4, 5, 6, 7, 8, 9, 10) and their overlaps occur
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(tmp.resolve("archive"), 72, 5, 42);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("index.db")), tmp.resolve("archive"))) {
            assertEquals(truth.files(), a.lastScan().filesSeen());
            LinkageReport r = a.report();
            GroundTruthAssert.assertRecovered(truth, r);
            // the generator exercises each decision, fallback and conflict kind it claims to
            Set<DoseChoice.Decision> decisions = r.plans().stream().map(p -> p.dose().decision()).collect(Collectors.toSet());
            assertEquals(Set.of(DoseChoice.Decision.values()), decisions);
            Set<Conflict.Type> conflicts = r.plans().stream().flatMap(p -> p.conflicts().stream()).map(Conflict::type)
                    .collect(Collectors.toSet());
            assertEquals(Set.of(Conflict.Type.AMBIGUOUS_FALLBACK, Conflict.Type.CROSS_PATIENT_REFERENCE), conflicts);
            assertTrue(r.plans().stream().anyMatch(PlanBundle::ion));
            assertTrue(r.orphans().stream().anyMatch(o -> o.modality().equals("COPY")));
            assertTrue(r.orphans().stream().anyMatch(o -> o.modality().equals("NOT_DICOM")));
        }
    }

    @Test
    void indexWithoutOptionsUsesATemporaryDatabaseDeletedOnClose() {
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(tmp.resolve("archive"), 3, 2, 8);
        Path db;
        try (DicomArchive a = DicomArchive.index(tmp.resolve("archive"))) {
            db = a.database();
            assertTrue(Files.exists(db));
            GroundTruthAssert.assertRecovered(truth, a.report());
            assertEquals(truth.plans().size(), a.plans().count());
        }
        assertTrue(!Files.exists(db), "temporary index " + db + " left behind");
    }

    @Test
    void writtenFilesAreValidDicomWithTheGeneratedUids() {
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(tmp, 2, 3, 7);
        String plan = truth.plans().keySet().iterator().next();
        DicomFile f = DicomFile.read(Path.of(plan));
        assertTrue(f.hasMeta());
        assertEquals("RTPLAN", f.dataset().getString(Tag.Modality));
        for (String ct : truth.plans().get(plan).ctFiles()) {
            assertEquals("CT", DicomFile.read(Path.of(ct)).dataset().getString(Tag.Modality));
        }
    }

    @Test
    void rescanReadsOnlyNewOrChangedFilesAndDropsVanishedOnes() throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(root, 12, 4, 3);
        Path db = tmp.resolve("index.db");
        LinkageReport first;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), root)) {
            assertEquals(truth.files(), a.lastScan().filesRead());
            first = a.report();
        }
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), root)) {
            ScanStats s = a.lastScan();
            assertEquals(0, s.filesRead());
            assertEquals(truth.files(), s.unchanged());
            assertEquals(first, a.report());
        }
        // touch one file, remove an orphan, add a non-DICOM file
        String plan = truth.plans().keySet().iterator().next();
        Files.setLastModifiedTime(Path.of(plan), FileTime.fromMillis(Files.getLastModifiedTime(Path.of(plan)).toMillis() + 5000));
        String gone = truth.orphans().iterator().next();
        Files.delete(Path.of(gone));
        Files.writeString(root.resolve("notes.txt"), "hello");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), root)) {
            ScanStats s = a.lastScan();
            assertEquals(2, s.filesRead());
            assertEquals(1, s.removed());
            assertEquals(1, s.notDicom());
            LinkageReport r = a.report();
            assertEquals(first.plans(), r.plans());
            Set<String> orphans = r.orphans().stream().map(Orphan::path).collect(Collectors.toSet());
            assertTrue(orphans.contains(root.resolve("notes.txt").toString()));
            assertTrue(!orphans.contains(gone));
        }
        // a database reopened without scanning gives the same linkage
        try (DicomArchive a = DicomArchive.open(db)) {
            assertEquals(null, a.lastScan());
            assertEquals(first.plans(), a.report().plans());
        }
    }

    @Test
    void indexingTwoRootsKeepsEachRootsRowsOnRescanOfOne() {
        Path r1 = tmp.resolve("a");
        Path r2 = tmp.resolve("b");
        SyntheticArchive.GroundTruth t1 = SyntheticArchive.generate(r1, 3, 2, 11);
        SyntheticArchive.GroundTruth t2 = SyntheticArchive.generate(r2, 3, 2, 12);
        Path db = tmp.resolve("index.db");
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), r1, r2, r1.resolve("site0"))) {
            assertEquals(t1.files() + t2.files(), a.lastScan().filesSeen()); // the nested root is not walked twice
        }
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), r1)) {
            assertEquals(0, a.lastScan().removed());
            assertEquals(t1.plans().size() + t2.plans().size(), a.report().summary().plans());
        }
    }
}
