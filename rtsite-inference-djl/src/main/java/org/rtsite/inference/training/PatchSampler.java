package org.rtsite.inference.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training patches from network-grid cases. A patch is a box of the case's {@link NetworkCase#image()}; where it
 * reaches beyond the image it reads 0 and background, as inference pads an image smaller than its window with 0.
 * With probability {@code foregroundFraction} a patch is centred on a random voxel of a random class present in the
 * case (so small organs are seen), otherwise its position is uniform over the image. The class is drawn with a chance
 * proportional to its focus weight among the classes the case has (all 1 by default: uniform).
 * <p>
 * Without {@code reach} a patch stays inside the image along every axis where the image is at least the patch, so
 * training never sees an image edge next to padding, which inference sees in every window of an image smaller than
 * the window. With {@code reach[a]} voxels a patch's origin ranges over {@code [-reach, dim - patch + reach]} along
 * axis {@code a} (nnU-Net's padded sampling: {@code need_to_pad} of {@code 2 × reach}), so it may reach up to that far
 * past either edge; an image shorter than the patch is padded by at least that much, centred as before.
 */
final class PatchSampler {
    /** Where a patch lies: case and origin (voxel of tensor axes 0, 1, 2, may be negative). */
    record Spot(int caseIndex, int o0, int o1, int o2) {
    }

    private final List<NetworkCase> cases;
    private final int[] patch;
    private final int[][][] voxelsByClass;
    private final double[] focus;
    private final int[] reach;

    PatchSampler(List<NetworkCase> cases, int[] patch, int numClasses) {
        this(cases, patch, numClasses, null);
    }

    /** @param focus per channel, the relative chance of centring an organ patch on it; {@code null} = all alike */
    PatchSampler(List<NetworkCase> cases, int[] patch, int numClasses, double[] focus) {
        this(cases, patch, numClasses, focus, new int[3]);
    }

    /**
     * @param focus per channel, the relative chance of centring an organ patch on it; {@code null} = all alike
     * @param reach per tensor axis, how many voxels a patch may reach past the image's edge (0 = none)
     */
    PatchSampler(List<NetworkCase> cases, int[] patch, int numClasses, double[] focus, int[] reach) {
        this.focus = focus == null ? null : focus.clone();
        this.reach = reach.clone();
        this.cases = List.copyOf(cases);
        this.patch = patch.clone();
        this.voxelsByClass = new int[cases.size()][][];
        for (int i = 0; i < cases.size(); i++) {
            byte[] l = cases.get(i).labels();
            int[] n = new int[numClasses];
            for (byte b : l) {
                n[b & 0xFF]++;
            }
            int[][] idx = new int[numClasses][];
            for (int c = 1; c < numClasses; c++) {
                idx[c] = new int[n[c]];
            }
            int[] fill = new int[numClasses];
            for (int v = 0; v < l.length; v++) {
                int c = l[v] & 0xFF;
                if (c > 0) {
                    idx[c][fill[c]++] = v;
                }
            }
            voxelsByClass[i] = idx;
        }
    }

    /** {@code perCase} spots from each of {@code caseIndices}, in a shuffled order. */
    List<Spot> sample(List<Integer> caseIndices, int perCase, double foregroundFraction, SplittableRandom r) {
        List<Spot> spots = new ArrayList<>();
        for (int ci : caseIndices) {
            for (int p = 0; p < perCase; p++) {
                spots.add(spot(ci, r.nextDouble() < foregroundFraction, r));
            }
        }
        for (int i = spots.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Spot t = spots.get(i);
            spots.set(i, spots.get(j));
            spots.set(j, t);
        }
        return spots;
    }

    private Spot spot(int ci, boolean foreground, SplittableRandom r) {
        int[] d = cases.get(ci).dims();
        int[] origin = new int[3];
        int[][] byClass = voxelsByClass[ci];
        List<Integer> present = new ArrayList<>();
        for (int c = 1; c < byClass.length; c++) {
            if (byClass[c].length > 0) {
                present.add(c);
            }
        }
        if (foreground && !present.isEmpty()) {
            int[] vox = byClass[pick(present, r)];
            int v = vox[r.nextInt(vox.length)];
            int[] at = {v / (d[1] * d[2]), (v / d[2]) % d[1], v % d[2]};
            for (int a = 0; a < 3; a++) {
                origin[a] = Math.max(lowest(d[a], a), Math.min(at[a] - patch[a] / 2, highest(d[a], a)));
            }
        } else {
            for (int a = 0; a < 3; a++) {
                int lo = lowest(d[a], a);
                int hi = highest(d[a], a);
                // the draws of a run without reach are the ones it made before reach existed (none on a padded axis)
                origin[a] = d[a] >= patch[a] || hi > lo ? lo + r.nextInt(hi - lo + 1) : lo;
            }
        }
        return new Spot(ci, origin[0], origin[1], origin[2]);
    }

    /** A present class, uniformly (one draw, as before focus existed) or by focus weight. */
    private int pick(List<Integer> present, SplittableRandom r) {
        if (focus == null) {
            return present.get(r.nextInt(present.size()));
        }
        double total = 0;
        for (int c : present) {
            total += focus[c];
        }
        double u = r.nextDouble() * total;
        for (int c : present) {
            u -= focus[c];
            if (u < 0) {
                return c;
            }
        }
        return present.get(present.size() - 1);
    }

    /**
     * nnU-Net's {@code need_to_pad} along axis {@code a}: twice the reach, or what an image shorter than the patch
     * lacks if that is more; half of it (the odd voxel above) may lie below the image.
     */
    private int needToPad(int dim, int a) {
        return Math.max(2 * reach[a], patch[a] - dim);
    }

    /** The lowest origin along axis {@code a}. */
    private int lowest(int dim, int a) {
        return -(needToPad(dim, a) / 2);
    }

    /** The highest origin along axis {@code a}; equals {@link #lowest} for an image exactly as short as it is padded. */
    private int highest(int dim, int a) {
        int need = needToPad(dim, a);
        return dim + need / 2 + need % 2 - patch[a];
    }

    /** Copies the patch at {@code s} into {@code image}/{@code labels} at offset {@code at} (patch voxels). */
    void extract(Spot s, float[] image, byte[] labels, int at) {
        NetworkCase c = cases.get(s.caseIndex());
        int[] d = c.dims();
        float[] src = c.image();
        byte[] lab = c.labels();
        int o = at;
        for (int z = 0; z < patch[0]; z++) {
            int sz = s.o0() + z;
            for (int y = 0; y < patch[1]; y++) {
                int sy = s.o1() + y;
                boolean inside = sz >= 0 && sz < d[0] && sy >= 0 && sy < d[1];
                for (int x = 0; x < patch[2]; x++, o++) {
                    int sx = s.o2() + x;
                    if (inside && sx >= 0 && sx < d[2]) {
                        int v = (sz * d[1] + sy) * d[2] + sx;
                        image[o] = src[v];
                        labels[o] = lab[v];
                    } else {
                        image[o] = 0;
                        labels[o] = 0;
                    }
                }
            }
        }
    }

    int patchVoxels() {
        return patch[0] * patch[1] * patch[2];
    }

    int[] patch() {
        return patch.clone();
    }

    int[] reach() {
        return reach.clone();
    }
}
