package org.rtsite.inference;

import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.CtVolume;

/**
 * A CT as a model package's network sees it: resampled to the package's grid (axis order, target spacing) and
 * normalized, C order over the tensor axes 0, 1, 2 ({@code dims}). {@link DjlSegmenter} builds its input with
 * {@link #of}; fine-tuning cuts its training patches from the same image, so training and inference cannot
 * drift apart.
 *
 * @param grid  the network grid ({@code axisK, axisJ, axisI} = tensor axes 0, 1, 2)
 * @param image normalized values, {@code grid.voxelCount()} of them, owned, not copied
 */
public record NetworkImage(ImageGrid grid, float[] image) {

    public NetworkImage {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(image, "image");
        if (image.length != grid.voxelCount()) {
            throw new InvalidInputException("network image has " + image.length + " values, its grid " + grid.describe()
                    + " has " + grid.voxelCount());
        }
    }

    /** {@code ct} resampled (trilinear, edge-replicated) to {@code spec}'s network grid and normalized by its CTNormalization. */
    public static NetworkImage of(ModelSpec spec, CtVolume ct) {
        ImageGrid net = DjlSegmenter.networkGrid(spec, ct.grid());
        return new NetworkImage(net, Resampling.sampleNormalized(ct, net, spec.normalization()));
    }

    /** Tensor dimensions (axis 0, 1, 2). */
    public int[] dims() {
        return new int[] {grid.nz(), grid.ny(), grid.nx()};
    }

    /**
     * Labels given on {@code source} (a CT grid) carried to this network grid by nearest neighbour, 0 outside:
     * how reference contours become training targets.
     */
    public byte[] labelsFrom(byte[] labels, ImageGrid source) {
        if (labels.length != source.voxelCount()) {
            throw new InvalidInputException(labels.length + " labels for grid " + source.describe() + " of " + source.voxelCount() + " voxels");
        }
        return Resampling.labelsNearest(labels, source, grid);
    }

    /** Labels on this network grid carried back to {@code target} (nearest neighbour), as inference returns them. */
    public byte[] labelsTo(byte[] labels, ImageGrid target) {
        return Resampling.labelsNearest(labels, grid, target);
    }
}
