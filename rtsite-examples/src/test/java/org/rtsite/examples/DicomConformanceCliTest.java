package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Every kind of object rtsite writes passes dicom3tools' {@code dciodvfy} without an error (issue #18,
 * docs/dicom.md "Conformance"): the sample archive of every phantom scene (CT slices, RTSTRUCT, RTPLAN,
 * RTDOSE) and, made by {@code rtsite classify} on three of them, the isodose RTSTRUCT and the QA picture
 * as Secondary Capture. The only warnings allowed are those docs/dicom.md lists. pydicom reads every
 * file (pixels included) and shows the links: one study per patient, a series per object, the outputs in
 * the plan's study; dcmdump reads every file without a complaint.
 */
class DicomConformanceCliTest {

    /** The warnings docs/dicom.md explains; anything else fails the test. */
    private static final List<Pattern> DOCUMENTED_WARNINGS = List.of(
            // Type 2 StudyID (and, in the isodose RTSTRUCT, StudyDate/Time) empty: unknown to rtsite
            Pattern.compile("Warning - Missing attribute or value that would be needed to build DICOMDIR - Study (ID|Date|Time)"),
            // Type 2C Laterality empty: the body part is unknown to rtsite
            Pattern.compile("Warning - is only permitted to be empty when actually unknown; should be absent \\(not empty\\) "
                    + "if an unpaired body part, and have a value if a paired body part - attribute <Laterality>"),
            // the QA picture's purpose of reference, in rtsite's private coding scheme
            Pattern.compile("Warning - Unrecognized defined term <99RTSITE> for value 1 of attribute <Coding Scheme Designator>"));

    /** dicom3tools 1.00~20220618 (Debian) aborts on any 32-bit image, TPS doses included: see docs/dicom.md. */
    private static final String BITS32_ABORT = "Assertion `bitsallocated <= bytesinword*8u' failed";

    /**
     * For every file: path, SOP class, modality, study, series, frame of reference, SOP instance, the
     * instances it references, the pixel array's shape and MD5 (RGB bytes for colour), which pydicom decodes
     * on its own, and for a 32-bit image a twin with the same header but 16-bit pixels (which dciodvfy can
     * read), written into the folder given first.
     */
    private static final String PYDICOM = String.join("\n",
            "import sys, os, hashlib, pydicom, numpy as np",
            "twins = sys.argv[1]",
            "for n, f in enumerate(sys.argv[2:]):",
            "    d = pydicom.dcmread(f)",
            "    refs = []",
            "    for k in ('ReferencedRTPlanSequence', 'ReferencedStructureSetSequence', 'ReferencedInstanceSequence'):",
            "        refs += [i.ReferencedSOPInstanceUID for i in d.get(k, [])]",
            "    shape, md5, twin = '', '', ''",
            "    if 'PixelData' in d:",
            "        a = d.pixel_array",
            "        shape = 'x'.join(str(k) for k in a.shape)",
            "        md5 = hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()",
            "        if d.BitsAllocated == 32:",
            "            b = a.astype(np.uint64)",
            "            shift = max(0, int(b.max()).bit_length() - 16)",
            "            d.PixelData = (b >> shift).astype('<u2').tobytes()",
            "            d.BitsAllocated = d.BitsStored = 16",
            "            d.HighBit = 15",
            "            d.DoseGridScaling = float(d.DoseGridScaling) * (1 << shift)",
            "            twin = os.path.join(twins, 'twin16-%d.dcm' % n)",
            "            d.save_as(twin)",
            "    print('\\t'.join([f, d.SOPClassUID, d.Modality, d.StudyInstanceUID, d.SeriesInstanceUID,",
            "                     d.get('FrameOfReferenceUID', ''), d.SOPInstanceUID, ','.join(refs), shape, md5, twin]))");

    private static final List<PhantomScene> CLASSIFIED = List.of(PhantomScene.PROSTATE, PhantomScene.LUNG_SBRT,
            PhantomScene.WHOLE_BRAIN);

    @TempDir
    static Path tmp;
    static List<PhantomArchive.Patient> patients;
    static Path out;
    static Map<String, String[]> headers = new HashMap<>();

    @BeforeAll
    static void writeAndClassify() throws Exception {
        assumeTrue(CliProcess.available("dciodvfy"), "dciodvfy (dicom3tools) not installed (scripts/setup.sh installs it)");
        assumeTrue(CliProcess.pydicomAvailable(), "pydicom not installed (scripts/setup.sh installs python3-pydicom)");
        patients = PhantomArchive.write(tmp.resolve("archive"), List.of(PhantomScene.values()));
        // classify through the command line, on three scenes of the archive (copied: outputs per plan)
        Path classified = tmp.resolve("classified");
        for (PhantomArchive.Patient p : patients) {
            if (CLASSIFIED.contains(p.scene())) {
                copyTree(p.planFile().getParent(), classified.resolve(p.scene().cliName()));
            }
        }
        out = tmp.resolve("out");
        CliRun r = CliRun.of("classify", classified.toString(), "--db", tmp.resolve("r.db").toString(), "--out",
                out.toString(), "--isodose-rtstruct", "--qa-png", "--qa-dicom", "-j", "2", "--backend", "cpu");
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> files = new ArrayList<>();
        for (PhantomArchive.Patient p : patients) {
            files.addAll(List.of(p.planFile().toString(), p.structureSetFile().toString(), p.doseFile().toString()));
            files.addAll(ctSample(p));
        }
        files.addAll(dcm(out.resolve("isodose")));
        files.addAll(dcm(out.resolve("qa")));
        Path twins = Files.createDirectories(tmp.resolve("twins"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-W", "ignore", "-c", PYDICOM, twins.toString()));
        cmd.addAll(files);
        for (String line : CliProcess.tool(cmd.toArray(String[]::new)).split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split("\t", -1);
                headers.put(f[0], f);
            }
        }
        assertEquals(new HashSet<>(files), headers.keySet());
    }

    @Test
    void everySampleObjectPassesDciodvfy() throws Exception {
        Map<String, String> iods = new LinkedHashMap<>();
        for (PhantomArchive.Patient p : patients) {
            iods.put(p.planFile().toString(), "RTPlan");
            iods.put(p.structureSetFile().toString(), "RTStructureSet");
            iods.put(p.doseFile().toString(), "RTDose");
            for (String ct : ctSample(p)) {
                iods.put(ct, "CTImage");
            }
        }
        assertTrue(iods.size() >= 4 * PhantomScene.values().length, iods.keySet().toString());
        verifyAll(iods);
    }

    @Test
    void isodoseRtstructAndQaSecondaryCaptureFromTheCliPassDciodvfy() throws Exception {
        List<String> isodose = dcm(out.resolve("isodose"));
        List<String> qa = dcm(out.resolve("qa"));
        assertEquals(CLASSIFIED.size(), isodose.size(), isodose.toString());
        assertEquals(CLASSIFIED.size(), qa.size(), qa.toString());
        Map<String, String> iods = new LinkedHashMap<>();
        isodose.forEach(f -> iods.put(f, "RTStructureSet"));
        qa.forEach(f -> iods.put(f, "SCImage"));
        verifyAll(iods);
    }

    @Test
    void onePatientIsOneStudyWithASeriesPerObjectAndTheOutputsJoinIt() throws Exception {
        Set<String> studies = new HashSet<>();
        for (PhantomArchive.Patient p : patients) {
            String[] rp = headers.get(p.planFile().toString());
            String[] rs = headers.get(p.structureSetFile().toString());
            String[] rd = headers.get(p.doseFile().toString());
            List<String[]> ct = ctSample(p).stream().map(headers::get).toList();
            String study = rp[3];
            Set<String> series = new HashSet<>();
            for (String[] h : Stream.concat(Stream.of(rp, rs, rd), ct.stream()).toList()) {
                assertEquals(study, h[3], "study of " + h[0]);
                assertEquals(rp[5], h[5], "frame of reference of " + h[0]);
                series.add(h[4]);
            }
            assertEquals(4, series.size(), "CT, RTSTRUCT, RTPLAN, RTDOSE each in a series of their own: " + p.scene());
            assertTrue(studies.add(study), "a study per patient");
            assertEquals(rs[6], rp[7], "the plan references its structure set");
            assertEquals(rp[6], rd[7], "the dose references its plan");
        }
        Map<String, String[]> plansByUid = new HashMap<>();
        headers.values().stream().filter(h -> h[2].equals("RTPLAN")).forEach(h -> plansByUid.put(h[6], h));
        for (String f : dcm(out.resolve("isodose"))) {
            String[] h = headers.get(f);
            String[] ct = headers.values().stream().filter(c -> c[2].equals("CT") && c[5].equals(h[5])).findFirst()
                    .orElseThrow(() -> new AssertionError("no CT on the frame of reference of " + f));
            assertEquals(ct[3], h[3], "the isodose RTSTRUCT joins its CT's study");
            assertTrue(headers.values().stream().noneMatch(o -> o != h && o[4].equals(h[4])), "a new series: " + f);
        }
        for (String f : dcm(out.resolve("qa"))) {
            String[] h = headers.get(f);
            String[] plan = plansByUid.get(h[7]);
            assertTrue(plan != null, "the QA picture references its plan: " + String.join(" ", h));
            assertEquals(plan[3], h[3], "the QA picture joins the plan's study");
            assertTrue(headers.values().stream().noneMatch(o -> o != h && o[4].equals(h[4])), "a new series: " + f);
            // pydicom's decoding of the RGB pixels is the PNG the same run wrote, pixel for pixel
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(
                    Path.of(f.replaceAll("\\.dcm$", ".png")).toFile());
            assertEquals(png.getHeight() + "x" + png.getWidth() + "x3", h[8]);
            byte[] rgb = new byte[png.getWidth() * png.getHeight() * 3];
            for (int y = 0, o = 0; y < png.getHeight(); y++) {
                for (int x = 0; x < png.getWidth(); x++, o += 3) {
                    int p = png.getRGB(x, y);
                    rgb[o] = (byte) (p >> 16);
                    rgb[o + 1] = (byte) (p >> 8);
                    rgb[o + 2] = (byte) p;
                }
            }
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(rgb)),
                    h[9], "SC pixels of " + f);
        }
    }

    @Test
    void dcmdumpReadsEveryFileWithoutComplaint() throws Exception {
        assumeTrue(CliProcess.available("dcmdump"), "dcmdump (dcmtk) not installed");
        List<String> cmd = new ArrayList<>(List.of("dcmdump", "-M"));
        cmd.addAll(headers.keySet());
        Result r = run(cmd);
        assertEquals(0, r.exit, r.err);
        assertEquals("", r.err.strip(), "dcmdump complains");
        for (String f : headers.keySet()) {
            assertTrue(r.out.contains("# Dicom-File-Format"), f);
        }
        assertEquals(headers.size(), r.out.split("# Dicom-File-Format", -1).length - 1, "one dump per file");
    }

    /** {@link #verify} for each file (path → IOD), a few at a time: dciodvfy is one process per file. */
    private static void verifyAll(Map<String, String> iods) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            iods.forEach((f, iod) -> runs.add(pool.submit(() -> {
                verify(Path.of(f), iod);
                return null;
            })));
            for (java.util.concurrent.Future<?> r : runs) {
                try {
                    r.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError a) {
                        throw a;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** dciodvfy's verdict on one file: the expected IOD, no error, only documented warnings. */
    private static void verify(Path file, String iod) throws Exception {
        Result r = run(List.of("dciodvfy", file.toString()));
        String text = r.out + r.err;
        if (text.contains(BITS32_ABORT)) {
            // this dciodvfy cannot read 32-bit pixels: check the header through the 16-bit twin pydicom made
            assertEquals("RTDose", iod, "only the 32-bit RTDOSE may meet dciodvfy's 32-bit abort: " + file + "\n" + text);
            String twin = headers.get(file.toString())[10];
            assertTrue(!twin.isEmpty(), "no 16-bit twin of " + file);
            r = run(List.of("dciodvfy", twin));
            text = r.out + r.err;
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertTrue(lines.contains(iod), "dciodvfy did not take " + file + " for " + iod + ":\n" + text);
        for (String l : lines) {
            if (l.startsWith("Error") || l.startsWith("Abort") || l.contains("Assertion")) {
                fail("dciodvfy finds errors in " + file + ":\n" + text);
            }
            if (l.startsWith("Warning") && DOCUMENTED_WARNINGS.stream().noneMatch(p -> p.matcher(l).matches())) {
                fail("dciodvfy warns about " + file + " in a way docs/dicom.md does not list: " + l + "\n" + text);
            }
        }
    }

    /** The first slice of each CT series; first, middle and last of the first scene's. */
    private static List<String> ctSample(PhantomArchive.Patient p) throws IOException {
        List<String> all = dcm(p.ctDir());
        assertTrue(all.size() >= 3, p.ctDir().toString());
        return p.scene() == PhantomScene.values()[0] ? List.of(all.get(0), all.get(all.size() / 2), all.get(all.size() - 1))
                : List.of(all.get(0));
    }

    private static List<String> dcm(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::toString).filter(p -> p.endsWith(".dcm")).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path o = Files.createTempFile(tmp, "tool", ".out");
        Path e = Files.createTempFile(tmp, "tool", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Result(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
    }
}
