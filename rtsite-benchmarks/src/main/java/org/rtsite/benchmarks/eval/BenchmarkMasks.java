package org.rtsite.benchmarks.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.nifti.Nifti;

/**
 * The benchmark's pair of masks on a 512×512×150 CT grid (0.977 × 0.977 × 3 mm): a reference
 * ellipsoid and a test ellipsoid that is shifted and a little larger, as an auto-segmentation
 * against a clinical contour. {@code organ} is liver-sized (semi-axes 90 × 70 × 80 mm);
 * {@code body} spans most of the grid (semi-axes 230 × 170 × 210 mm), the worst case for the
 * distance transform's bounding box.
 *
 * <p>{@code main(dir)} writes both pairs as NIfTI for the side-by-side plastimatch run.
 */
public final class BenchmarkMasks {

    public static final ImageGrid GRID = ImageGrid.axial(512, 512, 150, 0.977, 0.977, 3.0, new Vec3(-250, -250, -225));

    private BenchmarkMasks() {
    }

    public static BinaryMask[] pair(String shape) {
        double[] axes = switch (shape) {
            case "organ" -> new double[] {90, 70, 80};
            case "body" -> new double[] {230, 170, 210};
            default -> throw new IllegalArgumentException("shape '" + shape + "' is neither organ nor body");
        };
        BinaryMask reference = ellipsoid("reference", axes, new double[] {0, 0, 0});
        BinaryMask test = ellipsoid("test", new double[] {axes[0] * 1.04, axes[1] * 0.97, axes[2] * 1.02},
                new double[] {3.5, -2.0, 4.5});
        return new BinaryMask[] {reference, test};
    }

    private static BinaryMask ellipsoid(String name, double[] axes, double[] centreMm) {
        ImageGrid g = GRID;
        long[] bits = BinaryMask.bitsFor(g);
        double ci = (g.nx() - 1) / 2.0;
        double cj = (g.ny() - 1) / 2.0;
        double ck = (g.nz() - 1) / 2.0;
        for (int k = 0; k < g.nz(); k++) {
            double z = ((k - ck) * g.dz() - centreMm[2]) / axes[2];
            for (int j = 0; j < g.ny(); j++) {
                double y = ((j - cj) * g.dy() - centreMm[1]) / axes[1];
                for (int i = 0; i < g.nx(); i++) {
                    double x = ((i - ci) * g.dx() - centreMm[0]) / axes[0];
                    if (x * x + y * y + z * z <= 1) {
                        BinaryMask.set(bits, g.index(i, j, k));
                    }
                }
            }
        }
        return new BinaryMask(name, g, bits);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/hd-masks");
        Files.createDirectories(dir);
        for (String shape : new String[] {"organ", "body"}) {
            BinaryMask[] p = pair(shape);
            Nifti.writeMask(dir.resolve(shape + "-reference.nii.gz"), p[0]);
            Nifti.writeMask(dir.resolve(shape + "-test.nii.gz"), p[1]);
        }
        System.out.println("wrote " + dir.toAbsolutePath());
    }
}
