package org.rtsite.inference.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.inference.ModelSpec;
import org.rtsite.inference.NetworkImage;

/**
 * A training case on the network grid: the normalized image inference would feed the network and one class per
 * voxel, C order over tensor axes 0, 1, 2.
 *
 * @param unmatched reference structures that map to no class (reported, then treated as background)
 */
public record NetworkCase(String id, int[] dims, float[] image, byte[] labels, List<String> unmatched) {

    public NetworkCase {
        Objects.requireNonNull(id, "id");
        dims = dims.clone();
        if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
            throw new InvalidInputException("case " + id + ": dims must be 3 positive sizes");
        }
        long n = (long) dims[0] * dims[1] * dims[2];
        if (image.length != n || labels.length != n) {
            throw new InvalidInputException("case " + id + ": " + image.length + " image values and " + labels.length
                    + " labels for " + n + " voxels");
        }
        unmatched = List.copyOf(unmatched);
    }

    /** The case resampled and normalized as {@code spec}'s inference does ({@link NetworkImage}), its reference carried along by nearest neighbour. */
    public static NetworkCase prepare(ModelSpec spec, TrainingCase c, ClassMapping mapping) {
        List<String> unmatched = new ArrayList<>();
        byte[] onCt = mapping.classes(c.reference(), unmatched);
        NetworkImage input = NetworkImage.of(spec, c.ct());
        byte[] labels = input.labelsFrom(onCt, c.ct().grid());
        return new NetworkCase(c.id(), input.dims(), input.image(), labels, unmatched);
    }

    /** Voxels per class (index = class). */
    public long[] classCounts(int numClasses) {
        long[] counts = new long[numClasses];
        for (byte b : labels) {
            int c = b & 0xFF;
            if (c >= numClasses) {
                throw new InvalidInputException("case " + id + " has class " + c + " but the network has " + numClasses);
            }
            counts[c]++;
        }
        return counts;
    }
}
