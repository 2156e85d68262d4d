package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.nifti.Nifti;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;

/**
 * {@code rtsite classify --nifti} on label maps as TotalSegmentator writes them for a NIfTI made by
 * the real dcm2niix: same voxel centres as the CT, dcm2niix's voxel order (rows flipped; slices
 * flipped for feet-first and descending series), dcm2niix's header. The label maps are put into
 * dcm2niix's order by a numpy script through the two affines, independently of rtsite's re-indexing.
 */
class NiftiDcm2niixCliTest {

    @TempDir
    Path dir;

    /**
     * Three CT series: head-first ascending; feet-first (PatientPosition FFS, rows running to the
     * patient's right, so the slice normal points to the feet); head-first with InstanceNumber
     * running from the head down (descending positions).
     */
    private record Case(String name, PhantomScene scene, ImageGrid grid, String patientPosition, boolean descending,
                        String order, String reorder) {
    }

    private static List<Case> cases() {
        ImageGrid b = PhantomScene.LIVER_SBRT.ctGrid();
        ImageGrid ffs = new ImageGrid(b.nx(), b.ny(), b.nz(), b.dx(), b.dy(), b.dz(),
                b.toPatient(b.nx() - 1, 0, b.nz() - 1), Vec3.X.times(-1), Vec3.Y, Vec3.Z.times(-1));
        // order: the voxel order of the label map, dcm2niix's own ("1") or RAS+ (nibabel's closest canonical)
        return List.of(new Case("hfs", PhantomScene.PROSTATE, PhantomScene.PROSTATE.ctGrid(), "HFS", false, "1",
                        "i←i, j←-j, k←k"),
                new Case("ffs", PhantomScene.LIVER_SBRT, ffs, "FFS", false, "ras", "i←i, j←-j, k←-k"),
                new Case("descending", PhantomScene.OROPHARYNX, PhantomScene.OROPHARYNX.ctGrid(), "HFS", true, "1",
                        "i←i, j←-j, k←k"),
                new Case("descending-ras", PhantomScene.WHOLE_BRAIN, PhantomScene.WHOLE_BRAIN.ctGrid(), "HFS", true,
                        "ras", "i←-i, j←-j, k←k"));
    }

    @Test
    void dcm2niixOrderedLabelMapsGiveTheRtstructLabelsAndOffGridMapsNeedTheResampleOption() throws Exception {
        assumeTrue(onPath("dcm2niix") && onPath("dcmodify") && python(), "dcm2niix, dcmtk and numpy (scripts/setup.sh)");
        Path root = dir.resolve("archive");
        Path seg = dir.resolve("totalseg");
        Path coarse = dir.resolve("totalseg-coarse");
        Path script = script();
        Map<String, Case> byPatient = new LinkedHashMap<>();
        for (Case c : cases()) {
            PhantomPlan plan = c.scene().build(c.grid(), Vec3.ZERO);
            PhantomArchive.Patient p = PhantomArchive.write(root.resolve(c.name()), c.scene(), plan);
            byPatient.put(p.patientId(), c);
            List<Path> slices;
            try (Stream<Path> files = Files.list(p.ctDir())) {
                slices = files.sorted().toList();  // ct0000.dcm upwards: ascending z
            }
            for (int k = 0; k < slices.size(); k++) {
                List<String> edit = new ArrayList<>(List.of("dcmodify", "-nb"));
                if (!c.patientPosition().equals("HFS")) {
                    edit.addAll(List.of("-i", "(0018,5100)=" + c.patientPosition()));
                }
                if (c.descending()) {
                    edit.addAll(List.of("-m", "(0020,0013)=" + (slices.size() - k)));
                }
                if (edit.size() > 2) {
                    edit.add(slices.get(k).toString());
                    run(edit.toArray(String[]::new));
                }
            }
            Path nii = dir.resolve("dcm2niix").resolve(c.name());
            Files.createDirectories(nii);
            run("dcm2niix", "-z", "y", "-f", "ct", "-o", nii.toString(), p.ctDir().toString());
            Path ct = nii.resolve("ct.nii.gz");
            assertTrue(Files.isRegularFile(ct), "dcm2niix wrote no ct.nii.gz for " + c.name());
            // dcm2niix really stores another voxel order than the CT series: otherwise this test proves nothing
            assertFalse(Nifti.read(ct).grid().sameGeometry(rtsiteGrid(plan), 0.01), c.name());
            for (LabelMap lm : plan.masks().labelMaps()) {
                Path onCt = dir.resolve("rtsite-order").resolve(c.name()).resolve(lm.task() + ".nii.gz");
                Files.createDirectories(onCt.getParent());
                Nifti.writeLabelMap(onCt, lm);
                Path out = seg.resolve(p.patientId()).resolve(lm.task() + ".nii.gz");
                Files.createDirectories(out.getParent());
                run("/usr/bin/python3", script.toString(), ct.toString(), onCt.toString(), out.toString(), c.order());
                Path down = coarse.resolve(p.patientId()).resolve(lm.task() + ".nii.gz");
                Files.createDirectories(down.getParent());
                if (c.name().equals("hfs")) {
                    run("/usr/bin/python3", script.toString(), ct.toString(), onCt.toString(), down.toString(), "2");
                } else {
                    Files.copy(out, down);
                }
            }
        }

        Path rtstructDb = dir.resolve("rtstruct.db");
        CliRun rs = CliRun.of("classify", root.toString(), "--db", rtstructDb.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress");
        assertEquals(0, rs.exit(), rs.out() + rs.err());
        Path niftiDb = dir.resolve("nifti.db");
        CliRun nifti = CliRun.of("classify", root.toString(), "--db", niftiDb.toString(), "--nifti", seg.toString(),
                "-j", "2", "--backend", "cpu", "--no-progress");
        assertEquals(0, nifti.exit(), nifti.out() + nifti.err());
        assertTrue(nifti.out().contains("4 classified, 0 failed"), nifti.out());

        Map<String, SiteResult> viaRtstruct = results(rtstructDb);
        Map<String, SiteResult> viaNifti = results(niftiDb);
        assertEquals(byPatient.keySet(), viaNifti.keySet());
        for (Map.Entry<String, Case> e : byPatient.entrySet()) {
            String patient = e.getKey();
            SiteResult expected = viaRtstruct.get(patient);
            SiteResult got = viaNifti.get(patient);
            assertEquals(e.getValue().scene().expectedLabels(), expected.labels(), patient + " via RTSTRUCT");
            assertEquals(expected.labels(), got.labels(), patient);
            assertEquals(expected.rule(), got.rule(), patient);
            assertEquals(expected.v85Cc(), got.v85Cc(), 1e-9, patient);
            // the same voxels, so the same organ overlaps as the rasterized contours
            Map<String, OrganMetrics> byCanonical = new HashMap<>();
            expected.organs().forEach(o -> byCanonical.put(o.canonical(), o));
            int compared = 0;
            for (OrganMetrics o : got.organs()) {
                OrganMetrics x = byCanonical.get(o.canonical());
                if (x != null && x.voxels() > 0) {
                    assertEquals(x.v85Voxels(), o.v85Voxels(), patient + " " + o.name());
                    assertEquals(x.v50Voxels(), o.v50Voxels(), patient + " " + o.name());
                    assertEquals(x.voxels(), o.voxels(), patient + " " + o.name());
                    compared++;
                }
            }
            assertTrue(compared >= 2, patient + ": " + compared + " organs compared");
            assertTrue(expected.maskNotes().isEmpty(), patient + " " + expected.maskNotes());
            assertEquals(1, got.maskNotes().size(), patient + " " + got.maskNotes());
            String note = got.maskNotes().get(0);
            assertTrue(note.contains("total.nii.gz") && note.contains("re-indexed exactly")
                    && note.contains(e.getValue().reorder()) && !note.contains(patient), patient + ": " + note);
        }

        // a map on a genuinely different grid (every 2nd voxel): refused, naming both grids
        Path refusedDb = dir.resolve("refused.db");
        CliRun refused = CliRun.of("classify", root.toString(), "--db", refusedDb.toString(), "--nifti",
                coarse.toString(), "-j", "2", "--backend", "cpu", "--no-progress");
        assertEquals(3, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.out().contains("3 classified, 1 failed"), refused.out());
        String error;
        try (ResultStore store = ResultStore.open(refusedDb)) {
            error = (String) store.query(null, "FAILED").get(0).get("error");
        }
        assertTrue(error.contains("totalseg-coarse/PHANTOM-prostate/") && error.contains("not on the CT grid")
                && error.contains("51×33×") && error.contains("101×66×") && error.contains("--nifti-resample nearest"),
                error);

        // ... and resampled by nearest neighbour when asked, which the result records
        Path nearestDb = dir.resolve("nearest.db");
        CliRun nearest = CliRun.of("classify", root.toString(), "--db", nearestDb.toString(), "--nifti",
                coarse.toString(), "--nifti-resample", "nearest", "-j", "2", "--backend", "cpu", "--no-progress");
        assertEquals(0, nearest.exit(), nearest.out() + nearest.err());
        Map<String, SiteResult> resampled = results(nearestDb);
        String hfsPatient = "PHANTOM-" + PhantomScene.PROSTATE.cliName();
        SiteResult r = resampled.get(hfsPatient);
        assertNotNull(r, resampled.keySet().toString());
        assertEquals(viaRtstruct.get(hfsPatient).labels(), r.labels());
        assertEquals(1, r.maskNotes().size(), r.maskNotes().toString());
        assertTrue(r.maskNotes().get(0).contains("resampled by nearest neighbour from grid 51×33×"), r.maskNotes().get(0));
        String json = Files.readString(firstJson(dir.resolve("nearest-results/json"), r), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"maskNotes\"") && json.contains("nearest neighbour"), json);

        CliRun wrong = CliRun.of("classify", "--db", nearestDb.toString(), "--nifti-resample", "linear");
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().contains("none or nearest"), wrong.err());
    }

    private static ImageGrid rtsiteGrid(PhantomPlan plan) {
        return plan.ct().grid();
    }

    /**
     * One file per structure, from a third party end to end: plastimatch rasterizes the RTSTRUCT and
     * resamples each mask onto dcm2niix's NIfTI (so the files carry dcm2niix's voxel order and ITK's
     * header). Same labels and organ voxels as the RTSTRUCT path, for a head-first and a feet-first series.
     */
    @Test
    void plastimatchMasksOnDcm2niixGridsGiveTheRtstructResults() throws Exception {
        assumeTrue(onPath("dcm2niix") && onPath("dcmodify") && onPath("plastimatch"),
                "dcm2niix, dcmtk and plastimatch (scripts/setup.sh)");
        Path root = dir.resolve("archive");
        Path seg = dir.resolve("seg");
        List<String> patients = new ArrayList<>();
        for (Case c : cases().subList(0, 2)) {
            PhantomArchive.Patient p = PhantomArchive.write(root.resolve(c.name()), c.scene(), c.scene().build(c.grid(), Vec3.ZERO));
            patients.add(p.patientId());
            if (!c.patientPosition().equals("HFS")) {
                try (Stream<Path> slices = Files.list(p.ctDir())) {
                    for (Path f : slices.toList()) {
                        run("dcmodify", "-nb", "-i", "(0018,5100)=" + c.patientPosition(), f.toString());
                    }
                }
            }
            Path nii = dir.resolve("dcm2niix").resolve(c.name());
            Files.createDirectories(nii);
            run("dcm2niix", "-z", "y", "-f", "ct", "-o", nii.toString(), p.ctDir().toString());
            Path itk = dir.resolve("plastimatch").resolve(c.name());
            run("plastimatch", "convert", "--input", p.structureSetFile().toString(), "--referenced-ct",
                    p.ctDir().toString(), "--output-prefix", itk.toString(), "--prefix-format", "nii.gz");
            Path out = Files.createDirectories(seg.resolve(p.patientId()).resolve("segmentations"));
            try (Stream<Path> masks = Files.list(itk)) {
                for (Path m : masks.toList()) {
                    run("plastimatch", "resample", "--input", m.toString(), "--fixed", nii.resolve("ct.nii.gz").toString(),
                            "--output", out.resolve(m.getFileName()).toString(), "--interpolation", "nn");
                }
            }
        }
        Path rtstructDb = dir.resolve("rtstruct.db");
        CliRun rs = CliRun.of("classify", root.toString(), "--db", rtstructDb.toString(), "-j", "2", "--backend", "cpu",
                "--no-progress");
        assertEquals(0, rs.exit(), rs.out() + rs.err());
        Path niftiDb = dir.resolve("nifti.db");
        CliRun nifti = CliRun.of("classify", root.toString(), "--db", niftiDb.toString(), "--nifti", seg.toString(),
                "-j", "2", "--backend", "cpu", "--no-progress");
        assertEquals(0, nifti.exit(), nifti.out() + nifti.err());
        Map<String, SiteResult> viaRtstruct = results(rtstructDb);
        Map<String, SiteResult> viaNifti = results(niftiDb);
        for (String patient : patients) {
            SiteResult expected = viaRtstruct.get(patient);
            SiteResult got = viaNifti.get(patient);
            assertEquals(expected.labels(), got.labels(), patient);
            assertEquals(expected.rule(), got.rule(), patient);
            Map<String, OrganMetrics> byCanonical = new HashMap<>();
            expected.organs().forEach(o -> byCanonical.put(o.canonical(), o));
            int compared = 0;
            for (OrganMetrics o : got.organs()) {
                OrganMetrics x = byCanonical.get(o.canonical());
                if (x != null && x.voxels() > 0) {
                    assertEquals(x.v85Voxels(), o.v85Voxels(), patient + " " + o.name());
                    assertEquals(x.voxels(), o.voxels(), patient + " " + o.name());
                    compared++;
                }
            }
            assertTrue(compared >= 2, patient + ": " + compared + " organs compared");
            assertEquals(1, got.maskNotes().size(), got.maskNotes().toString());
            assertTrue(got.maskNotes().get(0).contains("segmentations/Bladder.nii.gz") || got.maskNotes().get(0).contains("segmentations/Liver.nii.gz"),
                    got.maskNotes().get(0));
            assertTrue(got.maskNotes().get(0).contains("j←-j"), got.maskNotes().get(0));
        }
    }

    /**
     * A PatientID of {@code ..} names the parent of the --nifti folder; a segmentation planted there
     * (every voxel "brain") must never be read. The plan is found by its CT series UID instead.
     */
    @Test
    void patientIdOfDotDotNeverReadsOutsideTheNiftiFolder() throws Exception {
        assumeTrue(onPath("dcmodify") && onPath("dcmdump"), "dcmtk (scripts/setup.sh)");
        Path root = dir.resolve("archive");
        PhantomPlan plan = PhantomScene.PROSTATE.build();
        PhantomArchive.Patient p = PhantomArchive.write(root.resolve("p"), PhantomScene.PROSTATE, plan);
        List<Path> files = new ArrayList<>(List.of(p.planFile(), p.structureSetFile(), p.doseFile()));
        try (Stream<Path> slices = Files.list(p.ctDir())) {
            files.addAll(slices.toList());
        }
        for (Path f : files) {
            run("dcmodify", "-nb", "-m", "(0010,0020)=..", f.toString());
        }
        String dump = run("dcmdump", "+P", "0020,000e", files.get(files.size() - 1).toString());
        String series = dump.substring(dump.indexOf('[') + 1, dump.indexOf(']'));

        Path seg = dir.resolve("outer").resolve("seg");
        LabelMap total = plan.masks().labelMaps().stream().filter(m -> m.task().equals("total")).findFirst().orElseThrow();
        int brain = total.names().entrySet().stream().filter(e -> e.getValue().equals("brain")).findFirst()
                .orElseThrow().getKey();
        byte[] everywhereBrain = new byte[total.labels().length];
        java.util.Arrays.fill(everywhereBrain, (byte) brain);
        Files.createDirectories(seg);
        Nifti.writeLabelMap(dir.resolve("outer").resolve("total.nii.gz"),
                new LabelMap("total", total.grid(), everywhereBrain, total.names()));
        Files.createDirectories(seg.resolve(series));
        Nifti.writeLabelMap(seg.resolve(series).resolve("total.nii.gz"), total);

        Path db = dir.resolve("dotdot.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--nifti", seg.toString(),
                "-j", "1", "--backend", "cpu", "--no-progress");
        assertEquals(0, r.exit(), r.out() + r.err());
        Map<String, SiteResult> results = results(db);
        assertEquals(List.of(".."), List.copyOf(results.keySet()));
        assertEquals(PhantomScene.PROSTATE.expectedLabels(), results.get("..").labels());
        assertTrue(results.get("..").organs().stream().noneMatch(o -> o.canonical().equals("brain")),
                results.get("..").organs().toString());

        // without the series folder nothing else fits: the plan fails, and still reads nothing outside
        Files.delete(seg.resolve(series).resolve("total.nii.gz"));
        Files.delete(seg.resolve(series));
        CliRun missing = CliRun.of("classify", "--db", dir.resolve("missing.db").toString(), root.toString(),
                "--nifti", seg.toString(), "-j", "1", "--backend", "cpu", "--no-progress");
        assertEquals(3, missing.exit(), missing.out() + missing.err());
        String error;
        try (ResultStore store = ResultStore.open(dir.resolve("missing.db"))) {
            error = (String) store.query(null, "FAILED").get(0).get("error");
        }
        assertTrue(error.contains("no NIfTI segmentation folder") && error.contains(series) && !error.contains("[.."),
                error);
    }

    /** The result file of the plan {@code r} (the one whose labels and V85 volume it has). */
    private static Path firstJson(Path jsonDir, SiteResult r) throws IOException {
        try (Stream<Path> files = Files.list(jsonDir)) {
            for (Path f : files.toList()) {
                SiteResult s = SiteResultJson.read(Files.readString(f));
                if (s.maskNotes().equals(r.maskNotes()) && s.v85Cc() == r.v85Cc()) {
                    return f;
                }
            }
        }
        throw new AssertionError("no JSON file in " + jsonDir + " holds the result");
    }

    private static Map<String, SiteResult> results(Path db) {
        Map<String, SiteResult> out = new HashMap<>();
        try (ResultStore store = ResultStore.open(db)) {
            for (Map<String, Object> row : store.query(null, "OK")) {
                out.put((String) row.get("patient_id"), SiteResultJson.read(store.resultJson((String) row.get("plan_file"))));
            }
        }
        return out;
    }

    private Path script() throws IOException {
        Path f = dir.resolve("labels_like_dcm2niix.py");
        try (InputStream in = NiftiDcm2niixCliTest.class.getResourceAsStream("labels_like_dcm2niix.py")) {
            Files.copy(in, f);
        }
        return f;
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    private static boolean python() {
        try {
            return Files.isExecutable(Path.of("/usr/bin/python3"))
                    && new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + text);
        return text;
    }
}
