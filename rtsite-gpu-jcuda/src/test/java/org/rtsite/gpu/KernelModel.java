package org.rtsite.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * A sequential Java transcription of overlap.cu, warp by warp: it takes the launch arguments the
 * host builds ({@link KernelArgs}) for every group of the {@link LaunchPlan}, reads the packed
 * input at those offsets, emulates the warp votes (__ballot_sync, __match_any_sync and the
 * leader's adds) and the block-local 32-bit histograms, and adds into the output buffer as the
 * blocks' atomics do. It lets the host side (packing, planning, arguments, unpacking) and the
 * kernel's counting scheme be tested where there is no GPU; the parity properties test the kernel
 * itself where there is one.
 */
final class KernelModel {
    private static final int WARP = 32;

    private KernelModel() {
    }

    static void run(ByteBuffer packed, BoxLayout layout, float level85, float level50, LaunchPlan plan, int blocks,
                    ByteBuffer output) {
        ByteBuffer in = packed.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer out = output.duplicate().order(ByteOrder.nativeOrder());
        CountsLayout counts = CountsLayout.of(layout);
        for (int b = 0; b < counts.bytes(); b++) {
            out.put(b, (byte) 0);   // the host's cuMemsetD8Async
        }
        for (LaunchPlan.Group g : plan.launches()) {
            List<String> args = KernelArgs.overlapCounts(new CUdeviceptr(), new CUdeviceptr(), layout, counts, g,
                    level85, level50).described();
            for (int block = 0; block < blocks; block++) {
                block(in, out, new Launch(args), block, blocks);
            }
        }
    }

    /** overlapCounts' parameters, decoded from the host's argument list. */
    private record Launch(int dose, int labels, int masks, int n, int nx, int ny, int nMaps, int nMasks,
                          int maskWords, float level85, float level50, int scalars, int mapBins, int maskBins) {
        Launch(List<String> a) {
            this(in(a.get(0)), in(a.get(1)), in(a.get(2)), Integer.parseInt(a.get(3)), Integer.parseInt(a.get(4)),
                    Integer.parseInt(a.get(5)), Integer.parseInt(a.get(6)), Integer.parseInt(a.get(7)),
                    Integer.parseInt(a.get(8)), Float.parseFloat(a.get(9)), Float.parseFloat(a.get(10)),
                    a.get(11).equals("null") ? -1 : out(a.get(11)), out(a.get(12)), out(a.get(13)));
        }

        private static int in(String arg) {
            return offset(arg, "input+");
        }

        private static int out(String arg) {
            return offset(arg, "output+");
        }

        private static int offset(String arg, String prefix) {
            if (!arg.startsWith(prefix)) {
                throw new AssertionError("expected a pointer into " + prefix + "…, got " + arg);
            }
            return Integer.parseInt(arg.substring(prefix.length()));
        }
    }

    private static void block(ByteBuffer in, ByteBuffer out, Launch p, int block, int blocks) {
        int threads = CudaDevice.THREADS;
        int[] hist = new int[p.nMaps() * CountsLayout.MAP_WORDS + 3 * p.nMasks()];
        int maskHist = p.nMaps() * CountsLayout.MAP_WORDS;
        boolean doScalars = p.scalars() >= 0;
        long nxy = (long) p.nx() * p.ny();
        long stride = (long) blocks * threads;
        long c85 = 0, c50 = 0, si = 0, sj = 0, sk = 0;
        double ds = 0, dsi = 0, dsj = 0, dsk = 0;
        boolean[] valid = new boolean[WARP];
        boolean[] a85 = new boolean[WARP];
        boolean[] a50 = new boolean[WARP];
        int[] label = new int[WARP];
        for (int warp = 0; warp < threads / WARP; warp++) {
            for (long base = (long) block * threads + warp * WARP; base < p.n(); base += stride) {
                int b85 = 0;
                int b50 = 0;
                for (int lane = 0; lane < WARP; lane++) {
                    long idx = base + lane;
                    valid[lane] = idx < p.n();
                    float d = valid[lane] ? in.getFloat((int) (p.dose() + 4 * idx)) : 0f;
                    a85[lane] = valid[lane] && d >= p.level85();
                    a50[lane] = valid[lane] && d >= p.level50();
                    b85 |= a85[lane] ? 1 << lane : 0;
                    b50 |= a50[lane] ? 1 << lane : 0;
                    if (doScalars && a85[lane]) {
                        long k = idx / nxy;
                        long rem = idx - k * nxy;
                        long j = rem / p.nx();
                        long i = rem - j * p.nx();
                        si += i;
                        sj += j;
                        sk += k;
                        ds += d;
                        dsi += (double) d * i;
                        dsj += (double) d * j;
                        dsk += (double) d * k;
                    }
                }
                if (doScalars) {
                    c85 += Integer.bitCount(b85);
                    c50 += Integer.bitCount(b50);
                }
                for (int m = 0; m < p.nMaps(); m++) {
                    for (int lane = 0; lane < WARP; lane++) {
                        label[lane] = valid[lane] ? in.get((int) (p.labels() + (long) m * p.n() + base + lane)) & 0xFF : -1;
                    }
                    for (int lane = 0; lane < WARP; lane++) {
                        int peers = 0;
                        for (int other = 0; other < WARP; other++) {
                            peers |= label[other] == label[lane] ? 1 << other : 0;
                        }
                        if (valid[lane] && lane == Integer.numberOfTrailingZeros(peers)) {
                            int h = m * CountsLayout.MAP_WORDS;
                            hist[h + label[lane]] += Integer.bitCount(peers);
                            hist[h + CountsLayout.BINS + label[lane]] += Integer.bitCount(peers & b85);
                            hist[h + 2 * CountsLayout.BINS + label[lane]] += Integer.bitCount(peers & b50);
                        }
                    }
                }
                for (int m = 0; m < p.nMasks(); m++) {
                    int inside = 0;
                    for (int lane = 0; lane < WARP; lane++) {
                        long idx = base + lane;
                        if (valid[lane]) {
                            long word = in.getLong((int) (p.masks() + 8L * ((long) m * p.maskWords() + (idx >> 6))));
                            inside |= ((word >>> (idx & 63)) & 1L) != 0 ? 1 << lane : 0;
                        }
                    }
                    if (inside != 0) {
                        hist[maskHist + 3 * m] += Integer.bitCount(inside);
                        hist[maskHist + 3 * m + 1] += Integer.bitCount(inside & b85);
                        hist[maskHist + 3 * m + 2] += Integer.bitCount(inside & b50);
                    }
                }
            }
        }
        if (doScalars) {
            int s = p.scalars();
            add(out, s, c85);
            add(out, s + 8, c50);
            add(out, s + 16, si);
            add(out, s + 24, sj);
            add(out, s + 32, sk);
            out.putDouble(s + 40, out.getDouble(s + 40) + ds);
            out.putDouble(s + 48, out.getDouble(s + 48) + dsi);
            out.putDouble(s + 56, out.getDouble(s + 56) + dsj);
            out.putDouble(s + 64, out.getDouble(s + 64) + dsk);
        }
        for (int b = 0; b < maskHist; b++) {
            add(out, p.mapBins() + 8 * b, Integer.toUnsignedLong(hist[b]));
        }
        for (int b = 0; b < 3 * p.nMasks(); b++) {
            add(out, p.maskBins() + 8 * b, Integer.toUnsignedLong(hist[maskHist + b]));
        }
    }

    private static void add(ByteBuffer out, int offset, long v) {
        out.putLong(offset, out.getLong(offset) + v);
    }
}
