package org.rtsite.core.overlap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * The reference backend: one pass over the box's voxels, histogramming every source's label into
 * organ / V85 / V50 bins. Always available.
 *
 * <p>Row by row, the dose is first classified into below V50 / V50 only / V85; each label map then
 * needs a single increment per labelled voxel, into a bin keyed by (label, class); background
 * runs are skipped eight voxels at a time and counted by subtraction. Two interleaved histograms
 * (even and odd i) keep consecutive voxels of one organ from waiting on each other's increments.
 */
public final class CpuOverlapBackend implements OverlapBackend {

    private static final int CLASSES = 4;
    private static final int HALF = (255 + 1) * CLASSES;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public OverlapCounts count(IsodoseBox box) {
        float[] dose = box.dose();
        float l85 = box.level85();
        float l50 = box.level50();
        List<byte[]> maps = box.labelMaps();
        List<long[]> masks = box.masks();
        int nMaps = maps.size();
        int nMasks = masks.size();
        int nx = box.grid().nx();
        int ny = box.grid().ny();
        int nz = box.grid().nz();
        int[][] hist = new int[nMaps][2 * HALF];
        long[][] maskHist = new long[nMasks][CLASSES];
        byte[] cls = new byte[nx];
        long v85 = 0, v50 = 0, si = 0, sj = 0, sk = 0;
        double ds = 0, dsi = 0, dsj = 0, dsk = 0;
        int row = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++, row += nx) {
                long rowCount85 = 0, rowSumI = 0;
                double rowDose = 0, rowDoseI = 0;
                for (int i = 0; i < nx; i++) {
                    float d = dose[row + i];
                    int c = (d >= l50 ? 1 : 0) + (d >= l85 ? 1 : 0);
                    cls[i] = (byte) c;
                    if (c == 2) {
                        rowCount85++;
                        rowSumI += i;
                        rowDose += d;
                        rowDoseI += (double) d * i;
                    } else if (c == 1) {
                        v50++;
                    }
                }
                if (rowCount85 > 0) {
                    v85 += rowCount85;
                    v50 += rowCount85;
                    si += rowSumI;
                    sj += rowCount85 * j;
                    sk += rowCount85 * k;
                    ds += rowDose;
                    dsi += rowDoseI;
                    dsj += rowDose * j;
                    dsk += rowDose * k;
                }
                for (int m = 0; m < nMaps; m++) {
                    int[] h = hist[m];
                    byte[] labels = maps.get(m);
                    int i = 0;
                    // Background is most of most maps: skip it eight voxels at a time. Within a word
                    // that holds an organ every voxel is counted without a branch; the background
                    // bins are never read but recovered by subtraction at the end.
                    for (; i + 8 <= nx; i += 8) {
                        int p = row + i;
                        if ((long) LONGS.get(labels, p) == 0L) {
                            continue;
                        }
                        h[((labels[p] & 0xFF) << 2) | cls[i]]++;
                        h[HALF + (((labels[p + 1] & 0xFF) << 2) | cls[i + 1])]++;
                        h[((labels[p + 2] & 0xFF) << 2) | cls[i + 2]]++;
                        h[HALF + (((labels[p + 3] & 0xFF) << 2) | cls[i + 3])]++;
                        h[((labels[p + 4] & 0xFF) << 2) | cls[i + 4]]++;
                        h[HALF + (((labels[p + 5] & 0xFF) << 2) | cls[i + 5])]++;
                        h[((labels[p + 6] & 0xFF) << 2) | cls[i + 6]]++;
                        h[HALF + (((labels[p + 7] & 0xFF) << 2) | cls[i + 7])]++;
                    }
                    for (; i < nx; i++) {
                        h[((labels[row + i] & 0xFF) << 2) | cls[i]]++;
                    }
                }
                for (int m = 0; m < nMasks; m++) {
                    long[] bits = masks.get(m);
                    long[] mh = maskHist[m];
                    // Jump from set bit to set bit; an empty rest of a word is skipped at once.
                    int i = 0;
                    while (i < nx) {
                        int idx = row + i;
                        long w = bits[idx >>> 6] >>> (idx & 63);
                        if (w == 0) {
                            i += 64 - (idx & 63);
                            continue;
                        }
                        i += Long.numberOfTrailingZeros(w);
                        if (i < nx) {
                            mh[cls[i]]++;
                            i++;
                        }
                    }
                }
            }
        }
        int sources = nMaps + nMasks;
        long total = box.grid().voxelCount();
        long[][] organ = new long[sources][];
        long[][] in85 = new long[sources][];
        long[][] in50 = new long[sources][];
        for (int m = 0; m < nMaps; m++) {
            int[] h = hist[m];
            organ[m] = new long[256];
            in85[m] = new long[256];
            in50[m] = new long[256];
            long rest0 = total - v50, rest1 = v50 - v85, rest2 = v85;
            for (int label = 1; label < 256; label++) {
                int b = label << 2;
                long c0 = (long) h[b] + h[HALF + b];
                long c1 = (long) h[b + 1] + h[HALF + b + 1];
                long c2 = (long) h[b + 2] + h[HALF + b + 2];
                organ[m][label] = c0 + c1 + c2;
                in50[m][label] = c1 + c2;
                in85[m][label] = c2;
                rest0 -= c0;
                rest1 -= c1;
                rest2 -= c2;
            }
            organ[m][0] = rest0 + rest1 + rest2;
            in50[m][0] = rest1 + rest2;
            in85[m][0] = rest2;
        }
        for (int m = 0; m < nMasks; m++) {
            int s = nMaps + m;
            long[] mh = maskHist[m];
            long inside = mh[0] + mh[1] + mh[2];
            organ[s] = new long[] {total - inside, inside};
            in85[s] = new long[] {v85 - mh[2], mh[2]};
            in50[s] = new long[] {v50 - mh[1] - mh[2], mh[1] + mh[2]};
        }
        return new OverlapCounts(v85, v50, organ, in85, in50,
                new V85Moments(v85, si, sj, sk, ds, dsi, dsj, dsk));
    }
}
