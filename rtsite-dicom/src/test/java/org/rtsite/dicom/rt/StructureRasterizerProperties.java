package org.rtsite.dicom.rt;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.dicom.rt.Contour.GeometricType;

/**
 * The scanline fill against a voxel-by-voxel reference written differently: nearest contour plane
 * within half the spacing, then a 2-D crossing count in the coordinate plane that drops the
 * normal's largest component. Random star-shaped polygons, holes and islands, random planes with
 * gaps, axial and oblique contours, axial and oblique grids.
 */
class StructureRasterizerProperties {

    record Scene(List<Contour> contours, double spacing, Vec3 normal, ImageGrid grid) {
    }

    @Test
    void scanlineFillEqualsPointByPointReference() {
        qt().withExamples(1000).withShrinkCycles(0).forAll(longs().all()).checkAssert(seed -> {
            Scene s = scene(new Random(seed));
            BinaryMask fast = StructureRasterizer.rasterize("roi", s.contours, s.grid, s.spacing);
            long[][] ref = reference(s);
            int mismatches = 0;
            String first = "";
            for (int idx = 0; idx < s.grid.voxelCount(); idx++) {
                if (fast.contains(idx) != BinaryMask.test(ref[0], idx) && !BinaryMask.test(ref[1], idx)) {
                    if (mismatches++ == 0) {
                        first = "voxel " + idx + " scanline=" + fast.contains(idx);
                    }
                }
            }
            if (mismatches != 0) {
                throw new AssertionError("seed " + seed + ": " + mismatches + " voxels differ, first " + first);
            }
        });
    }

    static Scene scene(Random r) {
        Vec3 n = r.nextBoolean() ? Vec3.Z : randomUnit(r);
        Vec3 seed = Math.abs(n.x()) < 0.9 ? Vec3.X : Vec3.Y;
        Vec3 e1 = seed.minus(n.times(seed.dot(n))).normalized();
        Vec3 e2 = n.cross(e1);
        double spacing = 1 + 4 * r.nextDouble();
        double base = -20 * r.nextDouble();
        List<Contour> contours = new ArrayList<>();
        int planes = 1 + r.nextInt(6);
        for (int p = 0; p < planes; p++) {
            if (r.nextInt(4) == 0) {
                continue; // a gap
            }
            double off = base + p * spacing + (r.nextDouble() - 0.5) * 0.02;
            int polys = 1 + r.nextInt(3);
            for (int q = 0; q < polys; q++) {
                double cu = (r.nextDouble() - 0.5) * 20, cv = (r.nextDouble() - 0.5) * 20;
                double rad = 2 + 10 * r.nextDouble();
                int m = 3 + r.nextInt(30);
                double[] xyz = new double[3 * m];
                double phase = r.nextDouble() * 2 * Math.PI;
                for (int t = 0; t < m; t++) {
                    double ang = phase + 2 * Math.PI * t / m;
                    double rr = rad * (0.4 + 0.6 * r.nextDouble());
                    Vec3 pt = n.times(off).plus(e1.times(cu + rr * Math.cos(ang))).plus(e2.times(cv + rr * Math.sin(ang)));
                    xyz[3 * t] = pt.x();
                    xyz[3 * t + 1] = pt.y();
                    xyz[3 * t + 2] = pt.z();
                }
                contours.add(new Contour(GeometricType.CLOSED_PLANAR, xyz));
            }
        }
        if (contours.isEmpty()) {
            Vec3 a = n.times(base), b = a.plus(e1.times(5)), c = a.plus(e2.times(5));
            contours.add(new Contour(GeometricType.CLOSED_PLANAR, a.x(), a.y(), a.z(), b.x(), b.y(), b.z(), c.x(), c.y(), c.z()));
        }
        ImageGrid grid;
        int nx = 5 + r.nextInt(30), ny = 5 + r.nextInt(30), nz = 3 + r.nextInt(20);
        double dx = 0.5 + 2 * r.nextDouble(), dy = 0.5 + 2 * r.nextDouble(), dz = 0.5 + 3 * r.nextDouble();
        Vec3 a, b, c;
        if (r.nextBoolean()) {
            a = Vec3.X;
            b = Vec3.Y;
            c = r.nextBoolean() ? Vec3.Z : Vec3.Z.times(-1);
        } else {
            a = randomUnit(r);
            b = a.cross(randomUnit(r)).normalized();
            c = a.cross(b);
        }
        Vec3 centre = new Vec3((r.nextDouble() - 0.5) * 10, (r.nextDouble() - 0.5) * 10, base + planes * spacing / 2);
        Vec3 origin = centre.minus(a.times(nx * dx / 2)).minus(b.times(ny * dy / 2)).minus(c.times(nz * dz / 2));
        grid = new ImageGrid(nx, ny, nz, dx, dy, dz, origin, a, b, c);
        return new Scene(contours, spacing, n, grid);
    }

    static Vec3 randomUnit(Random r) {
        return new Vec3(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()).normalized();
    }

    /** Closer than this (mm) to a slab boundary or a contour edge, a voxel centre may go either way by rounding. */
    static final double TIE_MM = 1e-9;

    /**
     * Voxel by voxel: nearest plane within [-s/2, s/2), then even–odd in the dropped-axis projection.
     * Returns the mask and the voxels whose centres lie within {@link #TIE_MM} of a boundary.
     */
    static long[][] reference(Scene s) {
        Vec3 n = s.normal; // its sign only decides ties at a slab boundary
        List<Double> offsets = new ArrayList<>();
        List<List<Contour>> groups = new ArrayList<>();
        for (Contour c : s.contours) {
            double o = 0;
            for (int p = 0; p < c.pointCount(); p++) {
                o += n.dot(c.point(p));
            }
            o /= c.pointCount();
            int g = -1;
            for (int i = 0; i < offsets.size(); i++) {
                if (Math.abs(offsets.get(i) - o) <= StructureRasterizer.PLANE_TOLERANCE_MM) {
                    g = i;
                }
            }
            if (g < 0) {
                offsets.add(o);
                groups.add(new ArrayList<>());
                g = offsets.size() - 1;
            }
            groups.get(g).add(c);
        }
        // plane offset = mean of its contours' offsets, as documented
        for (int g = 0; g < groups.size(); g++) {
            double sum = 0;
            for (Contour c : groups.get(g)) {
                double o = 0;
                for (int p = 0; p < c.pointCount(); p++) {
                    o += n.dot(c.point(p));
                }
                sum += o / c.pointCount();
            }
            offsets.set(g, sum / groups.get(g).size());
        }
        int drop = Math.abs(n.x()) >= Math.abs(n.y()) && Math.abs(n.x()) >= Math.abs(n.z()) ? 0
                : Math.abs(n.y()) >= Math.abs(n.z()) ? 1 : 2;
        ImageGrid g = s.grid;
        long[] bits = BinaryMask.bitsFor(g);
        long[] ties = BinaryMask.bitsFor(g);
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    Vec3 p = g.toPatient(i, j, k);
                    double d = n.dot(p);
                    int best = -1;
                    for (int q = 0; q < offsets.size(); q++) {
                        double diff = d - offsets.get(q);
                        if (best < 0 || Math.abs(diff) < Math.abs(d - offsets.get(best))
                                || (Math.abs(diff) == Math.abs(d - offsets.get(best)) && diff < 0)) {
                            best = q;
                        }
                    }
                    double diff = d - offsets.get(best);
                    boolean tie = Math.abs(Math.abs(diff) - s.spacing / 2) < TIE_MM;
                    for (int q = 0; q < offsets.size(); q++) {
                        tie |= q != best && Math.abs(Math.abs(d - offsets.get(q)) - Math.abs(diff)) < TIE_MM;
                    }
                    if (tie) {
                        BinaryMask.set(ties, g.index(i, j, k));
                    }
                    if (diff < -s.spacing / 2 || diff >= s.spacing / 2) {
                        continue;
                    }
                    // onto the contour plane along the normal, then the 2-D test in a coordinate plane
                    double[] pp = drop(p.minus(n.times(diff)), drop);
                    boolean inside = false;
                    for (Contour c : groups.get(best)) {
                        int m = c.pointCount();
                        for (int e = 0, prev = m - 1; e < m; prev = e++) {
                            double[] a = drop(c.point(prev), drop);
                            double[] b = drop(c.point(e), drop);
                            if (segmentDistance(pp, a, b) < TIE_MM) {
                                BinaryMask.set(ties, g.index(i, j, k));
                            }
                            if ((a[1] > pp[1]) != (b[1] > pp[1])) {
                                double x = a[0] + (b[0] - a[0]) * (pp[1] - a[1]) / (b[1] - a[1]);
                                if (x > pp[0]) {
                                    inside = !inside;
                                }
                            }
                        }
                    }
                    if (inside) {
                        BinaryMask.set(bits, g.index(i, j, k));
                    }
                }
            }
        }
        return new long[][] {bits, ties};
    }

    /** Distance in the projection; the projection shrinks distances by at most 1/√3, fine for a tie band. */
    private static double segmentDistance(double[] p, double[] a, double[] b) {
        double ux = b[0] - a[0], uy = b[1] - a[1];
        double len2 = ux * ux + uy * uy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * ux + (p[1] - a[1]) * uy) / len2));
        double dx = p[0] - a[0] - t * ux, dy = p[1] - a[1] - t * uy;
        return Math.sqrt(dx * dx + dy * dy);
    }

    /** The projection that drops one patient axis (a projection along that axis onto the contour plane's shadow). */
    private static double[] drop(Vec3 p, int axis) {
        return switch (axis) {
            case 0 -> new double[] {p.y(), p.z()};
            case 1 -> new double[] {p.z(), p.x()};
            default -> new double[] {p.x(), p.y()};
        };
    }
}
