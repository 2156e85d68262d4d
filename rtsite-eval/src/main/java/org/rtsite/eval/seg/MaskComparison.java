package org.rtsite.eval.seg;

import java.util.Arrays;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.OrganMasks;

/**
 * Compares a test mask with a reference mask on the same grid (ALGORITHM.md §5).
 *
 * <p>Surface distances: the surface of a mask is its boundary voxels, those with at least one of
 * their six face neighbours outside the mask (or outside the grid). For every surface voxel of one
 * mask the distance from its centre to the nearest surface-voxel centre of the other mask is taken
 * from an exact Euclidean distance transform with the grid's anisotropic spacing; 95HD is the 95th
 * percentile (linear interpolation between closest ranks) of the union of both directed sets, HD
 * its maximum and ASSD its mean. The grid axes must be orthogonal.
 */
public final class MaskComparison {

    /** Surface distances up to about this many mm are found by a capped transform first (see surfaceDistances). */
    static final double FIRST_CAP_MM = 20;

    /**
     * Boxes of at least this many voxels are transformed on every available processor; below it
     * the hand-over costs more than it saves.
     */
    static final int PARALLEL_VOXELS = 1 << 20;

    /** The percentile taken for 95HD. */
    public static final double PERCENTILE = 95;

    private MaskComparison() {
    }

    /**
     * The one entry point for a pair of masks that both exist.
     *
     * @throws org.rtsite.core.InvalidInputException when the two masks are not on the same grid, naming both
     */
    public static SegmentationMetrics compare(String caseId, String structure, BinaryMask reference, BinaryMask test,
                                              ReferenceRegion region) {
        ImageGrid g = reference.grid();
        if (!g.sameGeometry(test.grid(), OrganMasks.GRID_TOLERANCE_MM)) {
            throw new InvalidInputException("case '" + caseId + "', structure '" + structure + "': test mask '"
                    + test.name() + "' is on grid " + test.grid().describe() + ", reference '" + reference.name()
                    + "' on " + g.describe() + "; resample one onto the other first");
        }
        return compute(caseId, structure, reference.bits(), test.bits(), g, region, SegmentationMetrics.Status.OK);
    }

    /** The reference exists but the test source lacks the structure: scored as an empty test mask. */
    public static SegmentationMetrics missingTest(String caseId, String structure, BinaryMask reference, ReferenceRegion region) {
        ImageGrid g = reference.grid();
        return compute(caseId, structure, reference.bits(), BinaryMask.bitsFor(g), g, region,
                SegmentationMetrics.Status.MISSING_TEST);
    }

    /** The test source has a structure the reference lacks: nothing to score against, volume only. */
    public static SegmentationMetrics missingReference(String caseId, String structure, BinaryMask test) {
        long t = test.cardinality();
        double nan = Double.NaN;
        return new SegmentationMetrics(caseId, structure, SegmentationMetrics.Status.MISSING_REFERENCE, 0, t, 0,
                nan, nan, nan, nan, nan, nan, nan, t * test.grid().voxelVolumeCc(), nan);
    }

    private static SegmentationMetrics compute(String caseId, String structure, long[] r, long[] t, ImageGrid g,
                                               ReferenceRegion region, SegmentationMetrics.Status given) {
        long nr = 0;
        long nt = 0;
        long both = 0;
        for (int w = 0; w < r.length; w++) {
            nr += Long.bitCount(r[w]);
            nt += Long.bitCount(t[w]);
            both += Long.bitCount(r[w] & t[w]);
        }
        double cc = g.voxelVolumeCc();
        double volR = nr * cc;
        double volT = nt * cc;
        double nan = Double.NaN;
        SegmentationMetrics.Status status = given;
        if (given == SegmentationMetrics.Status.OK) {
            if (nr == 0 && nt == 0) {
                status = SegmentationMetrics.Status.BOTH_EMPTY;
            } else if (nr == 0) {
                status = SegmentationMetrics.Status.EMPTY_REFERENCE;
            } else if (nt == 0) {
                status = SegmentationMetrics.Status.EMPTY_TEST;
            }
        }
        double dsc = nr + nt == 0 ? nan : 2.0 * both / (nr + nt);
        double sens = nr == 0 ? nan : (double) both / nr;
        double rve = nr == 0 ? nan : (volT - volR) / volR;
        int[] box = nr + nt == 0 ? null : bounds(r, t, g);
        double spec = nan;
        if (box != null) {
            long regionVoxels = regionVoxels(box, g, region);
            long negatives = regionVoxels - nr;
            long tn = regionVoxels - (nr + nt - both);
            spec = negatives == 0 ? nan : (double) tn / negatives;
        }
        double hd95 = nan;
        double hd = nan;
        double assd = nan;
        if (nr > 0 && nt > 0) {
            checkOrthogonal(g, caseId, structure);
            float[] d = surfaceDistances(r, t, g, box);
            Arrays.parallelSort(d);
            hd95 = percentile(d, PERCENTILE);
            hd = d[d.length - 1];
            double sum = 0;
            for (float x : d) {
                sum += x;
            }
            assd = sum / d.length;
        }
        return new SegmentationMetrics(caseId, structure, status, nr, nt, both, dsc, hd95, hd, assd, sens, spec,
                volR, volT, rve);
    }

    private static void checkOrthogonal(ImageGrid g, String caseId, String structure) {
        double a = Math.abs(g.axisI().dot(g.axisJ()));
        double b = Math.abs(g.axisI().dot(g.axisK()));
        double c = Math.abs(g.axisJ().dot(g.axisK()));
        if (Math.max(a, Math.max(b, c)) > 1e-3) {
            throw new InvalidInputException("case '" + caseId + "', structure '" + structure + "': grid axes "
                    + g.axisI() + ", " + g.axisJ() + ", " + g.axisK() + " are not orthogonal; surface distances need an orthogonal grid");
        }
    }

    /** Linear interpolation between closest ranks of a sorted array (numpy's default). */
    static double percentile(float[] sorted, double pct) {
        double h = (sorted.length - 1) * pct / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static long regionVoxels(int[] box, ImageGrid g, ReferenceRegion region) {
        if (region.kind() == ReferenceRegion.Kind.WHOLE_GRID) {
            return g.voxelCount();
        }
        int mi = (int) Math.ceil(region.marginMm() / g.dx() - 1e-9);
        int mj = (int) Math.ceil(region.marginMm() / g.dy() - 1e-9);
        int mk = (int) Math.ceil(region.marginMm() / g.dz() - 1e-9);
        long nx = Math.min(g.nx() - 1, box[3] + mi) - Math.max(0, box[0] - mi) + 1;
        long ny = Math.min(g.ny() - 1, box[4] + mj) - Math.max(0, box[1] - mj) + 1;
        long nz = Math.min(g.nz() - 1, box[5] + mk) - Math.max(0, box[2] - mk) + 1;
        return nx * ny * nz;
    }

    /** Inclusive index bounds {i0, j0, k0, i1, j1, k1} of r ∪ t; both must not be empty. */
    static int[] bounds(long[] r, long[] t, ImageGrid g) {
        int nx = g.nx();
        int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1};
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                int base = nx * (j + g.ny() * k);
                int first = nextSet(r, t, base, base + nx);
                if (first < 0) {
                    continue;
                }
                int last = prevSet(r, t, base, base + nx);
                b[0] = Math.min(b[0], first - base);
                b[3] = Math.max(b[3], last - base);
                b[1] = Math.min(b[1], j);
                b[4] = Math.max(b[4], j);
                b[2] = Math.min(b[2], k);
                b[5] = Math.max(b[5], k);
            }
        }
        return b;
    }

    /** First index in [from, to) set in a or b, or −1. */
    private static int nextSet(long[] a, long[] b, int from, int to) {
        int w = from >>> 6;
        long word = (a[w] | b[w]) & (-1L << from);
        while (true) {
            if (word != 0) {
                int idx = (w << 6) + Long.numberOfTrailingZeros(word);
                return idx < to ? idx : -1;
            }
            w++;
            if ((w << 6) >= to) {
                return -1;
            }
            word = a[w] | b[w];
        }
    }

    /** Last index in [from, to) set in a or b, or −1. */
    private static int prevSet(long[] a, long[] b, int from, int to) {
        int last = to - 1;
        int w = last >>> 6;
        long word = (a[w] | b[w]) & (-1L >>> (63 - (last & 63)));
        while (true) {
            if (word != 0) {
                int idx = (w << 6) + 63 - Long.numberOfLeadingZeros(word);
                return idx >= from ? idx : -1;
            }
            w--;
            if (w < 0 || ((w << 6) + 63) < from) {
                return -1;
            }
            word = a[w] | b[w];
        }
    }

    /** Both directed surface-distance sets, concatenated, in mm. */
    private static float[] surfaceDistances(long[] r, long[] t, ImageGrid g, int[] box) {
        int bx = box[3] - box[0] + 1;
        int by = box[4] - box[1] + 1;
        int bz = box[5] - box[2] + 1;
        int threads = (long) bx * by * bz >= PARALLEL_VOXELS ? Runtime.getRuntime().availableProcessors() : 1;
        byte[] sr = surface(r, g, box, bx, by, bz, threads);
        byte[] st = surface(t, g, box, bx, by, bz, threads);
        int cr = count(sr);
        int ct = count(st);
        float[] out = new float[cr + ct];
        double cap = FIRST_CAP_MM + 2 * Math.max(g.dx(), Math.max(g.dy(), g.dz()));
        float[] scratch = new float[sr.length];
        int o = directed(st, sr, bx, by, bz, g, cap, threads, scratch, out, 0);
        directed(sr, st, bx, by, bz, g, cap, threads, scratch, out, o);
        return out;
    }

    /**
     * Distances (mm) from every query voxel to the nearest feature voxel, written to out from
     * {@code o}; returns the next free slot. First with the transform capped at {@code cap}, and
     * only if some query lies beyond it, again without a cap.
     */
    private static int directed(byte[] feature, byte[] query, int bx, int by, int bz, ImageGrid g, double cap,
                                int threads, float[] scratch, float[] out, int o) {
        int next = DistanceTransform.distancesAt(feature, query, bx, by, bz, g.dx(), g.dy(), g.dz(), cap, threads, scratch,
                out, o);
        if (next >= 0) {
            return next;
        }
        // some query lies beyond the cap; the feature is not empty, so the uncapped transform reaches every voxel
        return DistanceTransform.distancesAt(feature, query, bx, by, bz, g.dx(), g.dy(), g.dz(), Double.POSITIVE_INFINITY,
                threads, scratch, out, o);
    }

    private static int count(byte[] a) {
        int c = 0;
        for (byte b : a) {
            c += b;
        }
        return c;
    }

    /** Boundary voxels of a mask within the box (1 = surface). Voxels beyond the box are outside the mask. */
    private static byte[] surface(long[] bits, ImageGrid g, int[] box, int bx, int by, int bz, int threads) {
        byte[] in = new byte[bx * by * bz];
        int nx = g.nx();
        int ny = g.ny();
        DistanceTransform.inChunks(bz, 1, threads, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int j = 0; j < by; j++) {
                    int src = box[0] + nx * (box[1] + j + ny * (box[2] + k));
                    int dst = bx * (j + by * k) - src;
                    int end = src + bx;
                    // walk the set bits of the row word by word; empty words cost one test
                    for (int w = src >>> 6; (w << 6) < end; w++) {
                        long word = bits[w];
                        while (word != 0) {
                            int idx = (w << 6) + Long.numberOfTrailingZeros(word);
                            word &= word - 1;
                            if (idx >= src && idx < end) {
                                in[dst + idx] = 1;
                            }
                        }
                    }
                }
            }
        });
        byte[] s = new byte[in.length];
        int plane = bx * by;
        DistanceTransform.inChunks(bz, 1, threads, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int j = 0; j < by; j++) {
                    int row = bx * (j + by * k);
                    for (int i = 0; i < bx; i++) {
                        int x = row + i;
                        if (in[x] == 0) {
                            continue;
                        }
                        boolean inner = i > 0 && i < bx - 1 && j > 0 && j < by - 1 && k > 0 && k < bz - 1
                                && in[x - 1] != 0 && in[x + 1] != 0 && in[x - bx] != 0 && in[x + bx] != 0
                                && in[x - plane] != 0 && in[x + plane] != 0;
                        if (!inner) {
                            s[x] = 1;
                        }
                    }
                }
            }
        });
        return s;
    }
}
