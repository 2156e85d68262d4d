package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.OverlapCounts;

class CountsLayoutTest {

    @Test
    void unpacksScalarsMapBinsAndMaskComplements() {
        CountsLayout layout = new CountsLayout(2, 1);
        assertEquals(72, layout.mapOffset(0));
        assertEquals(72 + 6144, layout.mapOffset(1));
        assertEquals(72 + 2 * 6144, layout.maskOffset(0));
        assertEquals(72 + 2 * 6144 + 24, layout.bytes());

        ByteBuffer b = ByteBuffer.allocate((int) layout.bytes()).order(ByteOrder.nativeOrder());
        b.putLong(0, 3).putLong(8, 7).putLong(16, 11).putLong(24, 12).putLong(32, 13);
        b.putDouble(40, 1.5).putDouble(48, 2.5).putDouble(56, 3.5).putDouble(64, 4.5);
        int map1 = (int) layout.mapOffset(1);
        b.putLong(map1 + 8 * 200, 9);            // organ, label 200
        b.putLong(map1 + 8 * (256 + 200), 2);    // in V85
        b.putLong(map1 + 8 * (512 + 200), 5);    // in V50
        int mask = (int) layout.maskOffset(0);
        b.putLong(mask, 6).putLong(mask + 8, 1).putLong(mask + 16, 4);

        OverlapCounts c = layout.unpack(b, 20);

        assertEquals(3, c.v85());
        assertEquals(7, c.v50());
        assertEquals(3, c.sourceCount());
        assertEquals(9, c.organ()[1][200]);
        assertEquals(2, c.inter85()[1][200]);
        assertEquals(5, c.inter50()[1][200]);
        assertEquals(0, c.organ()[0][200]);
        assertArrayEquals(new long[] {14, 6}, c.organ()[2], "mask bin 0 is the rest of the box");
        assertArrayEquals(new long[] {2, 1}, c.inter85()[2]);
        assertArrayEquals(new long[] {3, 4}, c.inter50()[2]);
        assertEquals(3, c.moments().count());
        assertEquals(12, c.moments().sumJ());
        assertEquals(4.5, c.moments().doseSumK());
    }
}
