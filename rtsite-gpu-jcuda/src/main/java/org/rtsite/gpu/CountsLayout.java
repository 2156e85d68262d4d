package org.rtsite.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.rtsite.core.overlap.OverlapCounts;
import org.rtsite.core.overlap.V85Moments;

/**
 * The kernel's output buffer for one box, all 8-byte words: nine scalars (v85, v50, the three
 * V85 index sums as u64, then the four dose sums as doubles), then per label map 3 × 256 bins
 * (organ, in V85, in V50), then per mask 3 words (inside, inside ∩ V85, inside ∩ V50). The host
 * zeroes it before the launch; blocks add into it.
 */
record CountsLayout(int maps, int masks) {
    static final int BINS = 256;
    static final int MAP_WORDS = 3 * BINS;
    static final int SCALAR_WORDS = 9;

    static CountsLayout of(BoxLayout box) {
        return new CountsLayout(box.maps(), box.masks());
    }

    long mapsOffset() {
        return 8L * SCALAR_WORDS;
    }

    /** Byte offset of map {@code m}'s bins. */
    long mapOffset(int m) {
        return mapsOffset() + 8L * MAP_WORDS * m;
    }

    /** Byte offset of mask {@code m}'s three words. */
    long maskOffset(int m) {
        return mapOffset(maps) + 24L * m;
    }

    long bytes() {
        return maskOffset(masks);
    }

    /**
     * Reads the counts back. A mask's bin 0 is the rest of the box (voxels outside it), as in the
     * CPU backend, so it follows from the box's voxel, V85 and V50 totals.
     */
    OverlapCounts unpack(ByteBuffer src, long voxels) {
        ByteBuffer b = src.duplicate().order(ByteOrder.nativeOrder());
        long v85 = b.getLong(0);
        long v50 = b.getLong(8);
        V85Moments moments = new V85Moments(v85, b.getLong(16), b.getLong(24), b.getLong(32),
                b.getDouble(40), b.getDouble(48), b.getDouble(56), b.getDouble(64));
        int sources = maps + masks;
        long[][] organ = new long[sources][];
        long[][] in85 = new long[sources][];
        long[][] in50 = new long[sources][];
        for (int m = 0; m < maps; m++) {
            int base = (int) mapOffset(m);
            organ[m] = new long[BINS];
            in85[m] = new long[BINS];
            in50[m] = new long[BINS];
            for (int l = 0; l < BINS; l++) {
                organ[m][l] = b.getLong(base + 8 * l);
                in85[m][l] = b.getLong(base + 8 * (BINS + l));
                in50[m][l] = b.getLong(base + 8 * (2 * BINS + l));
            }
        }
        for (int m = 0; m < masks; m++) {
            int base = (int) maskOffset(m);
            long inside = b.getLong(base);
            long inside85 = b.getLong(base + 8);
            long inside50 = b.getLong(base + 16);
            organ[maps + m] = new long[] {voxels - inside, inside};
            in85[maps + m] = new long[] {v85 - inside85, inside85};
            in50[maps + m] = new long[] {v50 - inside50, inside50};
        }
        return new OverlapCounts(v85, v50, organ, in85, in50, moments);
    }
}
