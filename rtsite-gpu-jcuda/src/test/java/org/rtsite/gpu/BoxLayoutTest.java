package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.volume.BinaryMask;

class BoxLayoutTest {

    @Test
    void packsDoseThenLabelMapsThenAlignedMasks() {
        ImageGrid g = ImageGrid.axial(5, 1, 1, 1, 1, 1, Vec3.ZERO);
        float[] dose = {1f, 2f, 3f, 4f, 5f};
        byte[] a = {0, 1, 2, 3, (byte) 255};
        byte[] b = {9, 8, 7, 6, 5};
        long[] mask = BinaryMask.bitsFor(g);
        BinaryMask.set(mask, 4);
        IsodoseBox box = new IsodoseBox(g, dose, 4f, 2f, List.of(a, b), List.of(mask));

        BoxLayout layout = BoxLayout.of(box);

        assertEquals(20, layout.labelsOffset());
        assertEquals(32, layout.masksOffset(), "20 + 2 × 5 label bytes = 30, aligned up to 32");
        assertEquals(40, layout.bytes());
        ByteBuffer buf = ByteBuffer.allocate(64);
        layout.pack(box, buf);
        ByteBuffer le = buf.order(ByteOrder.nativeOrder());
        assertEquals(3f, le.getFloat(8));
        assertEquals((byte) 255, le.get(24));
        assertEquals(5, le.get(29));
        assertEquals(1L << 4, le.getLong(32));
    }

    @Test
    void packedRandomBoxesReadBackVoxelForVoxel() {
        IsodoseBox box = BoxScenes.box(13, 7, 3, 3, 2, new Random(7));
        BoxLayout layout = BoxLayout.of(box);
        ByteBuffer buf = ByteBuffer.allocateDirect((int) layout.bytes() + 16).order(ByteOrder.nativeOrder());
        layout.pack(box, buf);
        int n = layout.voxels();
        float[] dose = new float[n];
        for (int v = 0; v < n; v++) {
            dose[v] = buf.getFloat(4 * v);
        }
        assertArrayEquals(box.dose(), dose);
        for (int m = 0; m < 3; m++) {
            byte[] labels = new byte[n];
            buf.get((int) (layout.labelsOffset() + (long) m * n), labels);
            assertArrayEquals(box.labelMaps().get(m), labels, "label map " + m);
        }
        for (int m = 0; m < 2; m++) {
            long[] words = new long[layout.maskWords()];
            for (int w = 0; w < words.length; w++) {
                words[w] = buf.getLong((int) (layout.masksOffset() + 8L * (m * layout.maskWords() + w)));
            }
            assertArrayEquals(box.masks().get(m), words, "mask " + m);
        }
        assertEquals(0, layout.masksOffset() % 8);
    }

    @Test
    void aBufferTooSmallForTheBoxIsRefusedWithBothSizes() {
        IsodoseBox box = BoxScenes.box(4, 4, 4, 1, 0, new Random(1));
        var e = assertThrows(InvalidInputException.class, () -> BoxLayout.of(box).pack(box, ByteBuffer.allocate(10)));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("320"), e.getMessage());
    }
}
