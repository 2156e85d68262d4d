package org.rtsite.core.geometry;

import org.rtsite.core.InvalidInputException;


/**
 * Nearest-neighbour resampling of labels and masks onto another grid: each target voxel takes the
 * value of the source voxel whose centre is nearest to its own centre (ties go up), 0 when that
 * centre lies more than half a voxel outside the source grid. Labels are never blended. Only used
 * when a caller explicitly asks for it: it moves organ boundaries by up to half a source voxel.
 */
public final class NearestNeighbour {

    private NearestNeighbour() {
    }

    /** {@code values} (one per voxel of {@code from}, i fastest) resampled onto {@code onto}. */
    public static byte[] resample(ImageGrid from, byte[] values, ImageGrid onto) {
        if (values.length != from.voxelCount()) {
            throw new InvalidInputException(values.length + " values for grid " + from.describe());
        }
        byte[] out = new byte[onto.voxelCount()];
        walk(from, onto, (target, source) -> out[target] = values[source]);
        return out;
    }

    /** A bit set over {@code from}'s voxels (as {@code BinaryMask} stores it) resampled onto {@code onto}. */
    public static long[] resampleBits(ImageGrid from, long[] bits, ImageGrid onto) {
        long[] out = new long[(onto.voxelCount() + 63) >>> 6];
        walk(from, onto, (target, source) -> {
            if ((bits[source >>> 6] & (1L << source)) != 0) {
                out[target >>> 6] |= 1L << target;
            }
        });
        return out;
    }

    private interface Copy {
        void copy(int target, int source);
    }

    private static void walk(ImageGrid from, ImageGrid onto, Copy copy) {
        // onto index → from's continuous index is one affine map: along a row, i·di from the row's start
        Affine m = onto.indexToPatient().then(from.patientToIndex());
        Vec3 di = m.applyLinear(Vec3.X);
        int nx = from.nx();
        int ny = from.ny();
        int nz = from.nz();
        int t = 0;
        for (int k = 0; k < onto.nz(); k++) {
            for (int j = 0; j < onto.ny(); j++) {
                Vec3 p = m.apply(0, j, k);
                for (int i = 0; i < onto.nx(); i++, t++) {
                    int si = (int) Math.floor(p.x() + i * di.x() + 0.5);
                    int sj = (int) Math.floor(p.y() + i * di.y() + 0.5);
                    int sk = (int) Math.floor(p.z() + i * di.z() + 0.5);
                    if (si >= 0 && si < nx && sj >= 0 && sj < ny && sk >= 0 && sk < nz) {
                        copy.copy(t, si + nx * (sj + ny * sk));
                    }
                }
            }
        }
    }
}
