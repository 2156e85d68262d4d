package org.rtsite.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;

/**
 * An independent reader checks the writer: plastimatch (ITK, which works in DICOM LPS like rtsite)
 * must see the same origin, spacing and direction cosines in a file rtsite wrote.
 */
class NiftiPlastimatchTest {

    private static final Path PLASTIMATCH = Path.of("/usr/bin/plastimatch");

    @TempDir
    Path dir;

    @Test
    void plastimatchReadsTheGridRtsiteWrote() throws Exception {
        assumeTrue(Files.isExecutable(PLASTIMATCH), "skipped: " + PLASTIMATCH + " is absent (CI installs the Debian package plastimatch)");
        double c = Math.cos(0.4);
        double s = Math.sin(0.4);
        // oblique in-plane rotation, j flipped, slices stored head to feet
        ImageGrid g = new ImageGrid(9, 7, 5, 0.75, 1.1, 2.5, new Vec3(-120.5, 60.25, 330),
                new Vec3(c, s, 0), new Vec3(s, -c, 0), new Vec3(0, 0, -1));
        for (String name : new String[] {"grid.nii", "grid.nii.gz"}) {
            Path file = dir.resolve(name);
            Nifti.write(file, g, new short[g.voxelCount()]);
            Process p = new ProcessBuilder(PLASTIMATCH.toString(), "header", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), "plastimatch hung");
            Map<String, double[]> fields = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2) {
                    String[] parts = kv[1].trim().split("\\s+");
                    double[] v = new double[parts.length];
                    try {
                        for (int i = 0; i < parts.length; i++) {
                            v[i] = Double.parseDouble(parts[i]);
                        }
                        fields.put(kv[0].trim(), v);
                    } catch (NumberFormatException ignored) {
                        // not a numeric field
                    }
                }
            }
            double[] origin = fields.get("Origin");
            double[] spacing = fields.get("Spacing");
            double[] dir = fields.get("Direction"); // row-major; column n is the n-th voxel axis
            assertEquals(true, origin != null && spacing != null && dir != null, "unexpected plastimatch output:\n" + out);
            assertEquals(g.origin().x(), origin[0], 1e-3);
            assertEquals(g.origin().y(), origin[1], 1e-3);
            assertEquals(g.origin().z(), origin[2], 1e-3);
            assertEquals(g.dx(), spacing[0], 1e-4);
            assertEquals(g.dy(), spacing[1], 1e-4);
            assertEquals(g.dz(), spacing[2], 1e-4);
            Vec3[] axes = {g.axisI(), g.axisJ(), g.axisK()};
            for (int col = 0; col < 3; col++) {
                assertEquals(axes[col].x(), dir[col], 1e-3, name + " axis " + col);
                assertEquals(axes[col].y(), dir[3 + col], 1e-3, name + " axis " + col);
                assertEquals(axes[col].z(), dir[6 + col], 1e-3, name + " axis " + col);
            }
        }
    }
}
