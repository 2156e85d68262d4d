package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;

/**
 * Guards and fallbacks on a one-patient archive (patient 0: plan, structure set, CT, a PLAN dose
 * and one BEAM dose per beam, an unreferenced second structure set) edited file by file.
 */
class LinkerGuardTest {
    @TempDir
    Path tmp;
    Path root;
    String plan;
    SyntheticArchive.Expected truth;
    List<IndexedFile> files;

    @BeforeEach
    void generate() {
        root = tmp.resolve("a");
        SyntheticArchive.GroundTruth t = SyntheticArchive.generate(root, 1, 4, 1);
        plan = t.plans().keySet().iterator().next();
        truth = t.plans().get(plan);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), root)) {
            files = a.files();
            GroundTruthAssert.assertRecovered(t, a.report());
        }
    }

    private PlanBundle relink() {
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), root)) {
            return a.report().plans().stream().filter(p -> p.planFile().equals(plan)).findFirst().orElseThrow();
        }
    }

    private LinkageReport report() {
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), root)) {
            return a.report();
        }
    }

    private List<IndexedFile> doses(String type) {
        return files.stream().filter(f -> "RTDOSE".equals(f.modality()) && type.equals(f.doseSummationType())).toList();
    }

    private static void rewrite(Path from, Path to, UnaryOperator<DicomDataset.Builder> edit) {
        DicomWriter.write(to, edit.apply(DicomFile.read(from).dataset().toBuilder()).build());
    }

    private static List<Conflict.Type> types(PlanBundle p) {
        return p.conflicts().stream().map(Conflict::type).toList();
    }

    @Test
    void structureSetUidCarriedTwiceWithDifferentContentIsRefused() {
        Path rs = Path.of(truth.structureSetFile());
        rewrite(rs, root.resolve("rs-edited"), b -> b.putString(Tag.SeriesInstanceUID, VR.UI, "2.25.1234567"));
        PlanBundle p = relink();
        assertEquals(List.of(Conflict.Type.DUPLICATE_SOP_UID), types(p));
        assertNull(p.structureSetFile());
        // the reason names both files and the cause (issue 14.7)
        assertTrue(p.reasons().stream().anyMatch(r -> r.startsWith("referenced structure set refused: ")
                && r.contains("carried by 2 files with different content") && r.contains("rs-edited")), p.reasons()::toString);
    }

    @Test
    void anIdenticalCopyIsNotAConflict() throws Exception {
        Files.copy(Path.of(truth.structureSetFile()), root.resolve("copy-of-rs"));
        PlanBundle p = relink();
        assertTrue(p.conflicts().isEmpty());
        assertTrue(p.complete());
    }

    @Test
    void aDoseCopyWhosePixelsCannotBeComparedIsNotACopy() throws Exception {
        Path planDose = Path.of(doses("PLAN").get(0).path());
        Path copy = root.resolve("copy-of-dose");
        Files.copy(planDose, copy);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("i.db")), root)) {
            PlanBundle p = a.report().plans().stream().filter(b -> b.planFile().equals(plan)).findFirst().orElseThrow();
            assertTrue(p.complete(), p::toString); // same header, same pixels: a copy
        }
        // changed after indexing, linked without a scan: unverifiable, so never taken for a copy
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        try (DicomArchive a = DicomArchive.open(tmp.resolve("i.db"))) {
            PlanBundle p = a.report().plans().stream().filter(b -> b.planFile().equals(plan)).findFirst().orElseThrow();
            assertEquals(List.of(Conflict.Type.DUPLICATE_SOP_UID), types(p));
            assertTrue(p.conflicts().get(0).detail().contains(copy + " changed since it was indexed; index the archive again"),
                    p.conflicts().get(0)::detail);
            // neither file of the UID is used, whatever the path order; the plan's BEAM doses still are, and the
            // plan says why it is incomplete
            assertEquals(DoseChoice.Decision.BEAM_SUM, p.dose().decision());
            assertFalse(p.complete());
            assertTrue(p.reasons().stream().anyMatch(r -> r.startsWith("dose SOP Instance UID ")
                    && r.endsWith("; none of them is used")), p.reasons()::toString);
        }
    }

    @Test
    void twoDifferentPlanDosesAreAConflictNotLastOneWins() {
        Path planDose = Path.of(doses("PLAN").get(0).path());
        rewrite(planDose, root.resolve("recalculated"), b -> b.putString(Tag.SOPInstanceUID, VR.UI, "2.25.7654321"));
        PlanBundle p = relink();
        assertEquals(List.of(Conflict.Type.DOSE_CONFLICT), types(p));
        assertEquals(DoseChoice.Decision.NONE, p.dose().decision());
        assertEquals(2 + doses("BEAM").size(), p.dose().unused().size());
        assertTrue(p.reasons().contains("several PLAN doses"));
    }

    @Test
    void beamDosesMustCoverEveryBeam() throws Exception {
        Files.delete(Path.of(doses("PLAN").get(0).path()));
        Path beam1 = Path.of(doses("BEAM").stream().filter(d -> d.refs(RefKind.DOSE_BEAM).equals(List.of("1")))
                .findFirst().orElseThrow().path());
        rewrite(beam1, beam1, b -> {
            DicomDataset ref = DicomFile.read(beam1).dataset().getItem(Tag.ReferencedRTPlanSequence);
            DicomDataset fg = ref.getItem(Tag.ReferencedFractionGroupSequence).toBuilder()
                    .putSequence(Tag.ReferencedBeamSequence, List.of(DicomDataset.builder()
                            .putInts(Tag.ReferencedBeamNumber, VR.IS, 99).build())).build();
            return b.putSequence(Tag.ReferencedRTPlanSequence, List.of(ref.toBuilder()
                    .putSequence(Tag.ReferencedFractionGroupSequence, List.of(fg)).build()));
        });
        PlanBundle p = relink();
        assertEquals(DoseChoice.Decision.NONE, p.dose().decision());
        assertTrue(p.reasons().stream().anyMatch(r -> r.startsWith("BEAM doses cover beams") && r.endsWith("missing [1]")),
                p.reasons()::toString);
    }

    @Test
    void withoutThePlanDoseTheBeamDosesAreSummed() throws Exception {
        Files.delete(Path.of(doses("PLAN").get(0).path()));
        PlanBundle p = relink();
        assertEquals(DoseChoice.Decision.BEAM_SUM, p.dose().decision());
        assertEquals(doses("BEAM").stream().map(IndexedFile::path).sorted().toList(), p.dose().files().stream().sorted().toList());
        assertTrue(p.dose().commonGrid());
        assertTrue(p.complete());
    }

    @Test
    void aSeriesUidReusedInAnotherStudyIsResolvedByTheContourImages() {
        int n = 0;
        for (String ct : truth.ctFiles()) {
            int k = n++;
            rewrite(Path.of(ct), root.resolve("other-study-" + k), b -> b
                    .putString(Tag.SOPInstanceUID, VR.UI, "2.25.99" + k)
                    .putString(Tag.StudyInstanceUID, VR.UI, "2.25.4242")
                    .putString(Tag.FrameOfReferenceUID, VR.UI, "2.25.4343"));
        }
        LinkageReport r = report();
        PlanBundle p = r.plans().stream().filter(x -> x.planFile().equals(plan)).findFirst().orElseThrow();
        assertEquals(truth.ctFiles(), p.ctFiles());
        assertEquals(List.of("CT_SERIES:CONTOUR_IMAGES"), p.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).toList());
        assertTrue(p.complete(), p.reasons()::toString);
        assertTrue(r.archiveConflicts().stream().anyMatch(c -> c.type() == Conflict.Type.DUPLICATE_SERIES_UID));
        assertTrue(r.orphans().stream().anyMatch(o -> o.path().contains("/other-study-") && o.files() == truth.ctFiles().size()),
                r.orphans()::toString);
    }

    @Test
    void aDoseWithoutPlanReferenceOnThePlansFrameIsAFallback() throws Exception {
        Path planDose = Path.of(doses("PLAN").get(0).path());
        for (IndexedFile d : doses("BEAM")) {
            Files.delete(Path.of(d.path()));
        }
        rewrite(planDose, planDose, b -> b.remove(Tag.ReferencedRTPlanSequence));
        PlanBundle p = relink();
        assertEquals(DoseChoice.Decision.PLAN, p.dose().decision());
        assertEquals(List.of(planDose.toString()), p.dose().files());
        assertEquals(List.of("DOSE:FRAME_OF_REFERENCE"), p.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).toList());
    }

    @Test
    void badInputIsRefusedWithAMessageNamingTheValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ArchiveOptions.of(tmp.resolve("x.db")).withThreads(0));
        assertEquals("threads must be in 1..256, got 0", e.getMessage());
        RtsiteException missing = assertThrows(RtsiteException.class, () -> DicomArchive.open(tmp.resolve("none.db")));
        assertTrue(missing.getMessage().contains("none.db does not exist"));
        assertThrows(InvalidInputException.class, () -> DicomArchive.index(ArchiveOptions.of(tmp.resolve("y.db"))));
        Path notDb = tmp.resolve("text.db");
        RtsiteException bad = assertThrows(RtsiteException.class, () -> {
            Files.writeString(notDb, "this is not an SQLite database, just some text long enough to matter...");
            DicomArchive.open(notDb).report();
        });
        assertTrue(bad.getMessage().contains("text.db"), bad.getMessage());
    }
}
