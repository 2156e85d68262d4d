package org.rtsite.dicom.rt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the closed planar contours of one ROI into a {@link BinaryMask} on any image grid,
 * oblique ones included.
 *
 * <p>A voxel belongs to the ROI when its centre lies in the slab of a contour plane and inside
 * that plane's contours by the even–odd rule (so a contour drawn inside another is a hole, and
 * several islands may share a plane). The slab of a plane is the plane ± half the contour
 * spacing, cut at the midpoint to a neighbouring plane when planes are closer than that; it is
 * half-open, {@code [lo, hi)} along the contours' normal, so that no voxel belongs to two planes.
 * Planes further apart than the spacing leave a gap: a structure with a gap is not bridged.
 *
 * <p>The contour spacing is given by the caller (usually the CT's slice spacing) or inferred as
 * the smallest distance between consecutive contour planes of the ROI (contours are drawn on
 * image slices, so gaps are multiples of the slice spacing); a single-plane ROI falls back on the
 * grid's slice spacing. A CT with varying slice spacing needs the spacing given per call. Each grid row is filled by a scanline: the row's crossings
 * with the polygon edges are sorted and the voxels between alternate crossings are set, so the
 * cost is rows × edges of the plane, not voxels × edges.
 */
public final class StructureRasterizer {

    private static final Logger LOG = LoggerFactory.getLogger(StructureRasterizer.class);

    /** Contours whose planes are closer than this along the normal share one plane. */
    public static final double PLANE_TOLERANCE_MM = 0.1;
    /** A contour whose points stray further than this from their mean plane is not planar. */
    public static final double PLANARITY_TOLERANCE_MM = 0.5;
    /** Contour normals must agree to this sine of the angle between them. */
    public static final double PARALLEL_TOLERANCE = 1e-3;

    private StructureRasterizer() {
    }

    /** Rasterizes with the contour spacing inferred from the contours themselves. */
    public static BinaryMask rasterize(String name, List<Contour> contours, ImageGrid grid) {
        return rasterize(name, contours, grid, Double.NaN);
    }

    /**
     * @param name              the mask's name, also used in error messages
     * @param contours          the ROI's contours; only closed ones contribute, points and open contours are skipped
     * @param contourSpacingMm  the distance between contour planes, or NaN to infer it
     * @throws InvalidInputException when contours are not planar or not parallel to each other
     */
    public static BinaryMask rasterize(String name, List<Contour> contours, ImageGrid grid, double contourSpacingMm) {
        if (!Double.isNaN(contourSpacingMm) && !(contourSpacingMm > 0 && Double.isFinite(contourSpacingMm))) {
            throw new InvalidInputException("contour spacing must be positive or NaN, got " + contourSpacingMm
                    + " for ROI '" + name + "'");
        }
        long[] bits = BinaryMask.bitsFor(grid);
        Plane[] planes = planes(name, contours);
        if (planes.length > 0) {
            double spacing = Double.isNaN(contourSpacingMm) ? inferSpacing(planes, grid) : contourSpacingMm;
            new Fill(grid, planes, spacing, bits).run();
        }
        return new BinaryMask(name, grid, bits);
    }

    /** The closed contours grouped by plane, planes sorted by their offset along the shared normal. */
    private static Plane[] planes(String name, List<Contour> contours) {
        Vec3 normal = null;
        List<double[]> polys = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        for (int c = 0; c < contours.size(); c++) {
            Contour contour = contours.get(c);
            if (!contour.type().isClosed()) {
                continue;
            }
            double[] xyz = contour.xyz();
            Vec3 n = newellNormal(xyz);
            if (n == null) {
                LOG.debug("ROI '{}': contour #{} encloses no area ({} points), skipped", name, c, contour.pointCount());
                continue;
            }
            if (normal == null) {
                normal = canonical(n);
            } else if (normal.cross(n).norm() > PARALLEL_TOLERANCE) {
                throw new InvalidInputException("ROI '" + name + "': contour #" + c + " lies in a plane with normal "
                        + n + ", not parallel to the normal " + normal + " of the ROI's first closed contour");
            }
            double sum = 0;
            for (int p = 0; p < xyz.length; p += 3) {
                sum += normal.x() * xyz[p] + normal.y() * xyz[p + 1] + normal.z() * xyz[p + 2];
            }
            double offset = sum / (xyz.length / 3);
            for (int p = 0; p < xyz.length; p += 3) {
                double d = normal.x() * xyz[p] + normal.y() * xyz[p + 1] + normal.z() * xyz[p + 2] - offset;
                if (Math.abs(d) > PLANARITY_TOLERANCE_MM) {
                    throw new InvalidInputException("ROI '" + name + "': CLOSED_PLANAR contour #" + c
                            + " is not planar: point " + p / 3 + " lies " + d + " mm off its plane (tolerance "
                            + PLANARITY_TOLERANCE_MM + " mm)");
                }
            }
            polys.add(xyz);
            offsets.add(offset);
        }
        if (normal == null) {
            return new Plane[0];
        }
        Integer[] order = new Integer[polys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(offsets::get));
        List<Plane> planes = new ArrayList<>();
        List<double[]> current = new ArrayList<>();
        double first = Double.NaN;
        double sum = 0;
        for (int idx : order) {
            double o = offsets.get(idx);
            if (!current.isEmpty() && o - first > PLANE_TOLERANCE_MM) {
                planes.add(new Plane(normal, sum / current.size(), current));
                current = new ArrayList<>();
                sum = 0;
            }
            if (current.isEmpty()) {
                first = o;
            }
            current.add(polys.get(idx));
            sum += o;
        }
        planes.add(new Plane(normal, sum / current.size(), current));
        return planes.toArray(Plane[]::new);
    }

    /** The polygon's area-weighted normal (Newell's method), or null when it encloses no area. */
    static Vec3 newellNormal(double[] xyz) {
        int n = xyz.length / 3;
        if (n < 3) {
            return null;
        }
        // Relative to the first point, so that large coordinates do not cost precision.
        double ox = xyz[0], oy = xyz[1], oz = xyz[2];
        double nx = 0, ny = 0, nz = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double xi = xyz[3 * i] - ox, yi = xyz[3 * i + 1] - oy, zi = xyz[3 * i + 2] - oz;
            double xj = xyz[3 * j] - ox, yj = xyz[3 * j + 1] - oy, zj = xyz[3 * j + 2] - oz;
            nx += (yi - yj) * (zi + zj);
            ny += (zi - zj) * (xi + xj);
            nz += (xi - xj) * (yi + yj);
        }
        double norm = Math.sqrt(nx * nx + ny * ny + nz * nz);
        // twice the area in mm²; below 1e-6 mm² there is nothing to fill
        if (!(norm > 2e-6)) {
            return null;
        }
        return new Vec3(nx / norm, ny / norm, nz / norm);
    }

    /** The normal's sign fixed so that its largest component is positive: offsets then sort one way. */
    private static Vec3 canonical(Vec3 n) {
        double ax = Math.abs(n.x()), ay = Math.abs(n.y()), az = Math.abs(n.z());
        double big = az >= ax && az >= ay ? n.z() : ay >= ax ? n.y() : n.x();
        return big < 0 ? n.times(-1) : n;
    }

    private static double inferSpacing(Plane[] planes, ImageGrid grid) {
        if (planes.length == 1) {
            Vec3 gridNormal = grid.axisI().cross(grid.axisJ()).normalized();
            return grid.dz() * Math.abs(grid.axisK().dot(gridNormal));
        }
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < planes.length; i++) {
            gap = Math.min(gap, planes[i + 1].offset - planes[i].offset);
        }
        return gap;
    }

    /** The contours of one plane, kept as raw triplets until the fill projects them. */
    private record Plane(Vec3 normal, double offset, List<double[]> polygons) {
    }

    /** One rasterization: the planes projected into the grid's row coordinates, then the rows filled. */
    private static final class Fill {
        private final ImageGrid grid;
        private final Plane[] planes;
        private final long[] bits;
        private final Vec3 n;
        private final double[] lo;
        private final double[] hi;
        // In-plane basis (u, v) and the row step's projection onto it.
        private final Vec3 u;
        private final Vec3 v;
        private final double du;
        private final double dv;
        private final double dd;
        private final boolean rowAlongNormal;
        // Per plane: polygon start indices, and per vertex its coordinate along the row (in voxel
        // steps) and across it (mm).
        private final int[][] starts;
        private final double[][] along;
        private final double[][] across;
        private final double[] minAcross;
        private final double[] maxAcross;
        private final double[][] inPlaneU;
        private final double[][] inPlaneV;
        private double[] crossings = new double[64];

        Fill(ImageGrid grid, Plane[] planes, double spacing, long[] bits) {
            this.grid = grid;
            this.planes = planes;
            this.bits = bits;
            this.n = planes[0].normal;
            int p = planes.length;
            lo = new double[p];
            hi = new double[p];
            for (int i = 0; i < p; i++) {
                double o = planes[i].offset;
                lo[i] = i == 0 ? o - spacing / 2 : Math.max(o - spacing / 2, (planes[i - 1].offset + o) / 2);
                hi[i] = i == p - 1 ? o + spacing / 2 : Math.min(o + spacing / 2, (o + planes[i + 1].offset) / 2);
            }
            Vec3 seed = Math.abs(n.x()) < 0.9 ? Vec3.X : Vec3.Y;
            u = seed.minus(n.times(seed.dot(n))).normalized();
            v = n.cross(u);
            Vec3 step = grid.axisI().times(grid.dx());
            du = u.dot(step);
            dv = v.dot(step);
            dd = n.dot(step);
            double len2 = du * du + dv * dv;
            rowAlongNormal = len2 < 1e-18 * grid.dx() * grid.dx() + 1e-24;
            starts = new int[p][];
            along = new double[p][];
            across = new double[p][];
            minAcross = new double[p];
            maxAcross = new double[p];
            inPlaneU = new double[p][];
            inPlaneV = new double[p][];
            double len = Math.sqrt(len2);
            for (int i = 0; i < p; i++) {
                List<double[]> polys = planes[i].polygons;
                int total = 0;
                starts[i] = new int[polys.size() + 1];
                for (int q = 0; q < polys.size(); q++) {
                    starts[i][q] = total;
                    total += polys.get(q).length / 3;
                }
                starts[i][polys.size()] = total;
                double[] pu = new double[total];
                double[] pv = new double[total];
                int w = 0;
                for (double[] xyz : polys) {
                    for (int k = 0; k < xyz.length; k += 3, w++) {
                        pu[w] = u.x() * xyz[k] + u.y() * xyz[k + 1] + u.z() * xyz[k + 2];
                        pv[w] = v.x() * xyz[k] + v.y() * xyz[k + 1] + v.z() * xyz[k + 2];
                    }
                }
                inPlaneU[i] = pu;
                inPlaneV[i] = pv;
                if (!rowAlongNormal) {
                    double[] a = new double[total];
                    double[] c = new double[total];
                    double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < total; k++) {
                        a[k] = (pu[k] * du + pv[k] * dv) / len2;
                        c[k] = (pv[k] * du - pu[k] * dv) / len;
                        mn = Math.min(mn, c[k]);
                        mx = Math.max(mx, c[k]);
                    }
                    along[i] = a;
                    across[i] = c;
                    minAcross[i] = mn;
                    maxAcross[i] = mx;
                }
            }
        }

        void run() {
            int nx = grid.nx();
            Vec3 o = grid.origin();
            Vec3 sj = grid.axisJ().times(grid.dy());
            Vec3 sk = grid.axisK().times(grid.dz());
            double len2 = du * du + dv * dv;
            double len = Math.sqrt(len2);
            for (int k = 0; k < grid.nz(); k++) {
                for (int j = 0; j < grid.ny(); j++) {
                    double rx = o.x() + j * sj.x() + k * sk.x();
                    double ry = o.y() + j * sj.y() + k * sk.y();
                    double rz = o.z() + j * sj.z() + k * sk.z();
                    double d0 = n.x() * rx + n.y() * ry + n.z() * rz;
                    double dEnd = d0 + (nx - 1) * dd;
                    double dMin = Math.min(d0, dEnd), dMax = Math.max(d0, dEnd);
                    if (dMax < lo[0] || dMin >= hi[hi.length - 1]) {
                        continue;
                    }
                    double r0u = u.x() * rx + u.y() * ry + u.z() * rz;
                    double r0v = v.x() * rx + v.y() * ry + v.z() * rz;
                    int rowBase = grid.index(0, j, k);
                    for (int s = firstSlabEndingAfter(dMin); s < planes.length && lo[s] <= dMax; s++) {
                        int iStart, iEnd;
                        if (Math.abs(dd) * (nx - 1) <= 1e-9) {
                            if (d0 < lo[s] || d0 >= hi[s]) {
                                continue;
                            }
                            iStart = 0;
                            iEnd = nx;
                        } else if (dd > 0) {
                            iStart = (int) Math.max(0, Math.ceil((lo[s] - d0) / dd));
                            iEnd = (int) Math.min(nx, Math.ceil((hi[s] - d0) / dd));
                        } else {
                            iStart = (int) Math.max(0, Math.floor((d0 - hi[s]) / -dd) + 1);
                            iEnd = (int) Math.min(nx, Math.floor((d0 - lo[s]) / -dd) + 1);
                        }
                        if (iStart >= iEnd) {
                            continue;
                        }
                        if (rowAlongNormal) {
                            if (insideEvenOdd(s, r0u, r0v)) {
                                setRange(rowBase + iStart, rowBase + iEnd);
                            }
                        } else {
                            double a0 = (r0u * du + r0v * dv) / len2;
                            double c0 = (r0v * du - r0u * dv) / len;
                            fillRow(s, a0, c0, rowBase, iStart, iEnd);
                        }
                    }
                }
            }
        }

        /** The first slab whose upper bound lies above {@code d}. */
        private int firstSlabEndingAfter(double d) {
            int a = 0, b = hi.length;
            while (a < b) {
                int m = (a + b) >>> 1;
                if (hi[m] <= d) {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            return a;
        }

        private void fillRow(int s, double a0, double c0, int rowBase, int iStart, int iEnd) {
            if (c0 < minAcross[s] || c0 > maxAcross[s]) {
                return;
            }
            double[] a = along[s];
            double[] c = across[s];
            int[] st = starts[s];
            int count = 0;
            for (int q = 0; q + 1 < st.length; q++) {
                int first = st[q], last = st[q + 1] - 1;
                for (int e = first, prev = last; e <= last; prev = e, e++) {
                    boolean above = c[e] > c0;
                    if (above != (c[prev] > c0)) {
                        double t = a[prev] + (a[e] - a[prev]) * (c0 - c[prev]) / (c[e] - c[prev]) - a0;
                        if (count == crossings.length) {
                            crossings = Arrays.copyOf(crossings, count * 2);
                        }
                        crossings[count++] = t;
                    }
                }
            }
            Arrays.sort(crossings, 0, count);
            // Voxel i is inside when an odd number of crossings lie beyond it: i in [t0, t1), [t2, t3), ...
            for (int m = 0; m + 1 < count; m += 2) {
                double from = Math.max(iStart, Math.ceil(crossings[m]));
                double to = Math.min(iEnd, Math.ceil(crossings[m + 1]));
                if (from < to) {
                    setRange(rowBase + (int) from, rowBase + (int) to);
                }
            }
        }

        /** Even–odd point-in-polygon test by a ray along +u, for rows that run along the normal. */
        private boolean insideEvenOdd(int s, double pu, double pv) {
            double[] us = inPlaneU[s];
            double[] vs = inPlaneV[s];
            int[] st = starts[s];
            boolean inside = false;
            for (int q = 0; q + 1 < st.length; q++) {
                int first = st[q], last = st[q + 1] - 1;
                for (int e = first, prev = last; e <= last; prev = e, e++) {
                    if ((vs[e] > pv) != (vs[prev] > pv)) {
                        double x = us[prev] + (us[e] - us[prev]) * (pv - vs[prev]) / (vs[e] - vs[prev]);
                        if (x > pu) {
                            inside = !inside;
                        }
                    }
                }
            }
            return inside;
        }

        /** Sets bits [from, to) a word at a time: filled runs are long (a body outline spans most rows). */
        private void setRange(int from, int to) {
            int w0 = from >>> 6, w1 = (to - 1) >>> 6;
            long first = -1L << from;
            long last = -1L >>> (63 - ((to - 1) & 63));
            if (w0 == w1) {
                bits[w0] |= first & last;
                return;
            }
            bits[w0] |= first;
            for (int w = w0 + 1; w < w1; w++) {
                bits[w] = -1L;
            }
            bits[w1] |= last;
        }
    }
}
