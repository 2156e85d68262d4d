package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.pipeline.ArchiveClassifier;
import org.rtsite.pipeline.DicomPlanLoader;
import org.rtsite.pipeline.RtStructMaskSource;
import org.rtsite.pipeline.store.Pseudonymizer;
import org.rtsite.samples.PhantomArchive;

/**
 * {@code classify --pseudonymize} and {@code report --pseudonymize} on an archive whose PatientID,
 * PatientName (set by pydicom) and folder names all hold one known string: it appears in no output
 * file and on no console line, and the pseudonyms are the keyed hashes, stable from run to run.
 */
class PseudonymizeCommandTest {

    private static final String SECRET = "ZZSECRET42";

    @TempDir
    Path dir;

    @Test
    void noPatientIdentifierInAnyOutputOrConsoleLine() throws Exception {
        assumeTrue(CliProcess.pydicomAvailable(), "pydicom (scripts/setup.sh) not installed");
        Path root = dir.resolve("archive");
        PhantomArchive.write(root, List.of(PhantomScene.PROSTATE, PhantomScene.LUNG_SBRT));
        Files.move(root.resolve(PhantomScene.PROSTATE.cliName()), root.resolve(SECRET + "_A_prostate"));
        Files.move(root.resolve(PhantomScene.LUNG_SBRT.cliName()), root.resolve(SECRET + " B lung"));
        // (a folder name with a space, as curators name them, must not cut a path short when scrubbed)
        // PatientID and PatientName as a real export holds them, written by an independent tool
        CliProcess.tool("/usr/bin/python3", "-c", String.join("\n",
                "import os, sys, pydicom",
                "for d, _, fs in os.walk(sys.argv[1]):",
                "    for f in fs:",
                "        p = os.path.join(d, f)",
                "        ds = pydicom.dcmread(p)",
                "        who = 'A' if '_A_' in d else 'B'",
                "        ds.PatientID = sys.argv[2] + who",
                "        ds.PatientName = sys.argv[2] + '^' + who",
                "        ds.save_as(p)"), root.toString(), SECRET);
        // one plan fails with a message that names a file of the archive: half of a CT slice is missing
        Path lungCt = root.resolve(SECRET + " B lung").resolve("CT");
        Path slice;
        try (Stream<Path> s = Files.list(lungCt)) {
            slice = s.sorted().skip(5).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(slice);
        Files.write(slice, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path key = Files.writeString(dir.resolve("site.key"), "a site secret of more than 16 bytes\n");
        Pseudonymizer p = Pseudonymizer.fromKeyFile(key);
        Path db = dir.resolve("p.db");
        Path out = dir.resolve("out");

        // --verbose as well: library log lines would name plan files, so they stay off with --pseudonymize
        CliProcess run = CliProcess.of(dir, "classify", root.toString(), "--db", db.toString(), "--out", out.toString(),
                "--isodose-rtstruct", "--qa-png", "--backend", "cpu", "--pseudonymize", "--pseudonym-key",
                key.toString(), "--verbose");
        assertEquals(3, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("2 plans, 1 classified, 1 failed"), run.out());
        assertTrue(storedError(db).contains(SECRET), "the database keeps the real paths: " + storedError(db));
        assertFalse((run.out() + run.err()).contains(SECRET), run.out() + run.err());
        List<Path> outputs = files(out);
        assertEquals(4, outputs.size(), "results.csv, a JSON, an isodose RTSTRUCT, a QA picture: " + outputs);
        for (Path f : outputs) {
            assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET), f.toString());
        }
        String csv = Files.readString(out.resolve("results.csv"));
        assertTrue(csv.contains(p.patient(SECRET + "A")) && csv.contains(p.patient(SECRET + "B")), csv);
        assertTrue(csv.contains(p.file(root.resolve(SECRET + "_A_prostate").resolve("RP.dcm").toString())), csv);
        assertTrue(csv.contains(p.file(lungCt.getParent().toString()) + "/CT/" + slice.getFileName() + " at offset"),
                "the failure's reason is kept, the patient's folder pseudonymized: " + csv);
        try (Stream<Path> s = Files.list(out.resolve("isodose"))) {
            RtStructureSet iso = RtStructureSet.read(s.findFirst().orElseThrow());
            assertEquals(p.patient(SECRET + "A"), iso.patientId());
        }

        // the same key gives the same pseudonyms in another run, which finds every plan already stored with
        // its outputs (a new --out would classify the plans again to write their files there) and writes
        // results.csv anew from the database
        Files.delete(out.resolve("results.csv"));
        CliRun again = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "--isodose-rtstruct",
                "--qa-png", "--pseudonymize", "--pseudonym-key", key.toString(), "--no-progress");
        assertEquals(3, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("0 classified"), again.out());
        assertEquals(csv, Files.readString(out.resolve("results.csv")));

        for (String format : List.of("csv", "json")) {
            CliRun report = CliRun.of("report", "--db", db.toString(), "--format", format, "--pseudonymize",
                    "--pseudonym-key", key.toString());
            assertEquals(0, report.exit(), report.err());
            assertFalse((report.out() + report.err()).contains(SECRET), report.out());
            assertTrue(report.out().contains(p.patient(SECRET + "B")), report.out());
            CliRun plain = CliRun.of("report", "--db", db.toString(), "--format", format);
            assertTrue(plain.out().contains(SECRET), "without the switch the curator sees the identifiers: " + plain.out());
        }

        // index: the linkage report names every file, patient and conflict; with the switch none of them
        Path report = dir.resolve("linkage");
        CliRun index = CliRun.of("index", root.toString(), "--db", dir.resolve("index.db").toString(), "--report",
                report.toString(), "--pseudonymize", "--pseudonym-key", key.toString(), "--no-progress");
        assertEquals(0, index.exit(), index.out() + index.err());
        assertFalse((index.out() + index.err()).contains(SECRET), index.out() + index.err());
        List<Path> reportFiles = files(report);
        assertEquals(4, reportFiles.size(), reportFiles.toString());
        for (Path f : reportFiles) {
            assertFalse(Files.readString(f).contains(SECRET), f + ": " + Files.readString(f));
        }
        String plans = Files.readString(report.resolve("plans.csv"));
        assertTrue(plans.contains(p.file(root.resolve(SECRET + " B lung").resolve("RP.dcm").toString()))
                && plans.contains(p.patient(SECRET + "B")), plans);
        com.fasterxml.jackson.databind.JsonNode linkage = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(report.resolve("linkage.json").toFile());
        assertEquals(2, linkage.get("plans").size(), "still a JSON report: " + linkage);
        CliRun plainIndex = CliRun.of("index", root.toString(), "--db", dir.resolve("index.db").toString(), "--report",
                dir.resolve("linkage-plain").toString(), "--no-progress");
        assertTrue(Files.readString(dir.resolve("linkage-plain").resolve("plans.csv")).contains(SECRET),
                plainIndex.out());

        // the QA picture's header draws this caption
        try (DicomArchive archive = DicomArchive.open(db)) {
            ArchiveClassifier runner = new ArchiveClassifier(SiteClassifier.builder().backend("cpu").build(),
                    new RtStructMaskSource(RegionDictionary.defaults()), DicomPlanLoader.defaults(), 1, null)
                    .pseudonymizing(p);
            for (PlanBundle b : archive.plans().toList()) {
                String caption = runner.qaCaption(b);
                assertFalse(caption.contains(SECRET), caption);
                assertTrue(caption.startsWith(p.patient(b.patientId()) + " "), caption);
            }
        }

        CliRun noKey = CliRun.of("classify", "--db", db.toString(), "--pseudonymize", "--pseudonym-key",
                dir.resolve("missing.key").toString());
        assertEquals(2, noKey.exit());
        assertTrue(noKey.err().contains("missing.key"), noKey.err());
    }

    private static List<Path> files(Path root) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(out::add);
        }
        return out;
    }

    private static String storedError(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(error) FROM plan_result WHERE status = 'FAILED'")) {
            return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
        }
    }
}
