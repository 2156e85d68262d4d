package org.rtsite.core.volume;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;

/**
 * One structure as a set of voxels, one bit per voxel (bit {@code index & 63} of word
 * {@code index >>> 6}), for structures that overlap freely, such as rasterized contours. The
 * bit array is owned, not copied.
 */
public final class BinaryMask {
    private final String name;
    private final ImageGrid grid;
    private final long[] bits;

    public BinaryMask(String name, ImageGrid grid, long[] bits) {
        this.name = Objects.requireNonNull(name, "name");
        this.grid = Objects.requireNonNull(grid, "grid");
        this.bits = Objects.requireNonNull(bits, "bits");
        int words = wordsFor(grid.voxelCount());
        if (bits.length != words) {
            throw new InvalidInputException("mask '" + name + "' has " + bits.length + " words but its grid "
                    + grid.describe() + " needs " + words);
        }
    }

    /** An empty mask to fill with {@link #bitsFor} and {@link #set}. */
    public static long[] bitsFor(ImageGrid grid) {
        return new long[wordsFor(grid.voxelCount())];
    }

    public static int wordsFor(int voxels) {
        return (voxels + 63) >>> 6;
    }

    public static void set(long[] bits, int index) {
        bits[index >>> 6] |= 1L << index;
    }

    public static boolean test(long[] bits, int index) {
        return (bits[index >>> 6] & (1L << index)) != 0;
    }

    public String name() {
        return name;
    }

    public ImageGrid grid() {
        return grid;
    }

    /** The bits; do not modify. */
    public long[] bits() {
        return bits;
    }

    public boolean contains(int index) {
        return test(bits, index);
    }

    public boolean contains(int i, int j, int k) {
        return test(bits, grid.index(i, j, k));
    }

    public long cardinality() {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }
}
