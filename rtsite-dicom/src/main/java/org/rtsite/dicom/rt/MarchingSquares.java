package org.rtsite.dicom.rt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rtsite.core.InvalidInputException;

/**
 * Isolines of one image slice by marching squares, as closed polygons in (fractional) voxel index
 * coordinates.
 *
 * <p>A voxel is inside when its value is ≥ the level. Cells join four neighbouring voxel centres; an
 * isoline crosses a cell edge between an inside and an outside centre, at the linearly interpolated
 * position, kept strictly between the two centres. So every voxel centre lies on the correct side of
 * the polygons, and rasterizing them by the even–odd rule at voxel centres gives the thresholded slice
 * back exactly. The slice is padded with one ring of outside voxels so that regions touching the border
 * close (their polygons run half a voxel outside the grid). Saddle cells (two diagonal inside corners)
 * are resolved by the cell's mean value: inside corners join when the mean is ≥ the level; the rule
 * depends on the cell alone, so neighbours never disagree. Holes come out as separate polygons.
 */
public final class MarchingSquares {

    /** Crossings are kept this fraction of a voxel away from the centres they separate. */
    private static final double END_GAP = 1e-3;

    // Segments per case (corner bits a=1, b=2, c=4, d=8; edges 0 bottom a-b, 1 right b-c, 2 top d-c, 3 left a-d).
    private static final int[][] SEGMENTS = {
            {}, {3, 0}, {0, 1}, {3, 1}, {1, 2}, null, {0, 2}, {3, 2},
            {2, 3}, {0, 2}, null, {1, 2}, {1, 3}, {0, 1}, {3, 0}, {}};

    private MarchingSquares() {
    }

    /**
     * @param values the slice, i fastest: {@code values[i + nx·j]}
     * @return closed polygons as x, y pairs in voxel indices (first point not repeated), collinear points dropped
     */
    public static List<double[]> isolines(float[] values, int nx, int ny, double level) {
        if (values.length != nx * ny) {
            throw new InvalidInputException("slice of " + values.length + " values for " + nx + "×" + ny);
        }
        if (!(level > 0) || !Double.isFinite(level)) {
            throw new InvalidInputException("isoline level must be positive and finite, got " + level);
        }
        int i0 = nx, i1 = -1, j0 = ny, j1 = -1;
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                if (values[i + nx * j] >= level) {
                    i0 = Math.min(i0, i);
                    i1 = Math.max(i1, i);
                    j0 = Math.min(j0, j);
                    j1 = Math.max(j1, j);
                }
            }
        }
        if (i1 < 0) {
            return List.of();
        }
        // Corners (ci, cj) of the padded bounding box: voxel (i0 - 1 + ci, j0 - 1 + cj).
        int cw = i1 - i0 + 3, ch = j1 - j0 + 3;
        Slice s = new Slice(values, nx, ny, i0 - 1, j0 - 1, cw, level);
        int[] next = new int[4 * cw * ch];
        Arrays.fill(next, -1);
        int[] touched = new int[2 * cw * ch];
        int nTouched = 0;
        for (int cj = 0; cj < ch - 1; cj++) {
            for (int ci = 0; ci < cw - 1; ci++) {
                double a = s.value(ci, cj), b = s.value(ci + 1, cj), c = s.value(ci + 1, cj + 1), d = s.value(ci, cj + 1);
                int kase = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
                int[] seg = SEGMENTS[kase];
                if (seg == null) {
                    boolean centreIn = (a + b + c + d) / 4 >= level;
                    // Joined inside corners: the isolines cut off the outside corners, and vice versa.
                    boolean cutBd = (kase == 5) == centreIn;
                    seg = cutBd ? new int[] {0, 1, 2, 3} : new int[] {3, 0, 1, 2};
                }
                for (int p = 0; p < seg.length; p += 2) {
                    int e1 = edge(ci, cj, cw, seg[p]), e2 = edge(ci, cj, cw, seg[p + 1]);
                    if (next[2 * e1] < 0) {
                        touched[nTouched++] = e1;
                    }
                    if (next[2 * e2] < 0) {
                        touched[nTouched++] = e2;
                    }
                    link(next, e1, e2);
                    link(next, e2, e1);
                }
            }
        }
        boolean[] done = new boolean[2 * cw * ch];
        List<double[]> polygons = new ArrayList<>();
        for (int t = 0; t < nTouched; t++) {
            int start = touched[t];
            if (done[start]) {
                continue;
            }
            double[] pts = new double[16];
            int n = 0;
            int prev = next[2 * start + 1], cur = start;
            do {
                done[cur] = true;
                if (2 * n + 2 > pts.length) {
                    pts = Arrays.copyOf(pts, pts.length * 2);
                }
                s.point(cur, pts, 2 * n);
                n++;
                int nx2 = next[2 * cur] == prev ? next[2 * cur + 1] : next[2 * cur];
                prev = cur;
                cur = nx2;
            } while (cur != start);
            polygons.add(dropCollinear(pts, n));
        }
        return polygons;
    }

    private static void link(int[] next, int from, int to) {
        if (next[2 * from] < 0) {
            next[2 * from] = to;
        } else {
            next[2 * from + 1] = to;
        }
    }

    /** Edge id: 2·corner for the edge to the right of the corner, 2·corner + 1 for the edge above it. */
    private static int edge(int ci, int cj, int cw, int side) {
        return switch (side) {
            case 0 -> 2 * (ci + cw * cj);
            case 1 -> 2 * (ci + 1 + cw * cj) + 1;
            case 2 -> 2 * (ci + cw * (cj + 1));
            default -> 2 * (ci + cw * cj) + 1;
        };
    }

    private static double[] dropCollinear(double[] pts, int n) {
        double[] out = new double[2 * n];
        int m = 0;
        for (int p = 0; p < n; p++) {
            int a = (p + n - 1) % n, b = (p + 1) % n;
            double ux = pts[2 * p] - pts[2 * a], uy = pts[2 * p + 1] - pts[2 * a + 1];
            double vx = pts[2 * b] - pts[2 * p], vy = pts[2 * b + 1] - pts[2 * p + 1];
            if (Math.abs(ux * vy - uy * vx) > 1e-9 || n <= 3) {
                out[2 * m] = pts[2 * p];
                out[2 * m + 1] = pts[2 * p + 1];
                m++;
            }
        }
        return Arrays.copyOf(out, 2 * m);
    }

    private record Slice(float[] values, int nx, int ny, int iOff, int jOff, int cw, double level) {
        double value(int ci, int cj) {
            int i = ci + iOff, j = cj + jOff;
            return i < 0 || j < 0 || i >= nx || j >= ny ? 0 : values[i + nx * j];
        }

        void point(int edge, double[] out, int at) {
            int corner = edge >> 1;
            int ci = corner % cw, cj = corner / cw;
            boolean right = (edge & 1) == 0;
            double v0 = value(ci, cj), v1 = right ? value(ci + 1, cj) : value(ci, cj + 1);
            double t = (level - v0) / (v1 - v0);
            t = Math.max(END_GAP, Math.min(1 - END_GAP, Double.isFinite(t) ? t : 0.5));
            out[at] = ci + iOff + (right ? t : 0);
            out[at + 1] = cj + jOff + (right ? 0 : t);
        }
    }
}
