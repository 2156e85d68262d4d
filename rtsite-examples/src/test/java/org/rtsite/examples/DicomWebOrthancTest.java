package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicomweb.DicomWebClient;
import org.rtsite.dicom.Tag;
import org.rtsite.samples.PhantomArchive;

/**
 * {@code rtsite pull} and {@code rtsite classify --dicomweb} against a real Orthanc with its DICOMweb plugin,
 * holding the quick-start archive and real third-party RT files; the server requires HTTP basic
 * authentication, so every call also proves the credentials work and never leak.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DicomWebOrthancTest {

    private static final String USER = "curator";
    private static final String SECRET = "s3cret-Orthanc-pw-7781";

    @TempDir
    static Path work;
    static Orthanc orthanc;
    static Path archive;
    static Path passwordFile;
    /** SOP Instance UID to the file uploaded. */
    static Map<String, Path> uploaded = new HashMap<>();

    @BeforeAll
    static void startOrthanc() throws Exception {
        Assumptions.assumeTrue(Orthanc.available(), "orthanc and orthanc-dicomweb not installed (scripts/setup.sh)");
        orthanc = Orthanc.start(work, USER, SECRET);
        archive = work.resolve("archive");
        PhantomArchive.write(archive, QuickstartCommand.ARCHIVE_SCENES);
        Path thirdParty = work.resolve("third-party");
        Path publicRt = Path.of("../rtsite-dicom/src/test/resources/public-rt").toAbsolutePath().normalize();
        for (String f : List.of("dicompyler-core_example/ct.0.dcm", "dicompyler-core_example/rtss.dcm",
                "dicompyler-core_example/rtplan.dcm", "pydicom_rt/rtplan.dcm", "pydicom_rt/rtdose.dcm")) {
            Path to = thirdParty.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(publicRt.resolve(f), to);
        }
        int n = orthanc.upload(archive) + orthanc.upload(thirdParty);
        assertEquals(n, orthanc.instances());
        for (Path root : List.of(archive, thirdParty)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    uploaded.put(sop(p), p);
                }
            }
        }
        passwordFile = work.resolve("password.txt");
        Files.writeString(passwordFile, SECRET + "\n");
    }

    @AfterAll
    static void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    static String sop(Path p) {
        return DicomReader.defaults().withStopBeforePixelData(true).withOnlyTags(Tag.SOPInstanceUID).read(p)
                .dataset().getString(Tag.SOPInstanceUID);
    }

    /** SOP Instance UID to file, for every .dcm under a pull folder, checking the study/series/instance layout. */
    static Map<String, Path> pulled(Path into) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(into)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".dcm")).toList()) {
                var d = DicomReader.defaults().withStopBeforePixelData(true)
                        .withOnlyTags(Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID).read(p).dataset();
                assertEquals(into.resolve(d.getString(Tag.StudyInstanceUID)).resolve(d.getString(Tag.SeriesInstanceUID))
                        .resolve(d.getString(Tag.SOPInstanceUID) + ".dcm"), p);
                out.put(d.getString(Tag.SOPInstanceUID), p);
            }
        }
        return out;
    }

    private String[] pullArgs(Path into, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("pull", "--dicomweb", orthanc.dicomWeb(), "--user", USER,
                "--password-file", passwordFile.toString(), "--into", into.toString(), "--no-progress"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void pullsEveryPlanWithItsLinkedObjectsByteForByteThenNothingTheSecondTime() throws Exception {
        Path into = work.resolve("pulled-all");
        CliRun r = CliRun.of(pullArgs(into));
        assertEquals(0, r.exit(), r.out() + r.err());
        Map<String, Path> got = pulled(into);
        // the quick-start archive (5 plans, their doses, structure sets and CT series), the dicompyler plan with
        // its structure set and the one CT slice of its series, pydicom's plan and dose (dangling references)
        assertEquals(uploaded.keySet(), got.keySet());
        for (Map.Entry<String, Path> e : uploaded.entrySet()) {
            assertArrayEquals(Files.readAllBytes(e.getValue()), Files.readAllBytes(got.get(e.getKey())), e.getKey());
        }
        assertTrue(r.out().contains("not on the server: RTSTRUCT referenced by RTPLAN 1.2.777.777.77.7.7777.7777."
                + "20030903150023: 1.2.333.444.55.6.7777.88888"), r.out());
        assertTrue(r.out().contains(uploaded.size() + " instances fetched"), r.out());
        assertFalse((r.out() + r.err()).contains(SECRET));

        CliRun again = CliRun.of(pullArgs(into));
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains(" 0 instances fetched"), again.out());
        assertTrue(again.out().contains(uploaded.size() + " already present"), again.out());
    }

    @Test
    void patientAndModalityFiltersPullOnlyThatPlanAndWhatItLinks() throws Exception {
        Path into = work.resolve("pulled-one");
        CliRun r = CliRun.of(pullArgs(into, "--patient", "123456", "--modality", "RTPLAN", "--since", "1900-01-01"));
        assertEquals(0, r.exit(), r.out() + r.err());
        Map<String, Path> got = pulled(into);
        assertEquals(3, got.size(), got.toString()); // dicompyler's plan, structure set and CT slice
        for (String sop : got.keySet()) {
            assertTrue(uploaded.get(sop).toString().contains("dicompyler"), sop);
        }
        CliRun none = CliRun.of(pullArgs(work.resolve("pulled-none"), "--since", "2100-01-01"));
        assertEquals(0, none.exit(), none.out() + none.err());
        assertTrue(none.out().contains("0 plans and doses found"), none.out());
    }

    @Test
    void killedPullResumesWithoutFetchingAgain() throws Exception {
        Path into = work.resolve("pulled-killed");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RtsiteCli.class.getName()));
        cmd.addAll(List.of(pullArgs(into, "--patient", "PHANTOM-whole-brain,PHANTOM-prostate")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("killed.log").toFile())
                .start();
        int atKill;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count(into) < 40 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(p.isAlive(), "the pull ended before it could be killed: " + Files.readString(work.resolve("killed.log")));
            p.destroyForcibly();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        Map<String, Path> before = pulled(into);
        atKill = before.size();
        Map<String, Object> keys = new HashMap<>();
        for (Map.Entry<String, Path> e : before.entrySet()) {
            keys.put(e.getKey(), Files.readAttributes(e.getValue(), BasicFileAttributes.class).fileKey());
        }
        CliRun resumed = CliRun.of(pullArgs(into, "--patient", "PHANTOM-whole-brain,PHANTOM-prostate"));
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        Map<String, Path> after = pulled(into);
        long expected = uploaded.values().stream().filter(f -> f.toString().contains("whole-brain")
                || f.toString().contains("prostate")).count();
        assertEquals(expected, after.size());
        assertTrue(atKill < expected, atKill + " of " + expected);
        for (Map.Entry<String, Path> e : after.entrySet()) {
            assertArrayEquals(Files.readAllBytes(uploaded.get(e.getKey())), Files.readAllBytes(e.getValue()));
        }
        // the instances there before were neither fetched nor rewritten
        for (Map.Entry<String, Object> e : keys.entrySet()) {
            assertEquals(e.getValue(), Files.readAttributes(after.get(e.getKey()), BasicFileAttributes.class).fileKey());
        }
        assertTrue(resumed.out().contains((expected - atKill) + " instances fetched"), atKill + "\n" + resumed.out());
        assertTrue(resumed.out().contains(atKill + " already present"), resumed.out());
        try (Stream<Path> s = Files.list(into.resolve(".partial"))) {
            assertEquals(0, s.count());
        }
    }

    /** Instances pulled so far, counted while the pull runs. */
    private static int count(Path into) throws IOException {
        if (!Files.isDirectory(into)) {
            return 0;
        }
        while (true) {
            try (Stream<Path> s = Files.walk(into)) {
                return (int) s.filter(f -> f.toString().endsWith(".dcm")).count();
            } catch (java.io.UncheckedIOException e) {
                // the running pull renamed a .partial file the walk had listed but not yet looked at: walk again
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
            }
        }
    }

    /** plan UID to "labels|rule" as classify stored them. */
    static Map<String, String> labels(Path db) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT plan_uid, status, labels, rule FROM plan_result")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return m;
    }

    /** Last: it stores isodose RTSTRUCTs into the server, which the pulls above do not expect. */
    @Test
    @Order(Integer.MAX_VALUE)
    void classifyFromDicomWebLabelsLikeTheFolderAndStoresTheIsodoseRtstructAndQaPictureBack() throws Exception {
        List<String> phantoms = QuickstartCommand.ARCHIVE_SCENES.stream().map(s -> "PHANTOM-" + s.cliName()).toList();
        Path folderDb = work.resolve("folder.db");
        CliRun folder = CliRun.of("classify", archive.toString(), "--db", folderDb.toString(), "--out",
                work.resolve("folder-out").toString(), "--no-progress", "-j", "2");
        assertEquals(0, folder.exit(), folder.out() + folder.err());
        Map<String, String> expected = labels(folderDb);
        assertEquals(5, expected.size());

        // rtsite classify --dicomweb: pull into the default cache, index, classify, STOW the isodose RTSTRUCTs
        Path webDb = work.resolve("web.db");
        CliRun web = CliRun.of("classify", "--dicomweb", orthanc.dicomWeb(), "--user", USER, "--password-file",
                passwordFile.toString(), "--patient", String.join(",", phantoms), "--db", webDb.toString(),
                "--no-progress", "-j", "2", "--store-results", "--qa-dicom");
        assertEquals(0, web.exit(), web.out() + web.err());
        assertEquals(expected, labels(webDb));
        assertTrue(Files.isDirectory(work.resolve("web-dicomweb")), "default cache next to --db");
        assertTrue(web.out().contains("stored: 5 isodose RTSTRUCT(s) sent to " + orthanc.dicomWeb() + " with STOW-RS, "
                + "0 failed"), web.out());
        assertTrue(web.out().contains("stored: 5 QA Secondary Capture(s) sent to " + orthanc.dicomWeb()
                + " with STOW-RS, 0 failed"), web.out());
        for (String text : List.of(web.out(), web.err(), new String(Files.readAllBytes(webDb), StandardCharsets.ISO_8859_1))) {
            assertFalse(text.contains(SECRET), "the password leaked");
            assertFalse(text.contains(Base64.getEncoder().encodeToString((USER + ":" + SECRET).getBytes(StandardCharsets.UTF_8))));
        }

        // QIDO finds each isodose RTSTRUCT in its plan's study on the server
        DicomWebClient client = DicomWebClient.builder(java.net.URI.create(orthanc.dicomWeb()))
                .basicAuth(USER, SECRET.toCharArray()).build();
        Path isodoseDir = work.resolve("web-results").resolve("isodose");
        List<Path> isodose;
        try (Stream<Path> s = Files.list(isodoseDir)) {
            isodose = s.filter(p -> p.toString().endsWith(".dcm")).toList();
        }
        assertEquals(5, isodose.size());
        for (Path f : isodose) {
            var d = DicomReader.defaults().withStopBeforePixelData(true)
                    .withOnlyTags(Tag.SOPInstanceUID, Tag.StudyInstanceUID).read(f).dataset();
            List<String> found = client.searchInstances(d.getString(Tag.StudyInstanceUID), null,
                            Map.of("Modality", "RTSTRUCT")).stream().map(q -> q.getString(Tag.SOPInstanceUID)).toList();
            assertTrue(found.contains(d.getString(Tag.SOPInstanceUID)), f + " not in its study: " + found);
        }

        try (Stream<Path> s = Files.list(work.resolve("web-results").resolve("qa"))) {
            List<Path> sc = s.filter(p -> p.toString().endsWith(".dcm")).toList();
            assertEquals(5, sc.size());
            for (Path f : sc) {
                var d = DicomReader.defaults().withStopBeforePixelData(true)
                        .withOnlyTags(Tag.SOPInstanceUID, Tag.StudyInstanceUID).read(f).dataset();
                List<String> found = client.searchInstances(d.getString(Tag.StudyInstanceUID), null,
                        Map.of("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7")).stream()
                        .map(q -> q.getString(Tag.SOPInstanceUID)).toList();
                assertTrue(found.contains(d.getString(Tag.SOPInstanceUID)), f + " not in its study: " + found);
            }
        }

        // a second run fetches nothing and classifies nothing new
        CliRun again = CliRun.of("classify", "--dicomweb", orthanc.dicomWeb(), "--user", USER, "--password-file",
                passwordFile.toString(), "--patient", String.join(",", phantoms), "--db", webDb.toString(),
                "--no-progress");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains(" 0 instances fetched"), again.out());
        assertEquals(expected, labels(webDb));
    }
}
