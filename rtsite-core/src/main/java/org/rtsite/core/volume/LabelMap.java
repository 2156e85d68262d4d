package org.rtsite.core.volume;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;

/**
 * One segmentation task's output: every voxel holds one label (0 = background, 1..255 = a named
 * structure), so structures within one map never overlap; separate maps may overlap each other.
 * Labels are stored as unsigned bytes, one per voxel (TotalSegmentator's largest task has 117
 * classes). The array is owned, not copied.
 */
public final class LabelMap {
    public static final int MAX_LABEL = 255;

    private final String task;
    private final ImageGrid grid;
    private final byte[] labels;
    private final SortedMap<Integer, String> names;

    /**
     * @param task   the segmentation task or source, e.g. {@code total}
     * @param labels one unsigned label per voxel, i fastest
     * @param names  label value → structure name; labels absent from the table are ignored
     */
    public LabelMap(String task, ImageGrid grid, byte[] labels, Map<Integer, String> names) {
        this.task = Objects.requireNonNull(task, "task");
        this.grid = Objects.requireNonNull(grid, "grid");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (labels.length != grid.voxelCount()) {
            throw new InvalidInputException("label map '" + task + "' has " + labels.length
                    + " voxels but its grid " + grid.describe() + " has " + grid.voxelCount());
        }
        TreeMap<Integer, String> copy = new TreeMap<>();
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            int label = e.getKey();
            if (label < 1 || label > MAX_LABEL) {
                throw new InvalidInputException("label map '" + task + "': label " + label + " ("
                        + e.getValue() + ") is outside 1.." + MAX_LABEL);
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new InvalidInputException("label map '" + task + "': label " + label + " has no name");
            }
            copy.put(label, e.getValue());
        }
        this.names = Collections.unmodifiableSortedMap(copy);
    }

    public String task() {
        return task;
    }

    public ImageGrid grid() {
        return grid;
    }

    /** The labels, one unsigned byte per voxel; do not modify. */
    public byte[] labels() {
        return labels;
    }

    /** Label value → structure name. */
    public SortedMap<Integer, String> names() {
        return names;
    }

    public int get(int i, int j, int k) {
        return labels[grid.index(i, j, k)] & 0xFF;
    }
}
