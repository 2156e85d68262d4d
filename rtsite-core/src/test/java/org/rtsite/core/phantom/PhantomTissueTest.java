package org.rtsite.core.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.LabelMap;

/** The phantom CT shows each organ with its tissue's HU and seeded noise; randomized anatomies. */
class PhantomTissueTest {

    private static final ImageGrid TORSO = ImageGrid.axial(101, 66, 100, 4, 4, 3, new Vec3(-200, -130, 60));

    private static double meanHu(PhantomPlan p, String name) {
        LabelMap total = p.masks().labelMaps().stream().filter(m -> m.task().equals("total")).findFirst().orElseThrow();
        int label = TotalSegmentatorLabels.labelOf("total", name);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < total.labels().length; i++) {
            if ((total.labels()[i] & 0xFF) == label) {
                sum += p.ct().hu()[i];
                n++;
            }
        }
        assertTrue(n > 100, name + " has only " + n + " voxels");
        return sum / n;
    }

    @Test
    void organsHaveTheirTissuesHuWithMildNoise() {
        PhantomPlan p = PhantomAnatomy.addTo(new PhantomBuilder(TORSO), Vec3.ZERO).build("torso");
        for (Map.Entry<String, Integer> e : Map.of("liver", 60, "spleen", 45, "kidney_left", 30, "heart", 40,
                "lung_lower_lobe_left", -800, "vertebrae_L1", 700).entrySet()) {
            assertEquals(e.getValue(), meanHu(p, e.getKey()), 1.5, e.getKey());
        }
        short[] hu = p.ct().hu();
        assertEquals(-1000, hu[TORSO.index(0, 0, 30)], "air outside the body has no noise");
        long distinct = java.util.stream.IntStream.range(0, hu.length).map(i -> hu[i]).distinct().count();
        assertTrue(distinct > 30, "noise gives many HU values, got " + distinct);
    }

    @Test
    void noiseIsDeterministicPerSeedAndCanBeTurnedOff() {
        short[] a = PhantomAnatomy.addTo(new PhantomBuilder(TORSO), Vec3.ZERO).noise(3, 6).build("a").ct().hu();
        short[] b = PhantomAnatomy.addTo(new PhantomBuilder(TORSO), Vec3.ZERO).noise(3, 6).build("b").ct().hu();
        short[] c = PhantomAnatomy.addTo(new PhantomBuilder(TORSO), Vec3.ZERO).noise(4, 6).build("c").ct().hu();
        short[] off = PhantomAnatomy.addTo(new PhantomBuilder(TORSO), Vec3.ZERO).noise(4, 0).build("d").ct().hu();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        assertEquals(PhantomBuilder.BODY_HU, off[TORSO.index(2, 33, 30)]);
        assertEquals(60, off[TORSO.index(35, 32, 30)], "the liver's centre without noise");
        assertThrows(InvalidInputException.class, () -> new PhantomBuilder(TORSO).noise(1, Double.NaN));
    }

    @Test
    void randomizedAnatomiesDifferBySeedAndRepeatPerSeed() {
        List<PhantomAnatomy.Organ> a = PhantomAnatomy.organs(11);
        assertEquals(a, PhantomAnatomy.organs(11));
        List<PhantomAnatomy.Organ> b = PhantomAnatomy.organs(12);
        assertEquals(PhantomAnatomy.organs().size(), a.size());
        assertNotEquals(a, b);
        for (int i = 0; i < a.size(); i++) {
            PhantomAnatomy.Organ base = PhantomAnatomy.organs().get(i);
            Vec3 moved = a.get(i).shape().min().plus(a.get(i).shape().max()).times(0.5)
                    .minus(base.shape().min().plus(base.shape().max()).times(0.5));
            assertTrue(Math.abs(moved.x()) <= 16 && Math.abs(moved.y()) <= 16 && Math.abs(moved.z()) <= 16,
                    base.name() + " moved by " + moved);
        }
        PhantomPlan p = PhantomAnatomy.addRandomizedTo(new PhantomBuilder(TORSO), 12).build("random");
        assertEquals(60, meanHu(p, "liver"), 1.5);
    }
}
