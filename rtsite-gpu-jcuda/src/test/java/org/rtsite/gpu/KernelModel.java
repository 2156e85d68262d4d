package org.rtsite.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A sequential Java model of what overlap.cu computes, reading the packed input and writing the
 * output buffer at the same offsets and with the same launch groups, grid-stride partition and
 * block-local 32-bit histograms merged into 64-bit bins. It lets the host-side layout (packing,
 * launch planning, unpacking) be tested where there is no GPU; the parity properties test the
 * kernel itself against the CPU backend where there is one.
 */
final class KernelModel {
    private KernelModel() {
    }

    /** The levels travel as kernel arguments, not in the packed buffer; so they do here. */
    static void run(ByteBuffer packed, BoxLayout layout, float level85, float level50, LaunchPlan plan, int blocks,
                    ByteBuffer output) {
        ByteBuffer in = packed.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer out = output.duplicate().order(ByteOrder.nativeOrder());
        CountsLayout counts = CountsLayout.of(layout);
        for (int b = 0; b < counts.bytes(); b++) {
            out.put(b, (byte) 0);
        }
        for (LaunchPlan.Group g : plan.launches()) {
            long labels = layout.labelsOffset() + (long) g.firstMap() * layout.voxels();
            long masks = layout.masksOffset() + 8L * g.firstMask() * layout.maskWords();
            int mapBins = (int) counts.mapOffset(g.firstMap());
            int maskBins = (int) counts.maskOffset(g.firstMask());
            for (int block = 0; block < blocks; block++) {
                launchBlock(in, layout, level85, level50, g, labels, masks, block, blocks, out, mapBins, maskBins);
            }
        }
    }

    private static void launchBlock(ByteBuffer in, BoxLayout layout, float l85, float l50, LaunchPlan.Group g,
                                    long labels, long masks,
                                    int block, int blocks, ByteBuffer out, int mapBins, int maskBins) {
        int n = layout.voxels();
        int[] hist = new int[g.sharedBytes() / 4];
        int maskHist = g.mapCount() * CountsLayout.MAP_WORDS;
        long c85 = 0, c50 = 0, si = 0, sj = 0, sk = 0;
        double ds = 0, dsi = 0, dsj = 0, dsk = 0;
        long stride = (long) blocks * CudaDevice.THREADS;
        long nxy = (long) layout.nx() * layout.ny();
        for (long base = (long) block * CudaDevice.THREADS; base < n; base += stride) {
            for (long idx = base; idx < Math.min(n, base + CudaDevice.THREADS); idx++) {
                float d = in.getFloat((int) (4 * idx));
                boolean a85 = d >= l85;
                boolean a50 = d >= l50;
                if (g.scalars()) {
                    c50 += a50 ? 1 : 0;
                    if (a85) {
                        c85++;
                        long k = idx / nxy;
                        long j = (idx - k * nxy) / layout.nx();
                        long i = idx - k * nxy - j * layout.nx();
                        si += i;
                        sj += j;
                        sk += k;
                        ds += d;
                        dsi += (double) d * i;
                        dsj += (double) d * j;
                        dsk += (double) d * k;
                    }
                }
                for (int m = 0; m < g.mapCount(); m++) {
                    int label = in.get((int) (labels + (long) m * n + idx)) & 0xFF;
                    int h = m * CountsLayout.MAP_WORDS;
                    hist[h + label]++;
                    hist[h + CountsLayout.BINS + label] += a85 ? 1 : 0;
                    hist[h + 2 * CountsLayout.BINS + label] += a50 ? 1 : 0;
                }
                for (int m = 0; m < g.maskCount(); m++) {
                    long word = in.getLong((int) (masks + 8L * ((long) m * layout.maskWords() + (idx >> 6))));
                    if (((word >>> (idx & 63)) & 1L) != 0) {
                        hist[maskHist + 3 * m]++;
                        hist[maskHist + 3 * m + 1] += a85 ? 1 : 0;
                        hist[maskHist + 3 * m + 2] += a50 ? 1 : 0;
                    }
                }
            }
        }
        if (g.scalars()) {
            add(out, 0, c85);
            add(out, 8, c50);
            add(out, 16, si);
            add(out, 24, sj);
            add(out, 32, sk);
            out.putDouble(40, out.getDouble(40) + ds);
            out.putDouble(48, out.getDouble(48) + dsi);
            out.putDouble(56, out.getDouble(56) + dsj);
            out.putDouble(64, out.getDouble(64) + dsk);
        }
        for (int b = 0; b < maskHist; b++) {
            add(out, mapBins + 8 * b, Integer.toUnsignedLong(hist[b]));
        }
        for (int b = 0; b < 3 * g.maskCount(); b++) {
            add(out, maskBins + 8 * b, Integer.toUnsignedLong(hist[maskHist + b]));
        }
    }

    private static void add(ByteBuffer out, int offset, long v) {
        out.putLong(offset, out.getLong(offset) + v);
    }
}
