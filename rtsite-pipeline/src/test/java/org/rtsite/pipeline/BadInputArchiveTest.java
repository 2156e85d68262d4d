package org.rtsite.pipeline;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged plans end to end: each is recorded with a clear reason, the rest of the archive is classified. */
class BadInputArchiveTest {

    @TempDir
    Path dir;

    @Test
    void eachBadPlanIsRecordedWithItsReasonWhileTheOthersAreClassified() throws IOException {
        Path root = dir.resolve("archive");
        Map<PhantomScene, PhantomArchive.Patient> p = PhantomArchive.write(root, List.of(PhantomScene.PROSTATE,
                PhantomScene.LUNG_SBRT, PhantomScene.FEMUR, PhantomScene.ESOPHAGUS, PhantomScene.PELVIC_NODES,
                PhantomScene.V50_ONLY)).stream().collect(Collectors.toMap(PhantomArchive.Patient::scene, x -> x));

        // no CT
        try (Stream<Path> s = Files.walk(p.get(PhantomScene.FEMUR).ctDir())) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        // a dose 2 m beside the CT
        Path rd = p.get(PhantomScene.ESOPHAGUS).doseFile();
        RtDose d = RtDose.read(rd);
        ImageGrid g = d.grid();
        ImageGrid moved = new ImageGrid(g.nx(), g.ny(), g.nz(), g.dx(), g.dy(), g.dz(),
                g.origin().plus(new Vec3(2000, 0, 0)), g.axisI(), g.axisJ(), g.axisK());
        RtWriter.write(new RtDose(rd.toString(), d.sopInstanceUid(), d.patientId(), d.frameOfReferenceUid(), d.units(),
                d.type(), d.summationType(), d.gridScaling(), d.bitsAllocated(), d.referencedPlanUid(),
                d.referencedFractionGroups(), d.referencedBeamNumbers(), new DoseVolume(moved, d.volume().gy())), rd);
        // a CT slice cut short in its pixel data
        Path slice;
        try (Stream<Path> s = Files.list(p.get(PhantomScene.PELVIC_NODES).ctDir())) {
            slice = s.sorted().skip(20).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(slice.toFile(), "rw")) {
            f.setLength(f.length() - 5000);
        }
        // a structure set whose ROI names mean nothing to the dictionary
        Path rs = p.get(PhantomScene.V50_ONLY).structureSetFile();
        RtStructureSet ss = RtStructureSet.read(rs);
        RtWriter.write(new RtStructureSet(rs.toString(), ss.sopInstanceUid(), ss.patientId(), ss.label(), ss.name(),
                ss.referencedFrames(), ss.rois().stream().map(r -> new RtStructureSet.Roi(r.number(), "Organ_" + r.number(),
                r.interpretedType(), r.colour(), r.frameOfReferenceUid(), r.generationAlgorithm(), r.contours())).toList()), rs);

        Path db = dir.resolve("index.db");
        ArchiveClassifier.Summary s;
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(db), root); ResultStore store = ResultStore.open(db)) {
            s = new ArchiveClassifier(SiteClassifier.builder().backend("cpu").build(),
                    new RtStructMaskSource(RegionDictionary.defaults()), DicomPlanLoader.defaults(), 2, null)
                    .run(archive.plans().toList(), store, ArchiveClassifier.Progress.NONE);
            Map<String, Map<String, Object>> rows = store.query(null, null).stream()
                    .collect(Collectors.toMap(r -> (String) r.get("patient_id"), r -> r));
            assertEquals(6, rows.size());
            assertEquals(2, s.ok());
            assertEquals(4, s.failed());
            assertEquals("Pelvis", rows.get("PHANTOM-prostate").get("labels"));
            assertEquals("Thorax", rows.get("PHANTOM-lung-sbrt").get("labels"));
            assertNull(rows.get("PHANTOM-prostate").get("error"));
            assertError(rows, "PHANTOM-femur", "no CT series linked");
            assertError(rows, "PHANTOM-esophagus", "dose outside the CT");
            assertError(rows, "PHANTOM-pelvic-nodes", slice.getFileName().toString());
            assertError(rows, "PHANTOM-v50-only", "none of its");
            assertError(rows, "PHANTOM-v50-only", "Organ_1");
        }
    }

    private static void assertError(Map<String, Map<String, Object>> rows, String patient, String part) {
        Map<String, Object> r = rows.get(patient);
        assertEquals("FAILED", r.get("status"), patient);
        assertTrue(String.valueOf(r.get("error")).contains(part), patient + ": " + r.get("error"));
    }
}
