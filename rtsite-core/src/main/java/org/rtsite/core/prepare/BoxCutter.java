package org.rtsite.core.prepare;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * Cuts the resampled dose and the organ masks to the isodose box (ALGORITHM.md §1.6), and builds
 * the split bowel (§1.4) inside it as an extra label map.
 */
public final class BoxCutter {

    /** Labels of the extra bowel map. */
    public static final int PELVIC_BOWEL = 1;
    public static final int ABDOMINAL_BOWEL = 2;

    private BoxCutter() {
    }

    /**
     * The tight bounding box (in the dose region's own grid) of the voxels at or above
     * {@code level}, or null when there are none.
     */
    public static IndexBox boundingBox(float[] dose, IndexBox region, float level) {
        int nx = region.nx(), ny = region.ny(), nz = region.nz();
        int i0 = Integer.MAX_VALUE, j0 = Integer.MAX_VALUE, k0 = Integer.MAX_VALUE, i1 = -1, j1 = -1, k1 = -1;
        int idx = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++, idx++) {
                    if (dose[idx] >= level) {
                        if (i < i0) i0 = i;
                        if (i > i1) i1 = i;
                        if (j < j0) j0 = j;
                        if (j > j1) j1 = j;
                        if (k < k0) k0 = k;
                        if (k > k1) k1 = k;
                    }
                }
            }
        }
        if (i1 < 0) {
            return null;
        }
        return new IndexBox(region.i0() + i0, region.j0() + j0, region.k0() + k0,
                region.i0() + i1 + 1, region.j0() + j1 + 1, region.k0() + k1 + 1);
    }

    /**
     * @param cropGrid      the cropped CT grid; {@code box} and {@code doseRegion} are boxes of it
     * @param dose          resampled dose over {@code doseRegion}
     * @param masks         organ masks; crop voxel (i, j, k) is mask voxel {@code maskOffset + (i, j, k)}
     * @param bowel         per source and bin: whether the structure is a bowel component, or null
     *                      when no source holds one (then no bowel map is added)
     * @param hipTopZ       most superior patient z of the hip bones; NaN when no hip is in view
     */
    public static IsodoseBox cut(ImageGrid cropGrid, float[] dose, IndexBox doseRegion, IndexBox box,
                                 float level85, float level50, OrganMasks masks, IndexBox maskOffset,
                                 boolean[][] bowel, double hipTopZ) {
        ImageGrid boxGrid = cropGrid.sub(box);
        int bnx = box.nx(), bny = box.ny(), bnz = box.nz();
        int n = boxGrid.voxelCount();
        float[] boxDose = new float[n];
        for (int k = 0; k < bnz; k++) {
            for (int j = 0; j < bny; j++) {
                int src = (box.i0() - doseRegion.i0()) + doseRegion.nx()
                        * ((box.j0() - doseRegion.j0() + j) + doseRegion.ny() * (box.k0() - doseRegion.k0() + k));
                System.arraycopy(dose, src, boxDose, bnx * (j + bny * k), bnx);
            }
        }
        ImageGrid mg = masks.grid();
        int mnx = mg.nx(), mny = mg.ny();
        int oi = maskOffset.i0() + box.i0(), oj = maskOffset.j0() + box.j0(), ok = maskOffset.k0() + box.k0();
        List<byte[]> maps = new ArrayList<>();
        for (LabelMap m : masks.labelMaps()) {
            byte[] out = new byte[n];
            byte[] src = m.labels();
            for (int k = 0; k < bnz; k++) {
                for (int j = 0; j < bny; j++) {
                    System.arraycopy(src, oi + mnx * (oj + j + mny * (ok + k)), out, bnx * (j + bny * k), bnx);
                }
            }
            maps.add(out);
        }
        List<long[]> bitsets = new ArrayList<>();
        for (BinaryMask m : masks.masks()) {
            long[] src = m.bits();
            long[] out = BinaryMask.bitsFor(boxGrid);
            int idx = 0;
            for (int k = 0; k < bnz; k++) {
                for (int j = 0; j < bny; j++) {
                    int row = oi + mnx * (oj + j + mny * (ok + k));
                    for (int i = 0; i < bnx; i++, idx++) {
                        int s = row + i;
                        if ((src[s >>> 6] & (1L << s)) != 0) {
                            out[idx >>> 6] |= 1L << idx;
                        }
                    }
                }
            }
            bitsets.add(out);
        }
        if (bowel != null) {
            maps.add(bowelMap(boxGrid, maps, bitsets, bowel, hipTopZ));
        }
        return new IsodoseBox(boxGrid, boxDose, level85, level50, maps, bitsets);
    }

    /** Union of the bowel components, split at the hip top: at or below → pelvic, above → abdominal. */
    private static byte[] bowelMap(ImageGrid boxGrid, List<byte[]> maps, List<long[]> bitsets, boolean[][] bowel,
                                   double hipTopZ) {
        int n = boxGrid.voxelCount();
        byte[] out = new byte[n];
        for (int m = 0; m < maps.size(); m++) {
            boolean[] is = bowel[m];
            byte[] labels = maps.get(m);
            for (int idx = 0; idx < n; idx++) {
                if (is[labels[idx] & 0xFF]) {
                    out[idx] = 1;
                }
            }
        }
        for (int m = 0; m < bitsets.size(); m++) {
            if (bowel[maps.size() + m][1]) {
                long[] bits = bitsets.get(m);
                for (int idx = 0; idx < n; idx++) {
                    if ((bits[idx >>> 6] & (1L << idx)) != 0) {
                        out[idx] = 1;
                    }
                }
            }
        }
        Affine p = boxGrid.indexToPatient();
        double zi = p.get(2, 0), zj = p.get(2, 1), zk = p.get(2, 2), zt = p.get(2, 3);
        int idx = 0;
        for (int k = 0; k < boxGrid.nz(); k++) {
            for (int j = 0; j < boxGrid.ny(); j++) {
                double zRow = zj * j + zk * k + zt;
                for (int i = 0; i < boxGrid.nx(); i++, idx++) {
                    if (out[idx] != 0) {
                        boolean pelvic = !Double.isNaN(hipTopZ) && zRow + zi * i <= hipTopZ;
                        out[idx] = (byte) (pelvic ? PELVIC_BOWEL : ABDOMINAL_BOWEL);
                    }
                }
            }
        }
        return out;
    }
}
