package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.inference.ModelPackage;

/**
 * Patches that may reach past the image's edge ({@link FineTuneOptions#edgeReach()}, nnU-Net's padded sampling): where
 * a patch lies outside the image it holds what inference pads with (0) and background, elsewhere the image; without
 * reach, patches and draws are the ones the sampler made before reach existed.
 */
class PatchSamplerTest {
    static final int[] PATCH = {8, 6, 4};

    /** Image value of voxel v is v + 1 (never the padding's 0); labels 1 in the first half of axis 0, 2 in the rest. */
    static NetworkCase numbered(String id, int d0, int d1, int d2) {
        int n = d0 * d1 * d2;
        float[] img = new float[n];
        byte[] lab = new byte[n];
        for (int v = 0; v < n; v++) {
            img[v] = v + 1;
            lab[v] = (byte) (v / (d1 * d2) < d0 / 2 ? 1 : 2);
        }
        return new NetworkCase(id, new int[] {d0, d1, d2}, img, lab, List.of());
    }

    /** Larger than the patch along axis 0, exactly the patch along 1, shorter along 2; and one larger everywhere. */
    static List<NetworkCase> cases() {
        return List.of(numbered("a", 12, 6, 3), numbered("b", 20, 9, 7));
    }

    @Test
    void aPatchPastTheEdgeHoldsThePaddingThereAndTheImageElsewhere() {
        NetworkCase c = cases().get(1);
        PatchSampler s = new PatchSampler(List.of(c), PATCH, 3, null, new int[] {4, 3, 2});
        int n = s.patchVoxels();
        float[] img = new float[2 * n];
        byte[] lab = new byte[2 * n];
        java.util.Arrays.fill(img, -7);
        java.util.Arrays.fill(lab, (byte) 9);
        PatchSampler.Spot spot = new PatchSampler.Spot(0, -3, 5, -2); // 3 below axis 0, 2 above axis 1, 2 below axis 2
        s.extract(spot, img, lab, n);
        int[] d = c.dims();
        int outside = 0;
        int o = n;
        for (int z = 0; z < PATCH[0]; z++) {
            for (int y = 0; y < PATCH[1]; y++) {
                for (int x = 0; x < PATCH[2]; x++, o++) {
                    int sz = spot.o0() + z;
                    int sy = spot.o1() + y;
                    int sx = spot.o2() + x;
                    if (sz < 0 || sz >= d[0] || sy < 0 || sy >= d[1] || sx < 0 || sx >= d[2]) {
                        outside++;
                        assertEquals(0f, img[o], "padding at " + z + "," + y + "," + x);
                        assertEquals(0, lab[o], "background at " + z + "," + y + "," + x);
                    } else {
                        int v = (sz * d[1] + sy) * d[2] + sx;
                        assertEquals(c.image()[v], img[o], "image at " + z + "," + y + "," + x);
                        assertEquals(c.labels()[v], lab[o], "label at " + z + "," + y + "," + x);
                    }
                }
            }
        }
        int inside = 5 * 4 * 2;
        assertEquals(n - inside, outside);
        for (int i = 0; i < n; i++) {
            assertEquals(-7f, img[i], "the first patch's slot is left alone");
            assertEquals(9, lab[i]);
        }
    }

    @Test
    void withReachPatchesReachPastBothEdgesButNoFurther() {
        int[] reach = {2, 1, 1};
        for (NetworkCase c : cases()) {
            PatchSampler s = new PatchSampler(List.of(c), PATCH, 3, null, reach);
            int[] d = c.dims();
            for (double fg : new double[] {0, 1}) {
                List<PatchSampler.Spot> spots = s.sample(List.of(0), 400, fg, new SplittableRandom(3));
                for (int a = 0; a < 3; a++) {
                    int need = Math.max(2 * reach[a], PATCH[a] - d[a]);
                    int lo = -(need / 2);
                    int hi = d[a] + need / 2 + need % 2 - PATCH[a];
                    int min = Integer.MAX_VALUE;
                    int max = Integer.MIN_VALUE;
                    for (PatchSampler.Spot p : spots) {
                        int o = origin(p, a);
                        min = Math.min(min, o);
                        max = Math.max(max, o);
                    }
                    String what = "case " + c.id() + " axis " + a + " foreground " + fg;
                    assertEquals(lo, min, what);
                    assertEquals(hi, max, what);
                    assertTrue(min < 0 && max > d[a] - PATCH[a], what + ": past both edges, " + min + ".." + max);
                }
            }
        }
    }

    @Test
    void anOrganPatchStaysCentredOnItsVoxelUpToTheReach() {
        // one labelled voxel in the corner (0, 0, 0): without reach the patch is pushed inside, with it centred on it
        NetworkCase big = numbered("b", 20, 9, 7);
        byte[] lab = new byte[big.labels().length];
        lab[0] = 1;
        NetworkCase corner = new NetworkCase("corner", big.dims(), big.image(), lab, List.of());
        PatchSampler.Spot inside = new PatchSampler(List.of(corner), PATCH, 2).sample(List.of(0), 1, 1, new SplittableRandom(1)).get(0);
        assertArrayEquals(new int[] {0, 0, 0}, new int[] {inside.o0(), inside.o1(), inside.o2()});
        PatchSampler.Spot reached = new PatchSampler(List.of(corner), PATCH, 2, null, new int[] {4, 3, 2})
                .sample(List.of(0), 1, 1, new SplittableRandom(1)).get(0);
        assertArrayEquals(new int[] {-4, -3, -2}, new int[] {reached.o0(), reached.o1(), reached.o2()});
        PatchSampler.Spot partly = new PatchSampler(List.of(corner), PATCH, 2, null, new int[] {1, 1, 1})
                .sample(List.of(0), 1, 1, new SplittableRandom(1)).get(0);
        assertArrayEquals(new int[] {-1, -1, -1}, new int[] {partly.o0(), partly.o1(), partly.o2()});
    }

    @Test
    void withoutReachTheSpotsAndTheirDrawsAreThoseOfTheSamplerBeforeReach() {
        List<NetworkCase> cs = cases();
        PatchSampler s = new PatchSampler(cs, PATCH, 3, new double[] {1, 1, 3}, new int[3]);
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r1 = new SplittableRandom(seed);
            SplittableRandom r2 = new SplittableRandom(seed);
            List<PatchSampler.Spot> now = s.sample(List.of(0, 1, 1, 0), 5, 0.5, r1);
            List<PatchSampler.Spot> before = beforeReach(cs, List.of(0, 1, 1, 0), 5, 0.5, new double[] {1, 1, 3}, r2);
            assertEquals(before, now, "seed " + seed);
            assertEquals(r2.nextLong(), r1.nextLong(), "the same number of draws, seed " + seed);
        }
    }

    @Test
    void theRunsSamplerReachesItsShareOfThePatchAndTheShareIsChecked() throws Exception {
        try (ModelPackage p = ModelPackage.open(FineTuneTest.tiny())) {
            FineTuneOptions o = FineTuneOptions.defaults().withPatchSize(List.of(16, 12, 9)).withEdgeReach(0.25);
            assertArrayEquals(new int[] {4, 3, 2}, new FineTuner(p, o, FineTuneTest.log()).sampler(List.of()).reach());
            assertArrayEquals(new int[3], new FineTuner(p, FineTuneOptions.defaults(), FineTuneTest.log()).sampler(List.of()).reach());
        }
        assertEquals(0.0, FineTuneOptions.defaults().edgeReach());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FineTuneOptions.defaults().withEdgeReach(0.6));
        assertTrue(e.getMessage().contains("edge reach must be a share of the patch in [0, 0.5], got 0.6"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> FineTuneOptions.defaults().withEdgeReach(-0.1));
        assertThrows(InvalidInputException.class, () -> FineTuneOptions.defaults().withEdgeReach(Double.NaN));
    }

    private static int origin(PatchSampler.Spot p, int a) {
        return a == 0 ? p.o0() : a == 1 ? p.o1() : p.o2();
    }

    /** The sampler's spot choice as it was before reach (git 837b1e4), kept here as the oracle of unchanged draws. */
    private static List<PatchSampler.Spot> beforeReach(List<NetworkCase> cases, List<Integer> caseIndices, int perCase,
                                                       double fg, double[] focus, SplittableRandom r) {
        List<PatchSampler.Spot> spots = new ArrayList<>();
        for (int ci : caseIndices) {
            for (int p = 0; p < perCase; p++) {
                NetworkCase c = cases.get(ci);
                int[] d = c.dims();
                boolean foreground = r.nextDouble() < fg;
                List<Integer> present = new ArrayList<>();
                for (int k = 1; k < 3; k++) {
                    for (byte b : c.labels()) {
                        if (b == k) {
                            present.add(k);
                            break;
                        }
                    }
                }
                int[] origin = new int[3];
                if (foreground && !present.isEmpty()) {
                    double total = 0;
                    for (int k : present) {
                        total += focus[k];
                    }
                    double u = r.nextDouble() * total;
                    int cls = present.get(present.size() - 1);
                    for (int k : present) {
                        u -= focus[k];
                        if (u < 0) {
                            cls = k;
                            break;
                        }
                    }
                    List<Integer> vox = new ArrayList<>();
                    for (int v = 0; v < c.labels().length; v++) {
                        if (c.labels()[v] == cls) {
                            vox.add(v);
                        }
                    }
                    int v = vox.get(r.nextInt(vox.size()));
                    int[] at = {v / (d[1] * d[2]), (v / d[2]) % d[1], v % d[2]};
                    for (int a = 0; a < 3; a++) {
                        origin[a] = d[a] < PATCH[a] ? -((PATCH[a] - d[a]) / 2)
                                : Math.max(0, Math.min(at[a] - PATCH[a] / 2, d[a] - PATCH[a]));
                    }
                } else {
                    for (int a = 0; a < 3; a++) {
                        origin[a] = d[a] >= PATCH[a] ? r.nextInt(d[a] - PATCH[a] + 1) : -((PATCH[a] - d[a]) / 2);
                    }
                }
                spots.add(new PatchSampler.Spot(ci, origin[0], origin[1], origin[2]));
            }
        }
        for (int i = spots.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            PatchSampler.Spot t = spots.get(i);
            spots.set(i, spots.get(j));
            spots.set(j, t);
        }
        return spots;
    }
}
