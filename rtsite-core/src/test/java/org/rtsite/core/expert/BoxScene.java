package org.rtsite.core.expert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rtsite.core.PlanInput;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * Test scenes made of boxes, so that every distance is known by hand: a CT grid with its origin at
 * 0 (voxel (i, j, k) centred at (i·dx, j·dy, k·dz) mm), organs as boxes of voxel indices in the
 * TotalSegmentator label map "total", dose on the same grid (so the resampled dose is the dose).
 */
final class BoxScene {
    final ImageGrid grid;
    final byte[] labels;
    final Map<Integer, String> names = new TreeMap<>();
    final float[] dose;
    final List<BinaryMask> masks = new ArrayList<>();

    BoxScene(int nx, int ny, int nz, double dx, double dy, double dz) {
        grid = ImageGrid.axial(nx, ny, nz, dx, dy, dz, Vec3.ZERO);
        labels = new byte[grid.voxelCount()];
        dose = new float[grid.voxelCount()];
    }

    /** Organ {@code name} on voxels [i0, i1) × [j0, j1) × [k0, k1), overwriting what was there. */
    BoxScene organ(String name, int i0, int i1, int j0, int j1, int k0, int k1) {
        int label = names.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElse(names.size() + 1);
        names.put(label, name);
        forBox(i0, i1, j0, j1, k0, k1, idx -> labels[idx] = (byte) label);
        return this;
    }

    /** A binary mask (e.g. a manual contour) on a box. */
    BoxScene mask(String name, int i0, int i1, int j0, int j1, int k0, int k1) {
        long[] bits = BinaryMask.bitsFor(grid);
        forBox(i0, i1, j0, j1, k0, k1, idx -> BinaryMask.set(bits, idx));
        masks.add(new BinaryMask(name, grid, bits));
        return this;
    }

    /** Dose {@code gy} on a box. */
    BoxScene dose(double gy, int i0, int i1, int j0, int j1, int k0, int k1) {
        forBox(i0, i1, j0, j1, k0, k1, idx -> dose[idx] = (float) gy);
        return this;
    }

    private void forBox(int i0, int i1, int j0, int j1, int k0, int k1, java.util.function.IntConsumer c) {
        for (int k = k0; k < k1; k++) {
            for (int j = j0; j < j1; j++) {
                for (int i = i0; i < i1; i++) {
                    c.accept(grid.index(i, j, k));
                }
            }
        }
    }

    OrganMasks organMasks() {
        return new OrganMasks(grid, List.of(new LabelMap("total", grid, labels, names)), masks);
    }

    PlanInput input() {
        return PlanInput.withMasks(grid, new DoseVolume(grid, dose), organMasks());
    }
}
