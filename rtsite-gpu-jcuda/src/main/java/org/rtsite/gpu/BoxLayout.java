package org.rtsite.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.overlap.IsodoseBox;

/**
 * Where one isodose box's inputs lie in the packed host/device buffer the kernel reads: the dose
 * floats at 0, then every label map's bytes one map after the other, then every mask's 64-bit
 * words one mask after the other (8-byte aligned). One buffer means one host-to-device copy.
 *
 * @param voxels       box voxels
 * @param nx           box width (i)
 * @param ny           box height (j)
 * @param maps         label maps
 * @param masks        binary masks
 * @param maskWords    64-bit words per mask
 * @param labelsOffset byte offset of the first label map
 * @param masksOffset  byte offset of the first mask
 * @param bytes        total packed size
 */
record BoxLayout(int voxels, int nx, int ny, int maps, int masks, int maskWords,
                 long labelsOffset, long masksOffset, long bytes) {

    /** Pinned host buffers are addressed through a ByteBuffer, whose capacity is an int. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    static BoxLayout of(IsodoseBox box) {
        int n = box.grid().voxelCount();
        int maps = box.labelMaps().size();
        int masks = box.masks().size();
        int words = masks == 0 ? 0 : box.masks().get(0).length;
        long labelsOffset = 4L * n;
        long masksOffset = align8(labelsOffset + (long) maps * n);
        long bytes = masksOffset + 8L * words * masks;
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException("isodose box " + box.grid().describe() + " with " + maps
                    + " label maps and " + masks + " masks needs " + bytes
                    + " bytes on the GPU, more than one transfer of at most " + MAX_BYTES);
        }
        return new BoxLayout(n, box.grid().nx(), box.grid().ny(), maps, masks, words,
                labelsOffset, masksOffset, bytes);
    }

    static long align8(long offset) {
        return (offset + 7) & ~7L;
    }

    /** Writes the box into {@code dst} from position 0 in this layout (native byte order, as the GPU reads it). */
    void pack(IsodoseBox box, ByteBuffer dst) {
        if (dst.capacity() < bytes) {
            throw new InvalidInputException("packing buffer holds " + dst.capacity() + " bytes, box needs " + bytes);
        }
        ByteBuffer b = dst.duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        b.asFloatBuffer().put(box.dose());
        for (int m = 0; m < maps; m++) {
            b.position((int) (labelsOffset + (long) m * voxels));
            b.put(box.labelMaps().get(m));
        }
        for (int m = 0; m < masks; m++) {
            b.position((int) (masksOffset + 8L * m * maskWords));
            b.slice().order(ByteOrder.nativeOrder()).asLongBuffer().put(box.masks().get(m));
        }
    }
}
