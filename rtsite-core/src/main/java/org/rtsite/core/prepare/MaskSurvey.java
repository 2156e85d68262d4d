package org.rtsite.core.prepare;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * One pass over the masks within a region (the cropped CT) that finds, for the structures of
 * interest (hip bones, C7, thyroid), their most superior patient z, and optionally counts every
 * structure's voxels. Sources are numbered as in {@link org.rtsite.core.overlap.IsodoseBox}:
 * label maps, then binary masks (bin 1).
 */
public final class MaskSurvey {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private MaskSurvey() {
    }

    /**
     * @param interest    per source, per bin: whether to track the most superior z
     * @param countVoxels whether to fill {@link Result#voxels}
     */
    public static Result survey(OrganMasks masks, IndexBox region, boolean[][] interest, boolean countVoxels) {
        List<LabelMap> maps = masks.labelMaps();
        List<BinaryMask> bins = masks.masks();
        int sources = maps.size() + bins.size();
        double[][] maxZ = new double[sources][];
        long[][] voxels = countVoxels ? new long[sources][] : null;
        Affine toPatient = masks.grid().indexToPatient();
        double zi = toPatient.get(2, 0), zj = toPatient.get(2, 1), zk = toPatient.get(2, 2), zt = toPatient.get(2, 3);
        int nx = masks.grid().nx(), ny = masks.grid().ny();
        for (int s = 0; s < sources; s++) {
            boolean isMap = s < maps.size();
            int width = isMap ? LabelMap.MAX_LABEL + 1 : 2;
            maxZ[s] = new double[width];
            java.util.Arrays.fill(maxZ[s], Double.NEGATIVE_INFINITY);
            boolean[] want = interest[s];
            boolean anyInterest = false;
            for (boolean w : want) {
                anyInterest |= w;
            }
            if (!anyInterest && !countVoxels) {
                continue;
            }
            long[] hist = new long[width];
            double[] mz = maxZ[s];
            byte[] labels = isMap ? maps.get(s).labels() : null;
            long[] bits = isMap ? null : bins.get(s - maps.size()).bits();
            // Without voxel counts only labelled voxels matter: skip background eight at a time.
            boolean skipBackground = isMap && !countVoxels && !want[0];
            for (int k = region.k0(); k < region.k1(); k++) {
                for (int j = region.j0(); j < region.j1(); j++) {
                    int row = nx * (j + ny * k);
                    double zRow = zj * j + zk * k + zt;
                    for (int i = region.i0(); i < region.i1(); i++) {
                        if (skipBackground && ((i - region.i0()) & 7) == 0 && i + 8 <= region.i1()
                                && (long) LONGS.get(labels, row + i) == 0L) {
                            i += 7;
                            continue;
                        }
                        int idx = row + i;
                        int l = isMap ? labels[idx] & 0xFF : ((bits[idx >>> 6] >>> idx) & 1L) != 0 ? 1 : 0;
                        hist[l]++;
                        if (want[l]) {
                            double z = zRow + zi * i;
                            if (z > mz[l]) {
                                mz[l] = z;
                            }
                        }
                    }
                }
            }
            if (countVoxels) {
                voxels[s] = hist;
            }
        }
        return new Result(maxZ, voxels);
    }

    /**
     * @param maxZ   per source and bin, the most superior patient z (mm) of the tracked structures,
     *               {@code -Infinity} when absent or not tracked
     * @param voxels per source and bin, the voxel count within the region, or null when not counted
     */
    public record Result(double[][] maxZ, long[][] voxels) {
    }
}
