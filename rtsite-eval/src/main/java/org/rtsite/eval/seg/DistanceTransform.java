package org.rtsite.eval.seg;

import java.util.stream.IntStream;
import org.rtsite.core.InvalidInputException;

/**
 * Exact squared Euclidean distance transform with anisotropic spacing, linear in the number of
 * voxels: one 1-D pass per axis, each the lower envelope of parabolas of Felzenszwalb and
 * Huttenlocher (2012). Distances are in millimetres squared; voxels with no feature anywhere in the
 * volume get {@link Float#POSITIVE_INFINITY}.
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * @param feature one byte per voxel, i fastest; non-zero marks a feature voxel
     * @return squared distance (mm²) from every voxel centre to the nearest feature voxel centre
     */
    public static float[] squared(byte[] feature, int nx, int ny, int nz, double dx, double dy, double dz) {
        return squared(feature, nx, ny, nz, dx, dy, dz, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #squared(byte[], int, int, int, double, double, double)}, but distances beyond
     * {@code capMm} come out as {@link Float#POSITIVE_INFINITY}. Every distance up to the cap is
     * exact (each partial sum along the three passes is at most the total), and the passes skip
     * infinite voxels, so a cap a little above the distances of interest saves most of the work
     * on large, thin surfaces.
     */
    public static float[] squared(byte[] feature, int nx, int ny, int nz, double dx, double dy, double dz, double capMm) {
        return squared(feature, nx, ny, nz, dx, dy, dz, capMm, 1);
    }

    /**
     * As {@link #squared(byte[], int, int, int, double, double, double, double)}, with the lines of
     * each pass shared among {@code threads} workers (the caller and the common fork-join pool).
     * Every line is transformed independently, so the result is identical for any thread count.
     */
    public static float[] squared(byte[] feature, int nx, int ny, int nz, double dx, double dy, double dz, double capMm,
                                  int threads) {
        float[] d = firstPasses(feature, nx, ny, nz, dx, dy, dz, capMm, threads, null);
        if (nz > 1) {
            int longest = Math.max(nx, Math.max(ny, nz));
            double cap2 = capMm * capMm;
            inChunks(nx * ny, Z_BLOCK, threads, (from, to) -> {
                Work w = new Work(longest, cap2);
                w.prepare(nz, dz * dz);
                passBlocks(d, 0, from, to, nx * ny, nz, Z_BLOCK, w);
            });
        }
        return d;
    }

    /**
     * The distance (mm, not squared) from every query voxel to the nearest feature voxel, as
     * {@code (float) Math.sqrt} of the squared transform's value, written to {@code out} from
     * {@code o}. The order of the written distances is unspecified (callers sort them).
     *
     * <p>The last pass evaluates each line's lower envelope at the query voxels only and writes no
     * volume back, which saves a third of the work of {@link #squared} followed by a gather.
     *
     * @param query one byte per voxel, non-zero marks a query voxel
     * @param scratch null, or an array of one float per voxel that the transform may overwrite (a caller
     *        with several transforms of one box saves allocating, and collecting, a volume each time)
     * @return the next free slot of {@code out}, or −1 when a query voxel lies beyond {@code capMm}
     *         (then what was written is to be discarded)
     */
    public static int distancesAt(byte[] feature, byte[] query, int nx, int ny, int nz, double dx, double dy, double dz,
                                  double capMm, int threads, float[] scratch, float[] out, int o) {
        if (query.length != feature.length) {
            throw new InvalidInputException("query array has " + query.length + " voxels, feature array " + feature.length);
        }
        if (nz == 1) {
            float[] d = squared(feature, nx, ny, nz, dx, dy, dz, capMm, threads);
            for (int x = 0; x < query.length; x++) {
                if (query[x] != 0) {
                    if (d[x] == Float.POSITIVE_INFINITY) {
                        return -1;
                    }
                    out[o++] = (float) Math.sqrt(d[x]);
                }
            }
            return o;
        }
        float[] d = firstPasses(feature, nx, ny, nz, dx, dy, dz, capMm, threads, scratch);
        int longest = Math.max(nx, Math.max(ny, nz));
        double cap2 = capMm * capMm;
        int columns = nx * ny;
        int[] starts = chunkStarts(columns, Z_BLOCK, threads);
        float[][] parts = new float[starts.length - 1][];
        int[] counts = new int[starts.length - 1];
        IntStream.range(0, starts.length - 1).parallel().forEach(c -> {
            Work w = new Work(longest, cap2);
            w.prepare(nz, dz * dz);
            Found found = new Found();
            lastPassAt(d, query, starts[c], starts[c + 1], columns, nz, w, found);
            parts[c] = found.values;
            counts[c] = found.beyond ? -1 : found.count;
        });
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                return -1;
            }
            System.arraycopy(parts[c], 0, out, o, counts[c]);
            o += counts[c];
        }
        return o;
    }

    /** The x pass, then the y pass, of the squared transform. */
    private static float[] firstPasses(byte[] feature, int nx, int ny, int nz, double dx, double dy, double dz,
                                       double capMm, int threads, float[] scratch) {
        if (threads < 1) {
            throw new InvalidInputException("threads must be at least 1, got " + threads);
        }
        double cap2 = capMm * capMm;
        int n = nx * ny * nz;
        if (feature.length != n) {
            throw new InvalidInputException("feature array has " + feature.length + " voxels, box " + nx + "×" + ny + "×" + nz + " needs " + n);
        }
        // every voxel is written by the x pass, so a scratch array need not be cleared
        float[] d = scratch != null && scratch.length == n ? scratch : new float[n];
        int longest = Math.max(nx, Math.max(ny, nz));
        inChunks(ny * nz, 1, threads, (from, to) -> rows(feature, d, nx, dx, cap2, from, to));
        // y: lower envelope of parabolas along each line (z follows in the caller). Lines are processed in blocks of
        // BLOCK neighbours so that every gather and scatter reads BLOCK contiguous floats: a
        // line-by-line walk down a strided axis would miss the cache on every voxel.
        if (ny > 1) {
            inChunks(nz, 1, threads, (from, to) -> {
                Work w = new Work(longest, cap2);
                w.prepare(ny, dy * dy);
                for (int k = from; k < to; k++) {
                    passBlocks(d, nx * ny * k, 0, nx, nx, ny, BLOCK, w);
                }
            });
        }
        return d;
    }

    /** Distances found by one worker of the last pass. */
    private static final class Found {
        float[] values = new float[1024];
        int count;
        boolean beyond;

        void add(float v) {
            if (count == values.length) {
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            values[count++] = v;
        }
    }

    /**
     * The z pass over the lines starting at c in [first, end) ({@code len} voxels {@code stride}
     * apart), evaluated at the query voxels only.
     */
    private static void lastPassAt(float[] d, byte[] query, int first, int end, int stride, int len, Work w,
                                   Found found) {
        float[] block = w.block;
        byte[] asked = w.asked;
        for (int c0 = first; c0 < end; c0 += Z_BLOCK) {
            int width = Math.min(Z_BLOCK, end - c0);
            boolean any = false;
            boolean anyQuery = false;
            for (int q = 0; q < len; q++) {
                int src = c0 + q * stride;
                for (int c = 0; c < width; c++) {
                    float x = d[src + c];
                    block[c * len + q] = x;
                    any |= x != Float.POSITIVE_INFINITY;
                    byte a = query[src + c];
                    asked[c * len + q] = a;
                    anyQuery |= a != 0;
                }
            }
            if (!anyQuery) {
                continue;
            }
            if (!any) {
                found.beyond = true;
                return;
            }
            for (int c = 0; c < width; c++) {
                int off = c * len;
                int k = -1;
                for (int q = 0; q < len; q++) {
                    if (asked[off + q] != 0) {
                        k = lowerEnvelope(block, off, len, w);
                        break;
                    }
                }
                if (k == -1) {
                    continue; // no query on this line
                }
                if (k < -1) {
                    found.beyond = true; // a query on a line with nothing within the cap
                    return;
                }
                int j = 0;
                double s2 = w.s2;
                for (int q = 0; q < len; q++) {
                    if (asked[off + q] == 0) {
                        continue;
                    }
                    while (j < k && w.z[j + 1] < q) {
                        j++;
                    }
                    int dq = q - w.v[j];
                    double val = w.fv[j] + s2 * dq * dq;
                    if (val > w.cap2) {
                        found.beyond = true;
                        return;
                    }
                    found.add((float) Math.sqrt((float) val));
                }
            }
        }
    }

    /** Runs body over [0, count) cut into ranges whose starts are multiples of align. */
    static void inChunks(int count, int align, int threads, RangeBody body) {
        int[] starts = chunkStarts(count, align, threads);
        if (starts.length == 2) {
            body.run(0, count);
            return;
        }
        IntStream.range(0, starts.length - 1).parallel().forEach(c -> {
            if (starts[c] < starts[c + 1]) {
                body.run(starts[c], starts[c + 1]);
            }
        });
    }

    /** Chunk bounds over [0, count): chunk c is [starts[c], starts[c + 1]); starts are multiples of align. */
    private static int[] chunkStarts(int count, int align, int threads) {
        int units = (count + align - 1) / align;
        int chunks = threads == 1 ? 1 : Math.min(units, threads * 4); // a few per thread evens out uneven lines
        if (chunks <= 1) {
            return new int[] {0, count};
        }
        int[] starts = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            starts[c] = Math.min(count, (int) ((long) units * c / chunks) * align);
        }
        return starts;
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** x: distance to the nearest feature in each row [from, to), two sweeps. */
    private static void rows(byte[] feature, float[] d, int nx, double dx, double cap2, int from, int to) {
        for (int row = from; row < to; row++) {
            int base = row * nx;
            int last = -1;
            for (int i = 0; i < nx; i++) {
                if (feature[base + i] != 0) {
                    last = i;
                }
                float s = last < 0 ? Float.POSITIVE_INFINITY : sq((i - last) * dx);
                d[base + i] = s > cap2 ? Float.POSITIVE_INFINITY : s;
            }
            last = -1;
            for (int i = nx - 1; i >= 0; i--) {
                if (feature[base + i] != 0) {
                    last = i;
                }
                if (last >= 0) {
                    float s = sq((last - i) * dx);
                    if (s < d[base + i] && s <= cap2) {
                        d[base + i] = s;
                    }
                }
            }
        }
    }

    private static final int BLOCK = 32;

    /**
     * Lines per block along z. Consecutive voxels of a z line lie a whole plane apart, so every
     * gathered row of a block opens a new page; 128 lines (512 bytes a row) spend each page walk on
     * more data, and the block (128 × nz floats) still fits in L2. On the 2-core EPYC VM a whole transform
     * was about 20 % faster than with 32 lines, and 256 no faster than 128 (docs/PERFORMANCE.md, 95HD).
     */
    private static final int Z_BLOCK = 128;

    /** Scratch space of one transform, reused by every line. */
    private static final class Work {
        final float[] block;
        final byte[] asked;
        final double[] sq;
        final double[] fv;
        final double[] z;
        final int[] v;
        final double cap2;
        double s2;

        Work(int longest, double cap2) {
            this.cap2 = cap2;
            block = new float[Z_BLOCK * longest];
            asked = new byte[Z_BLOCK * longest];
            sq = new double[longest];
            fv = new double[longest];
            z = new double[longest + 1];
            v = new int[longest];
        }

        void prepare(int len, double s2) {
            this.s2 = s2;
            for (int q = 0; q < len; q++) {
                sq[q] = s2 * q * q;
            }
        }
    }

    /**
     * Transforms the lines starting at {@code base + c} for c in [first, end), each of {@code len}
     * voxels {@code stride} apart.
     */
    private static void passBlocks(float[] d, int base, int first, int end, int stride, int len, int lines, Work w) {
        float[] block = w.block;
        for (int c0 = first; c0 < end; c0 += lines) {
            int width = Math.min(lines, end - c0);
            boolean any = false;
            for (int q = 0; q < len; q++) {
                int src = base + c0 + q * stride;
                for (int c = 0; c < width; c++) {
                    float x = d[src + c];
                    block[c * len + q] = x;
                    any |= x != Float.POSITIVE_INFINITY;
                }
            }
            if (!any) {
                continue; // nothing within the cap in these lines: they stay infinite
            }
            for (int c = 0; c < width; c++) {
                envelope(block, c * len, len, w);
            }
            for (int q = 0; q < len; q++) {
                int dst = base + c0 + q * stride;
                for (int c = 0; c < width; c++) {
                    d[dst + c] = block[c * len + q];
                }
            }
        }
    }

    private static float sq(double x) {
        return (float) (x * x);
    }

    /**
     * In place on a[off, off + len): a[q] ← min_p a[p] + s2·(q − p)², skipping infinite a[p]. An
     * all-infinite line stays infinite.
     */
    static void envelope(float[] a, int off, int len, Work w) {
        int k = lowerEnvelope(a, off, len, w);
        if (k < 0) {
            return;
        }
        int j = 0;
        double s2 = w.s2;
        double cap2 = w.cap2;
        double[] z = w.z;
        int[] v = w.v;
        double[] fv = w.fv;
        for (int q = 0; q < len; q++) {
            while (j < k && z[j + 1] < q) {
                j++;
            }
            int dq = q - v[j];
            double val = fv[j] + s2 * dq * dq;
            a[off + q] = val > cap2 ? Float.POSITIVE_INFINITY : (float) val;
        }
    }

    /**
     * The lower envelope of the parabolas of a[off, off + len) into w's v, fv and z; returns the
     * index of its last parabola, or −2 when every a[p] is infinite.
     */
    private static int lowerEnvelope(float[] a, int off, int len, Work w) {
        double[] sq = w.sq;
        double[] fv = w.fv;
        double[] z = w.z;
        int[] v = w.v;
        double twoS2 = 2 * w.s2;
        int k = -1;
        for (int q = 0; q < len; q++) {
            double fq = a[off + q];
            if (fq == Double.POSITIVE_INFINITY) { // a float +∞ widens to a double +∞
                continue;
            }
            double gq = fq + sq[q];
            if (k < 0) {
                k = 0;
                v[0] = q;
                fv[0] = fq;
                z[0] = Double.NEGATIVE_INFINITY;
                continue;
            }
            while (true) {
                int p = v[k];
                double s = (gq - (fv[k] + sq[p])) / (twoS2 * (q - p));
                if (s <= z[k]) {
                    k--; // z[0] is −∞, so k never drops below 0 here
                } else {
                    k++;
                    v[k] = q;
                    fv[k] = fq;
                    z[k] = s;
                    break;
                }
            }
        }
        return k < 0 ? -2 : k;
    }
}
