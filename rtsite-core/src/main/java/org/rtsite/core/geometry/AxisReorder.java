package org.rtsite.core.geometry;

import java.util.Optional;
import org.rtsite.core.InvalidInputException;

/**
 * How the voxels of one grid ({@code from}) are the voxels of another ({@code onto}) stored in
 * another order: axis {@code a} of {@code onto} runs along axis {@code source[a]} of {@code from},
 * backwards when {@code flipped[a]}. Converters such as dcm2niix store a CT's voxels this way (rows
 * flipped, slices flipped for feet-first or descending series), so re-indexing is exact: no voxel
 * is interpolated, moved or lost.
 *
 * @param source  for each axis of {@code onto} (i, j, k), the axis of {@code from} it runs along (0, 1, 2)
 * @param flipped for each axis of {@code onto}, whether it runs against that axis of {@code from}
 */
public record AxisReorder(int[] source, boolean[] flipped) {

    private static final String[] AXES = {"i", "j", "k"};

    public AxisReorder {
        if (source.length != 3 || flipped.length != 3) {
            throw new InvalidInputException("an axis reorder needs 3 axes, got " + source.length + " and " + flipped.length);
        }
        boolean[] seen = new boolean[3];
        for (int s : source) {
            if (s < 0 || s > 2 || seen[s]) {
                throw new InvalidInputException("axis reorder sources must be a permutation of 0, 1, 2, got "
                        + java.util.Arrays.toString(source));
            }
            seen[s] = true;
        }
        source = source.clone();
        flipped = flipped.clone();
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    @Override
    public boolean[] flipped() {
        return flipped.clone();
    }

    /** True when the voxels are already in {@code onto}'s order. */
    public boolean isIdentity() {
        for (int a = 0; a < 3; a++) {
            if (source[a] != a || flipped[a]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The reorder that puts {@code from}'s voxels in {@code onto}'s order, when every voxel centre of
     * one is a voxel centre of the other: the re-indexed grid must have {@code onto}'s dimensions and
     * match its geometry within {@code tolMm} ({@link ImageGrid#sameGeometry}). Empty when the voxel
     * lattices differ (other spacing, origin, extent or an oblique turn).
     */
    public static Optional<AxisReorder> find(ImageGrid from, ImageGrid onto, double tolMm) {
        Vec3[] fromAxes = {from.axisI(), from.axisJ(), from.axisK()};
        Vec3[] ontoAxes = {onto.axisI(), onto.axisJ(), onto.axisK()};
        int[] source = new int[3];
        boolean[] flipped = new boolean[3];
        boolean[] used = new boolean[3];
        for (int a = 0; a < 3; a++) {
            int best = -1;
            double bestDot = 0;
            for (int b = 0; b < 3; b++) {
                double d = ontoAxes[a].dot(fromAxes[b]);
                if (Math.abs(d) > Math.abs(bestDot)) {
                    best = b;
                    bestDot = d;
                }
            }
            // an axis of one grid must be parallel to an axis of the other; anything less is an oblique turn
            if (best < 0 || used[best] || Math.abs(bestDot) < 0.5) {
                return Optional.empty();
            }
            used[best] = true;
            source[a] = best;
            flipped[a] = bestDot < 0;
        }
        AxisReorder r = new AxisReorder(source, flipped);
        int[] n = {from.nx(), from.ny(), from.nz()};
        if (n[source[0]] != onto.nx() || n[source[1]] != onto.ny() || n[source[2]] != onto.nz()) {
            return Optional.empty();
        }
        return r.regrid(from).sameGeometry(onto, tolMm) ? Optional.of(r) : Optional.empty();
    }

    /** {@code from} described in the new order: the same voxel centres, indexed as this reorder puts them. */
    public ImageGrid regrid(ImageGrid from) {
        Vec3[] axes = {from.axisI(), from.axisJ(), from.axisK()};
        double[] spacing = {from.dx(), from.dy(), from.dz()};
        int[] n = {from.nx(), from.ny(), from.nz()};
        double[] first = new double[3];
        Vec3[] newAxes = new Vec3[3];
        for (int a = 0; a < 3; a++) {
            int s = source[a];
            first[s] = flipped[a] ? n[s] - 1 : 0;
            newAxes[a] = flipped[a] ? axes[s].times(-1) : axes[s];
        }
        return new ImageGrid(n[source[0]], n[source[1]], n[source[2]], spacing[source[0]], spacing[source[1]],
                spacing[source[2]], from.toPatient(first[0], first[1], first[2]), newAxes[0], newAxes[1], newAxes[2]);
    }

    /** One value per voxel of {@code from} (i fastest), returned in the new order. */
    public byte[] apply(ImageGrid from, byte[] values) {
        if (values.length != from.voxelCount()) {
            throw new InvalidInputException(values.length + " values for grid " + from.describe());
        }
        byte[] out = new byte[values.length];
        Walk w = new Walk(from);
        int o = 0;
        for (int k = 0; k < w.n[2]; k++) {
            for (int j = 0; j < w.n[1]; j++) {
                int src = w.start + k * w.step[2] + j * w.step[1];
                for (int i = 0; i < w.n[0]; i++, src += w.step[0]) {
                    out[o++] = values[src];
                }
            }
        }
        return out;
    }

    /** A bit set over the voxels of {@code from} (as {@code BinaryMask} stores it), in the new order. */
    public long[] applyBits(ImageGrid from, long[] bits) {
        long[] out = new long[bits.length];
        Walk w = new Walk(from);
        int o = 0;
        for (int k = 0; k < w.n[2]; k++) {
            for (int j = 0; j < w.n[1]; j++) {
                int src = w.start + k * w.step[2] + j * w.step[1];
                for (int i = 0; i < w.n[0]; i++, src += w.step[0], o++) {
                    if ((bits[src >>> 6] & (1L << src)) != 0) {
                        out[o >>> 6] |= 1L << o;
                    }
                }
            }
        }
        return out;
    }

    /** E.g. {@code i←i, j←-j, k←-k}: each new axis and the source axis it runs along, minus when reversed. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < 3; a++) {
            b.append(a == 0 ? "" : ", ").append(AXES[a]).append('←').append(flipped[a] ? "-" : "").append(AXES[source[a]]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AxisReorder r && java.util.Arrays.equals(source, r.source)
                && java.util.Arrays.equals(flipped, r.flipped);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(source) + java.util.Arrays.hashCode(flipped);
    }

    @Override
    public String toString() {
        return "AxisReorder[" + describe() + "]";
    }

    /** Index arithmetic over {@code from}'s array: where the new (0, 0, 0) is and how far each new axis steps. */
    private final class Walk {
        final int[] n = new int[3];
        final int[] step = new int[3];
        final int start;

        Walk(ImageGrid from) {
            int[] dims = {from.nx(), from.ny(), from.nz()};
            int[] stride = {1, from.nx(), from.nx() * from.ny()};
            int s = 0;
            for (int a = 0; a < 3; a++) {
                n[a] = dims[source[a]];
                step[a] = flipped[a] ? -stride[source[a]] : stride[source[a]];
                if (flipped[a]) {
                    s += (dims[source[a]] - 1) * stride[source[a]];
                }
            }
            start = s;
        }
    }
}
