package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Linking group by group ({@link Linkage}) and merging equals linking the whole archive at once, field by
 * field: on synthetic archives (stale cross-patient doses, copies, re-plans, non-DICOM files), on the same
 * indexes edited to put every cross-patient case the grouping must handle (no PatientID, a SOP UID or
 * series UID carried by two patients, a PatientID edited on one object, unreadable files beside plans
 * whose objects are missing), on real planning-system exports and on the quick-start archive.
 */
class LinkageEquivalenceTest {
    @TempDir
    Path tmp;

    /** What DicomArchive computed before linking by group: one Linker over every file. */
    static LinkageReport whole(List<IndexedFile> all) {
        long notDicom = all.stream().filter(f -> f.status() == FileStatus.NOT_DICOM).count();
        long unreadable = all.stream().filter(f -> f.status() == FileStatus.UNREADABLE).count();
        List<IndexedFile> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(IndexedFile::path));
        Linker.Result r = new Linker(sorted).link();
        return LinkageReport.of(all.size(), all.size() - notDicom - unreadable, notDicom, unreadable, r.bundles(),
                r.structureSets(), r.archiveConflicts(), r.orphans(),
                sorted.stream().filter(f -> f.status() == FileStatus.DICOM && !f.hasMeta()).map(IndexedFile::path).toList(),
                r.planlessDoses(), r.doses(), r.imageSeries());
    }

    static void assertSame(LinkageReport whole, LinkageReport grouped) {
        assertEquals(whole.summary(), grouped.summary(), "summary");
        assertEquals(whole.plans().size(), grouped.plans().size(), "plans");
        for (int i = 0; i < whole.plans().size(); i++) {
            assertEquals(whole.plans().get(i), grouped.plans().get(i), "bundle " + i);
        }
        assertEquals(whole.planlessDoses(), grouped.planlessDoses(), "planless doses");
        assertEquals(whole.structureSets(), grouped.structureSets(), "structure sets");
        assertEquals(whole.archiveConflicts(), grouped.archiveConflicts(), "archive conflicts");
        assertEquals(whole.orphans(), grouped.orphans(), "orphans");
        assertEquals(whole.filesWithoutMetaHeader(), grouped.filesWithoutMetaHeader(), "files without meta");
        assertEquals(whole, grouped);
    }

    private static List<IndexedFile> index(Path root, Path db) {
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), root)) {
            return a.files();
        }
    }

    @Test
    void groupedEqualsWholeOnSyntheticArchivesAndTheirEdits() {
        qt().withExamples(4).withShrinkCycles(0)
                .forAll(integers().between(8, 30), longs().between(1, 1_000_000))
                .checkAssert((patients, seed) -> {
                    Path dir = SyntheticArchiveProperties.tempDir();
                    try {
                        SyntheticArchive.generate(dir.resolve("a"), patients, 3, seed);
                        List<IndexedFile> files = index(dir.resolve("a"), dir.resolve("i.db"));
                        assertSame(whole(files), Linkage.linkByGroup(files));
                        for (int round = 0; round < 3; round++) {
                            List<IndexedFile> edited = edit(files, new Random(seed * 31 + round));
                            LinkageReport w = whole(edited);
                            assertSame(w, Linkage.linkByGroup(edited));
                            Collections.shuffle(edited, new Random(seed + round));
                            assertSame(w, Linkage.linkByGroup(edited)); // input order does not matter
                        }
                    } finally {
                        SyntheticArchiveProperties.delete(dir);
                    }
                });
    }

    /** The edits exercise what they should: cross-patient conflicts, joined groups, unreadable context. */
    @Test
    void editsReachEveryCrossPatientCase() {
        SyntheticArchive.generate(tmp.resolve("a"), 30, 3, 7);
        List<IndexedFile> edited = edit(index(tmp.resolve("a"), tmp.resolve("i.db")), new Random(7));
        LinkageReport w = whole(edited);
        assertSame(w, Linkage.linkByGroup(edited));
        List<Conflict.Type> types = Stream.concat(w.plans().stream().flatMap(p -> p.conflicts().stream()),
                w.archiveConflicts().stream()).map(Conflict::type).toList();
        for (Conflict.Type t : List.of(Conflict.Type.CROSS_PATIENT_REFERENCE, Conflict.Type.PATIENT_ID_MISMATCH,
                Conflict.Type.DUPLICATE_SOP_UID, Conflict.Type.DUPLICATE_SERIES_UID)) {
            assertTrue(types.contains(t), t + " in " + types);
        }
        assertTrue(w.plans().stream().anyMatch(p -> p.reasons().stream().anyMatch(r -> r.contains("unreadable file(s) beside"))),
                "a reason names an unreadable file beside the plan");
        assertTrue(w.plans().stream().anyMatch(p -> p.patientId() == null), "a plan without PatientID");
        assertTrue(Linkage.groups(edited).joined().size() >= 4, "groups joined through UIDs");
        // without the joins, grouping by PatientID alone would differ: the joins are needed
        Map<String, List<IndexedFile>> byPatient = new HashMap<>();
        edited.forEach(f -> byPatient.computeIfAbsent(Linkage.groupKey(f), k -> new ArrayList<>()).add(f));
        Linkage.Merger m = new Linkage.Merger();
        byPatient.values().forEach(g -> m.add(Linkage.link(g, edited.stream().filter(Linkage::isContext).toList())));
        assertTrue(!w.equals(m.report()), "PatientID alone is not enough on this archive");
    }

    @Test
    void groupedEqualsWholeOnTheQuickStartArchive() {
        PhantomArchive.write(tmp.resolve("q"), List.of(PhantomScene.WHOLE_BRAIN, PhantomScene.OROPHARYNX,
                PhantomScene.LUNG_SBRT, PhantomScene.LIVER_SBRT, PhantomScene.PROSTATE));
        List<IndexedFile> files = index(tmp.resolve("q"), tmp.resolve("q.db"));
        LinkageReport w = whole(files);
        assertEquals(5, w.summary().plans());
        assertSame(w, Linkage.linkByGroup(files));
    }

    /** Real planning-system exports (the public-rt catalogue and its archive fixtures: duplicates, placeholders). */
    @Test
    void groupedEqualsWholeOnPublicRtFiles() {
        List<IndexedFile> files;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("p.db")),
                DicomArchivePublicRtTest.resource("public-rt"), DicomArchivePublicRtTest.resource("archive-public-rt"))) {
            files = a.files();
        }
        LinkageReport w = whole(files);
        assertTrue(w.summary().plans() >= 8, "plans: " + w.summary());
        assertSame(w, Linkage.linkByGroup(files));
    }

    /** What a distributed engine does: rows and group reports cross JVMs by serialization. */
    @Test
    void filesAndReportsSurviveSerialization() {
        SyntheticArchive.generate(tmp.resolve("a"), 12, 2, 3);
        List<IndexedFile> files = index(tmp.resolve("a"), tmp.resolve("i.db"));
        List<IndexedFile> back = files.stream().map(LinkageEquivalenceTest::roundTrip).toList();
        assertEquals(files, back);
        Linkage.Groups g = roundTrip(Linkage.groups(back));
        Map<String, List<IndexedFile>> byKey = new HashMap<>();
        back.forEach(f -> byKey.computeIfAbsent(g.keyOf(f), k -> new ArrayList<>()).add(f));
        List<LinkageReport> parts = byKey.values().stream().map(grp -> roundTrip(Linkage.link(grp))).toList();
        assertSame(whole(files), Linkage.merge(parts));
        // rebuilt from the stored columns by the public canonical constructor
        IndexedFile f = files.get(0);
        assertEquals(f, new IndexedFile(f.path(), f.size(), f.mtime(), f.status(), f.reason(), f.hasMeta(), f.sopClass(),
                f.sopInstance(), f.modality(), f.patientId(), f.studyUid(), f.seriesUid(), f.frameOfReference(),
                f.instanceNumber(), f.slicePosition(), f.doseSummationType(), f.doseGrid(), f.fractions(),
                f.contentKey(), f.refs()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError("serialization of " + o.getClass(), e);
        }
    }

    private static IndexedFile with(IndexedFile f, String path, String patient, String series, String contentKey) {
        return new IndexedFile(path, f.size(), f.mtime(), f.status(), f.reason(), f.hasMeta(), f.sopClass(),
                f.sopInstance(), f.modality(), patient, f.studyUid(), series, f.frameOfReference(), f.instanceNumber(),
                f.slicePosition(), f.doseSummationType(), f.doseGrid(), f.fractions(), contentKey, f.refs());
    }

    private static String folder(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    /**
     * Random edits of the index rows, each a case where patients meet: a patient without PatientID (and
     * single objects without it), a dose's SOP UID carried by a file of another patient with other content,
     * a CT series UID reused by another patient, a structure set with an edited PatientID, dropped objects
     * with unreadable files beside their plan.
     */
    static List<IndexedFile> edit(List<IndexedFile> files, Random rnd) {
        List<IndexedFile> out = new ArrayList<>(files);
        List<String> patients = new ArrayList<>(out.stream().map(IndexedFile::patientId).filter(p -> p != null)
                .distinct().sorted().toList());
        Collections.shuffle(patients, rnd);
        String anonymous = patients.get(0);
        String pa = patients.get(1);
        String pb = patients.get(2);
        String pc = patients.get(3);
        String pd = patients.get(4);
        String series = out.stream().filter(f -> pc.equals(f.patientId()) && "CT".equals(f.modality()))
                .map(IndexedFile::seriesUid).findFirst().orElseThrow();
        // the structure set pb's plans reference: its PatientID edited (study and frame kept)
        List<String> pbStructs = out.stream().filter(f -> pb.equals(f.patientId()) && "RTPLAN".equals(f.modality()))
                .flatMap(f -> f.refs(RefKind.STRUCTURE_SET).stream()).toList();
        List<IndexedFile> extra = new ArrayList<>();
        boolean structEdited = false;
        for (int i = 0; i < out.size(); i++) {
            IndexedFile f = out.get(i);
            if (f.status() != FileStatus.DICOM) {
                continue;
            }
            if (anonymous.equals(f.patientId()) || rnd.nextInt(40) == 0) {
                out.set(i, with(f, f.path(), null, f.seriesUid(), f.contentKey()));
            } else if (pd.equals(f.patientId()) && "CT".equals(f.modality())) {
                out.set(i, with(f, f.path(), f.patientId(), series, f.contentKey()));
            } else if (pb.equals(f.patientId()) && pbStructs.contains(f.sopInstance()) && !structEdited) {
                out.set(i, with(f, f.path(), f.patientId() + "-edited", f.seriesUid(), f.contentKey()));
                structEdited = true;
            } else if (pa.equals(f.patientId()) && "RTDOSE".equals(f.modality())) {
                String other = out.stream().filter(x -> pb.equals(x.patientId())).findFirst().orElseThrow().path();
                extra.add(with(f, folder(other) + "/dup-" + Integer.toHexString(rnd.nextInt()), pb, f.seriesUid(),
                        "other " + f.contentKey()));
            }
        }
        out.addAll(extra);
        // plans whose dose and structure set are gone, with an unreadable file in their folder or beside it
        List<IndexedFile> plans = out.stream().filter(f -> "RTPLAN".equals(f.modality())).toList();
        for (int k = 0; k < 3; k++) {
            IndexedFile plan = plans.get(rnd.nextInt(plans.size()));
            if (pb.equals(plan.patientId())) {
                continue;
            }
            out.removeIf(f -> f.status() == FileStatus.DICOM && f.patientId() != null && f.patientId().equals(plan.patientId())
                    && ("RTDOSE".equals(f.modality()) || "RTSTRUCT".equals(f.modality()))
                    && f.refs(RefKind.PLAN).contains(plan.sopInstance()));
            String where = k == 0 ? folder(plan.path()) : folder(folder(plan.path())) + "/zz" + k;
            out.add(new IndexedFile(where + "/broken" + k, 10, 0, FileStatus.UNREADABLE, "truncated element at " + k,
                    false, null, null, null, null, null, null, null, null, null, null, null, null, null, Map.of()));
        }
        out.removeIf(f -> rnd.nextInt(60) == 0);
        return out;
    }
}
