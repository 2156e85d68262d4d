package org.rtsite.nifti;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;

/**
 * A 3-D NIfTI volume: its header, its grid in DICOM LPS millimetres, and its voxels in the file's
 * own type ({@code byte[]}, {@code short[]}, {@code int[]}, {@code float[]} or {@code double[]},
 * i fastest, unsigned types kept in their signed Java twin). The array is owned, not copied.
 */
public final class NiftiImage {
    private final String source;
    private final NiftiHeader header;
    private final ImageGrid grid;
    private final Object data;

    NiftiImage(String source, NiftiHeader header, ImageGrid grid, Object data) {
        this.source = Objects.requireNonNull(source);
        this.header = header;
        this.grid = grid;
        this.data = data;
    }

    public String source() {
        return source;
    }

    public NiftiHeader header() {
        return header;
    }

    /** The voxel grid in DICOM patient coordinates (LPS, mm). */
    public ImageGrid grid() {
        return grid;
    }

    /** The stored voxels; do not modify. */
    public Object data() {
        return data;
    }

    /** The stored (unscaled) value of one voxel. */
    public double raw(int index) {
        return switch (header.datatype()) {
            case UINT8 -> ((byte[]) data)[index] & 0xFF;
            case INT8 -> ((byte[]) data)[index];
            case INT16 -> ((short[]) data)[index];
            case UINT16 -> ((short[]) data)[index] & 0xFFFF;
            case INT32 -> ((int[]) data)[index];
            case FLOAT32 -> ((float[]) data)[index];
            case FLOAT64 -> ((double[]) data)[index];
        };
    }

    /** The value of one voxel after scl_slope / scl_inter. */
    public double value(int index) {
        double v = raw(index);
        return header.scaled() ? v * header.sclSlope() + header.sclInter() : v;
    }

    /** Every voxel's scaled value as float (e.g. a CT or dose volume). */
    public float[] toFloats() {
        int n = grid.voxelCount();
        float[] out = new float[n];
        for (int x = 0; x < n; x++) {
            out[x] = (float) value(x);
        }
        return out;
    }

    /**
     * The volume as a label map. Values must be whole numbers in 0..255. Labels without a name in
     * {@code names} are named {@code label_N}; names of labels that never occur are kept.
     */
    public LabelMap toLabelMap(String task, Map<Integer, String> names) {
        int n = grid.voxelCount();
        byte[] labels = new byte[n];
        boolean[] present = new boolean[LabelMap.MAX_LABEL + 1];
        for (int x = 0; x < n; x++) {
            double v = value(x);
            int label = (int) v;
            if (label != v || label < 0 || label > LabelMap.MAX_LABEL) {
                int k = x / (grid.nx() * grid.ny());
                int j = (x / grid.nx()) % grid.ny();
                int i = x % grid.nx();
                throw new InvalidInputException("NIfTI file " + source + ": voxel (" + i + ", " + j + ", " + k
                        + ") holds " + v + ", not a label in 0.." + LabelMap.MAX_LABEL);
            }
            labels[x] = (byte) label;
            present[label] = true;
        }
        Map<Integer, String> table = new TreeMap<>(names);
        for (int l = 1; l <= LabelMap.MAX_LABEL; l++) {
            if (present[l]) {
                table.putIfAbsent(l, "label_" + l);
            }
        }
        return new LabelMap(task, grid, labels, table);
    }

    /** The volume as one structure: every voxel whose scaled value is non-zero (and not NaN). */
    public BinaryMask toBinaryMask(String name) {
        long[] bits = BinaryMask.bitsFor(grid);
        int n = grid.voxelCount();
        for (int x = 0; x < n; x++) {
            double v = value(x);
            if (v != 0 && !Double.isNaN(v)) {
                BinaryMask.set(bits, x);
            }
        }
        return new BinaryMask(name, grid, bits);
    }
}
