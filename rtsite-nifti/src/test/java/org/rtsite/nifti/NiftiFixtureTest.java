package org.rtsite.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.Affine;

/**
 * Reads files written by an independent writer: make_fixtures.py builds NIfTI-1 headers byte by
 * byte with numpy and struct (no nibabel) and states the LPS grid each file must yield: oblique
 * sform, flipped axes, qform with qfac −1 in big endian, metres, gzip, every datatype.
 */
class NiftiFixtureTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeFixtures() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "skipped: " + PYTHON + " is absent");
        Path script = dir.resolve("make_fixtures.py");
        try (InputStream in = NiftiFixtureTest.class.getResourceAsStream("make_fixtures.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "skipped: fixture script timed out");
        assumeTrue(!log.contains("No module named 'numpy'"), "skipped: python3-numpy is absent");
        assertEquals(0, p.exitValue(), "fixture script failed: " + log);
    }

    @Test
    void everyFixtureYieldsTheStatedGridAndValues() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("expected.txt"));
        assertEquals(5, lines.size());
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            NiftiImage img = Nifti.read(dir.resolve(f[0]));
            assertEquals(Integer.parseInt(f[1]), img.grid().nx(), f[0]);
            assertEquals(Integer.parseInt(f[2]), img.grid().ny(), f[0]);
            assertEquals(Integer.parseInt(f[3]), img.grid().nz(), f[0]);
            Affine a = img.grid().indexToPatient();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    double want = Double.parseDouble(f[4 + 4 * r + c]);
                    assertEquals(want, a.get(r, c), 1e-4 * Math.max(1, Math.abs(want)), f[0] + " affine[" + r + "][" + c + "]");
                }
            }
            for (int p = 16; p + 3 < f.length; p += 4) {
                int i = Integer.parseInt(f[p]);
                int j = Integer.parseInt(f[p + 1]);
                int k = Integer.parseInt(f[p + 2]);
                double want = Double.parseDouble(f[p + 3]);
                assertEquals(want, img.value(img.grid().index(i, j, k)), 1e-6 * Math.max(1, Math.abs(want)),
                        f[0] + " voxel " + i + "," + j + "," + k);
            }
        }
    }
}
