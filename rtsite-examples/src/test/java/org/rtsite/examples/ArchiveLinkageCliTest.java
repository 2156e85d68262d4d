package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Issue 13.2–13.5 and 14.7 as a curator meets them: archives whose faults are made by pydicom
 * ({@code reexport.py}: dropped plans, re-anonymised UIDs, a reused Series Instance UID, one SOP
 * Instance UID on different content), run through {@code rtsite index}, {@code classify} and
 * {@code report}.
 */
class ArchiveLinkageCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path script;

    @TempDir
    Path dir;

    @BeforeAll
    static void pydicom(@TempDir Path tmp) throws Exception {
        // CI installs pydicom (scripts/setup.sh); without it there is no independent writer to build the faults
        org.junit.jupiter.api.Assumptions.assumeTrue(run("/usr/bin/python3", "-c", "import pydicom") == 0,
                "pydicom on /usr/bin/python3");
        script = tmp.resolve("reexport.py");
        try (InputStream in = ArchiveLinkageCliTest.class.getResourceAsStream("reexport.py")) {
            Files.copy(in, script);
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0 && cmd.length > 2 && cmd[1].endsWith("reexport.py")) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return p.exitValue();
    }

    private static void reexport(String action, Path folder, String... name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), action, folder.toString()));
        cmd.addAll(List.of(name));
        run(cmd.toArray(String[]::new));
    }

    private static PhantomArchive.Patient patient(Path root, PhantomScene scene) {
        return PhantomArchive.write(root, List.of(scene)).get(0);
    }

    private static Map<String, Map<String, String>> rows(Path db) {
        CliRun r = CliRun.of("report", "--db", db.toString(), "--format", "json");
        assertEquals(0, r.exit(), r.err());
        try {
            Map<String, Map<String, String>> out = new java.util.TreeMap<>();
            for (JsonNode row : JSON.readTree(r.out())) {
                Map<String, String> m = new java.util.LinkedHashMap<>();
                row.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
                out.put(m.get("plan_file"), m);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(r.out(), e);
        }
    }

    @Test
    void dosesWithoutPlanAreClassifiedKeyedByTheDoseReportedAndCanBeTurnedOff() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        PhantomArchive.Patient prostate = patient(root, PhantomScene.PROSTATE);
        reexport("drop-plan", lung.planFile().getParent());          // dose names a plan the archive lacks
        reexport("drop-plan-ref", prostate.planFile().getParent());  // dose engine export: no plan reference
        Path db = dir.resolve("a.db");

        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("linkage").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.out() + index.err());
        assertTrue(index.out().contains("no RTPLAN: the archive holds 2 RTDOSE object(s) and 2 image series but no RTPLAN;"
                + " 2 dose bundle(s) will be classified without a plan"), index.out());
        JsonNode linkage = JSON.readTree(dir.resolve("linkage/linkage.json").toFile());
        assertEquals(2, linkage.get("planlessDoses").size());
        assertEquals(2, linkage.get("summary").get("planlessDoses").asInt());
        assertTrue(Files.readString(dir.resolve("linkage/plans.csv")).contains("not in the archive"));

        CliRun off = CliRun.of("classify", "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-planless-doses", "--no-progress", "-j", "2", "--backend", "cpu");
        assertEquals(0, off.exit(), off.out() + off.err());
        assertTrue(off.out().contains("classify: 0 plans, masks from"), off.out());
        assertTrue(rows(db).isEmpty());

        CliRun on = CliRun.of("classify", "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "2", "--backend", "cpu");
        assertEquals(0, on.exit(), on.out() + on.err());
        assertTrue(on.out().contains("classify: 0 plans and 2 doses without plan"), on.out());
        assertTrue(on.out().contains("2 classified, 0 failed"), on.out());
        Map<String, Map<String, String>> rows = rows(db);
        assertEquals(java.util.Set.of(lung.doseFile().toAbsolutePath().normalize().toString(),
                prostate.doseFile().toAbsolutePath().normalize().toString()), rows.keySet());
        Map<String, String> l = rows.get(lung.doseFile().toAbsolutePath().normalize().toString());
        assertEquals("OK", l.get("status"));
        assertEquals("Thorax", l.get("primary_region"));
        assertNull(l.get("plan_uid"));
        assertEquals("RTDOSE references plan " + lung.planUid() + ", not in the archive", l.get("missing_plan"));
        assertTrue(l.get("linkage").contains("fallback STRUCTURE_SET by FRAME_OF_REFERENCE"), l.get("linkage"));
        Map<String, String> p = rows.get(prostate.doseFile().toAbsolutePath().normalize().toString());
        assertEquals("Pelvis", p.get("primary_region"));
        assertTrue(p.get("missing_plan").startsWith("RTDOSE has no ReferencedRTPlanSequence"), p.get("missing_plan"));
        // the results CSV lists them too
        assertTrue(Files.readString(dir.resolve("out/results.csv")).contains(",missing_plan,linkage"));
    }

    @Test
    void beamDosesOfAMissingPlanAreSummedIntoOneBundle() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        reexport("split-beams", lung.planFile().getParent()); // RD_b1.dcm + RD_b2.dcm, half the dose each
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "1", "--backend", "cpu");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("classify: 0 plans and 1 doses without plan"), r.out());
        Path folder = lung.planFile().toAbsolutePath().normalize().getParent();
        Map<String, Map<String, String>> rows = rows(db);
        assertEquals(java.util.Set.of(folder.resolve("RD_b1.dcm").toString()), rows.keySet());
        Map<String, String> row = rows.get(folder.resolve("RD_b1.dcm").toString());
        assertEquals("OK", row.get("status"), row.toString());
        assertEquals("Thorax", row.get("primary_region"));
        // the sum of the two halves is the phantom's prescription peak
        assertEquals(PhantomScene.PEAK_GY, Double.parseDouble(row.get("dose_grid_dmax_gy")), 0.5, row.toString());
        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("linkage").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.err());
        JsonNode bundle = JSON.readTree(dir.resolve("linkage/linkage.json").toFile()).get("planlessDoses").get(0);
        assertEquals("BEAM_SUM", bundle.get("dose").get("decision").asText());
        assertEquals(2, bundle.get("dose").get("files").size());
        assertTrue(bundle.get("dose").get("detail").asText().contains("whether a beam is missing cannot be checked"));
    }

    @Test
    void reanonymisedStructureSetUidLinksThroughTheRecordedFallbackAndTwoCandidatesLinkNothing() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        PhantomArchive.Patient prostate = patient(root, PhantomScene.PROSTATE);
        reexport("regen-rs-ref", lung.planFile().getParent());
        reexport("regen-rs-ref", prostate.planFile().getParent());
        reexport("second-rs", prostate.planFile().getParent(), "RS2.dcm");
        Files.delete(prostate.doseFile()); // a second missing link: the stored reason must list both
        Path db = dir.resolve("a.db");

        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "2", "--backend", "cpu");
        assertEquals(3, r.exit(), r.out() + r.err());
        Map<String, Map<String, String>> rows = rows(db);
        Map<String, String> l = rows.get(lung.planFile().toAbsolutePath().normalize().toString());
        assertEquals("OK", l.get("status"), l.toString());
        assertEquals("Thorax", l.get("primary_region"));
        assertTrue(l.get("linkage").contains("fallback STRUCTURE_SET by FRAME_OF_REFERENCE: referenced structure set ")
                && l.get("linkage").contains("is not in the archive; matched " + lung.structureSetFile().toAbsolutePath()
                .normalize()), l.get("linkage"));

        Map<String, String> p = rows.get(prostate.planFile().toAbsolutePath().normalize().toString());
        assertEquals("FAILED", p.get("status"));
        String error = p.get("error");
        Path folder = prostate.planFile().toAbsolutePath().normalize().getParent();
        assertTrue(error.contains("no dose linked"), error);
        assertTrue(error.contains("2 candidates competed: " + folder.resolve("RS.dcm") + ", " + folder.resolve("RS2.dcm")),
                error);
        assertTrue(error.contains("no RTDOSE references this plan's UID " + prostate.planUid()), error);
        assertTrue(p.get("linkage").contains("AMBIGUOUS_FALLBACK"), p.get("linkage"));

        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("linkage").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.err());
        // the lung plan's structure set, the prostate plan's CT (no structure set linked: by frame of reference)
        assertTrue(index.out().contains("2 with fallbacks"), index.out());
        assertTrue(index.out().lines().anyMatch(x -> x.trim().matches("AMBIGUOUS_FALLBACK\\s+1")), index.out());
    }

    @Test
    void contourImageReferencesNamingNothingLinkTheOneSeriesWithSlicesAtTheContourPositions() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        PhantomArchive.Patient prostate = patient(root, PhantomScene.PROSTATE);
        reexport("regen-contour-refs", lung.planFile().getParent());
        reexport("regen-contour-refs", prostate.planFile().getParent());
        reexport("second-series", prostate.planFile().getParent()); // CT3/: a second series at the same positions
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "2", "--backend", "cpu");
        assertEquals(3, r.exit(), r.out() + r.err());
        Map<String, Map<String, String>> rows = rows(db);
        Map<String, String> l = rows.get(lung.planFile().toAbsolutePath().normalize().toString());
        assertEquals("OK", l.get("status"), l.toString());
        assertEquals("Thorax", l.get("primary_region"));
        assertTrue(l.get("linkage").contains("fallback CT_SERIES by CONTOUR_POSITIONS: none of the structure set's")
                && l.get("linkage").contains("has a slice at each of its"), l.get("linkage"));

        Map<String, String> p = rows.get(prostate.planFile().toAbsolutePath().normalize().toString());
        assertEquals("FAILED", p.get("status"));
        Path folder = prostate.planFile().toAbsolutePath().normalize().getParent();
        assertTrue(p.get("error").contains("no CT series linked") && p.get("error").contains(
                "ambiguous image series fallback by contour positions: 2 candidates competed")
                && p.get("error").contains(folder.resolve("CT").toString()) && p.get("error").contains(
                folder.resolve("CT3").toString()), p.get("error"));
    }

    @Test
    void truncatedStructureSetAndDoseAreNamedWithTheReadersCauseInTheStoredReason() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        for (Path f : List.of(lung.structureSetFile(), lung.doseFile())) { // a copy cut short
            byte[] all = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(all, 600));
        }
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "1", "--backend", "cpu");
        assertEquals(3, r.exit(), r.out() + r.err());
        String error = rows(db).get(lung.planFile().toAbsolutePath().normalize().toString()).get("error");
        Path rs = lung.structureSetFile().toAbsolutePath().normalize();
        Path rd = lung.doseFile().toAbsolutePath().normalize();
        assertTrue(error.contains("no dose linked"), error);
        assertTrue(error.contains("no RTDOSE references this plan's UID " + lung.planUid()), error);
        assertTrue(error.contains("no structure set of patient PHANTOM-lung-sbrt is on the plan's frame of reference"), error);
        // both cut files, each with what the reader found
        assertTrue(error.contains(rd + " (" + rd + " at offset") && error.contains(rs + " (" + rs + " at offset"), error);
    }

    @Test
    void aCrossPatientStructureSetAndADuplicatedPlanUidAreNamedInTheStoredReasons() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        PhantomArchive.Patient prostate = patient(root, PhantomScene.PROSTATE);
        reexport("other-patient-rs", lung.planFile().getParent());
        reexport("dup-plan", prostate.planFile().getParent(), "RP_edited.dcm");
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "2", "--backend", "cpu");
        assertEquals(3, r.exit(), r.out() + r.err());
        Map<String, Map<String, String>> rows = rows(db);
        String lungError = rows.get(lung.planFile().toAbsolutePath().normalize().toString()).get("error");
        Path rs = lung.structureSetFile().toAbsolutePath().normalize();
        assertTrue(lungError.contains("no structure set linked") && lungError.contains("referenced structure set refused: "
                + rs + ": plan's structure set reference") && lungError.contains("resolves to another patient: PatientID "
                + "'PHANTOM-lung-sbrt' vs 'SOMEONE-ELSE'"), lungError);

        Path folder = prostate.planFile().toAbsolutePath().normalize().getParent();
        for (String plan : List.of("RP.dcm", "RP_edited.dcm")) {
            Map<String, String> row = rows.get(folder.resolve(plan).toString());
            assertEquals("FAILED", row.get("status"), plan);
            String e = row.get("error");
            assertTrue(e.contains("no dose linked") && e.contains("plan SOP Instance UID " + prostate.planUid()
                    + " is carried by 2 files with different content (fractions differ): " + folder.resolve("RP.dcm")
                    + ", " + folder.resolve("RP_edited.dcm")) && e.contains("every RTDOSE referencing this plan was refused: "
                    + folder.resolve("RD.dcm")), e);
        }
    }

    @Test
    void aSeriesUidReusedByAnotherReconstructionIsSplitAndTheContouredOneLinked() throws Exception {
        Path root = dir.resolve("archive");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        reexport("reuse-series", lung.planFile().getParent()); // CT2/: same series UID and frame, shifted 40 mm
        Path db = dir.resolve("a.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out").toString(),
                "--no-progress", "-j", "1", "--backend", "cpu");
        assertEquals(0, r.exit(), r.out() + r.err());
        Map<String, String> row = rows(db).get(lung.planFile().toAbsolutePath().normalize().toString());
        assertEquals("OK", row.get("status"), row.toString());
        assertEquals("Thorax", row.get("primary_region"));
        assertTrue(row.get("linkage").contains("fallback CT_SERIES by CONTOUR_IMAGES"), row.get("linkage"));

        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("linkage").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.err());
        JsonNode linkage = JSON.readTree(dir.resolve("linkage/linkage.json").toFile());
        JsonNode conflict = linkage.get("archiveConflicts").get(0);
        assertEquals("DUPLICATE_SERIES_UID", conflict.get("type").asText());
        assertTrue(conflict.get("detail").asText().contains("image plane"), conflict.toString());
        JsonNode plan = linkage.get("plans").get(0);
        assertTrue(plan.get("ctFiles").toString().contains("/CT/") && !plan.get("ctFiles").toString().contains("/CT2/"));
    }

    @Test
    void oneSopUidOnDifferentDosesIsRefusedWhateverThePathOrderAndATransferSyntaxCopyIsNot() throws Exception {
        List<String> errors = new ArrayList<>();
        for (String other : List.of("A_RD.dcm", "Z_RD.dcm")) { // before and after RD.dcm in path order
            for (String action : List.of("dose-scaling", "dose-pixels")) {
                Path root = dir.resolve(action + "-" + other);
                PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
                reexport(action, lung.planFile().getParent(), other);
                Path db = dir.resolve(action + "-" + other + ".db");
                CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out",
                        dir.resolve("out-" + action + other).toString(), "--no-progress", "-j", "1", "--backend", "cpu");
                assertEquals(3, r.exit(), r.out() + r.err());
                Map<String, String> row = rows(db).get(lung.planFile().toAbsolutePath().normalize().toString());
                assertEquals("FAILED", row.get("status"));
                String e = row.get("error");
                Path folder = lung.planFile().toAbsolutePath().normalize().getParent();
                assertTrue(e.contains("no dose linked") && e.contains("is carried by 2 files with different content")
                        && e.contains(folder.resolve("RD.dcm").toString()) && e.contains(folder.resolve(other).toString()), e);
                assertTrue(e.contains(action.equals("dose-pixels") ? "pixel data differ"
                        : "DoseGridScaling or RescaleSlope/RescaleIntercept differ"), e);
                assertTrue(row.get("linkage").contains("DUPLICATE_SOP_UID"), row.get("linkage"));
                // paths and UIDs differ between the archives; what remains is the decision and its cause
                errors.add(e.replace(root.toAbsolutePath().normalize().toString(), "ROOT").replaceAll("ROOT\\S*?\\.dcm", "F")
                        .replaceAll("[0-9]+(\\.[0-9]+){2,}", "UID"));
            }
        }
        // the same refusal whether the other file sorts before or after RD.dcm: the outcome does not depend on path order
        assertEquals(errors.get(0), errors.get(2));
        assertEquals(errors.get(1), errors.get(3));

        Path root = dir.resolve("copy");
        PhantomArchive.Patient lung = patient(root, PhantomScene.LUNG_SBRT);
        reexport("dose-implicit", lung.planFile().getParent(), "A_RD.dcm");
        Path db = dir.resolve("copy.db");
        CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", dir.resolve("out-copy").toString(),
                "--no-progress", "-j", "1", "--backend", "cpu");
        assertEquals(0, r.exit(), r.out() + r.err());
        Map<String, String> row = rows(db).get(lung.planFile().toAbsolutePath().normalize().toString());
        assertEquals("OK", row.get("status"), row.toString());
        assertFalse(row.get("linkage") != null && row.get("linkage").contains("DUPLICATE_SOP_UID"), row.toString());
        CliRun index = CliRun.of("index", root.toString(), "--db", db.toString(), "--report",
                dir.resolve("linkage-copy").toString(), "--no-progress");
        assertEquals(0, index.exit(), index.err());
        assertTrue(Files.readString(dir.resolve("linkage-copy/orphans.csv")).lines()
                .anyMatch(x -> x.startsWith(lung.doseFile().toAbsolutePath().normalize() + ",COPY") && x.endsWith(
                        "identical copy of " + lung.doseFile().toAbsolutePath().normalize().resolveSibling("A_RD.dcm"))),
                "implicit VR copy is a copy (the first by path is kept)");
    }
}
