package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/** Several tasks on one CT, with TotalSegmentator's crops, auxiliary labels and conditional models. */
class TotalSegmentatorTasksTest {

    private static ModelSpec edit(ModelSpec s, String task, Set<Integer> aux, boolean consensus, double minMm3,
                                  ModelSpec.Crop crop, ModelSpec.Requirement requires) {
        return new ModelSpec(task, s.network(), null, s.numClasses(), s.labels(), aux, s.targetSpacing(), s.patchSize(),
                s.axisOrder(), s.normalization(), s.tileStep(), s.gaussian(), s.mirrorAxes(), consensus, minMm3, crop, requires);
    }

    @Test
    void tasksRunInOrderWithCropsAuxiliaryLabelsAndConditions(@TempDir Path tmp) {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        ImageGrid g = ct.grid();
        Path total = Fixtures.tinyPackage(tmp.resolve("total"), s -> s);
        Path glands = Fixtures.tinyPackage(tmp.resolve("glands"), s -> edit(s, "glands", Set.of(), false, 0,
                new ModelSpec.Crop("total", List.of("skull"), 6.0), null));
        Path bones = Fixtures.tinyPackage(tmp.resolve("bones"), s -> edit(s, "bones", Set.of(2), false, 0, null, null));
        Path breast = Fixtures.tinyPackage(tmp.resolve("breast"), s -> edit(s, "breast", Set.of(), true, 0, null,
                new ModelSpec.Requirement("tiny", "rib_.*")));
        Path voted = Fixtures.tinyPackage(tmp.resolve("voted"), s -> edit(s, "voted", Set.of(), true, 400, null,
                new ModelSpec.Requirement("tiny", "sk.*")));
        // a 'total' segmentation computed earlier, with a compact skull (the random tiny network's labels are scattered)
        byte[] given = new byte[g.voxelCount()];
        for (int k = 20; k < 30; k++) {
            for (int j = 10; j < 20; j++) {
                for (int i = 15; i < 30; i++) {
                    given[g.index(i, j, k)] = 91;
                }
            }
        }
        LabelMap totalMap = new LabelMap("total", g, given, java.util.Map.of(91, "skull", 92, "rib_left_1"));
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(total, glands, bones, breast, voted), 1)) {
            OrganMasks masks = seg.segment(ct, List.of(totalMap));
            assertEquals(List.of("tiny", "glands", "bones", "breast", "voted"),
                    masks.labelMaps().stream().map(LabelMap::task).toList());
            byte[] plain = masks.labelMaps().get(0).labels();

            // the crop: nothing outside the skull's bounding box + margin, and inside it the result of running on the crop
            LabelMap glandMap = masks.labelMaps().get(1);
            IndexBox box = DjlSegmenter.cropBox(totalMap, new ModelSpec.Crop("total", List.of("skull"), 6.0));
            // 6 mm margin: 4 voxels at 1.5 mm in-plane, 3 at 2 mm between slices
            assertEquals(new IndexBox(11, 6, 17, 34, 24, 33), box);
            CtVolume sub = DjlSegmenter.subVolume(ct, box);
            byte[] direct;
            try (DjlSegmenter alone = DjlSegmenter.open(List.of(total), 1)) {
                direct = alone.segment(sub).labelMaps().get(0).labels();
            }
            int inside = 0;
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i < g.nx(); i++) {
                        int v = glandMap.get(i, j, k);
                        if (box.contains(i, j, k)) {
                            assertEquals(direct[sub.grid().index(i - box.i0(), j - box.j0(), k - box.k0())] & 0xFF, v);
                            inside += v != 0 ? 1 : 0;
                        } else {
                            assertEquals(0, v, "label outside the crop at " + i + "," + j + "," + k);
                        }
                    }
                }
            }
            assertTrue(inside > 0, "the cropped task should label something");

            // auxiliary label 2 dropped: gone from names and voxels, label 1 untouched
            LabelMap boneMap = masks.labelMaps().get(2);
            assertFalse(boneMap.names().containsKey(2));
            int ones = 0;
            for (int v = 0; v < plain.length; v++) {
                assertEquals(plain[v] == 1 ? 1 : 0, boneMap.labels()[v]);
                ones += plain[v] == 1 ? 1 : 0;
            }
            assertTrue(ones > 0);

            // no rib in the first task: the breast model does not run
            for (byte b : masks.labelMaps().get(3).labels()) {
                assertEquals(0, b);
            }

            // consensus voting with small-component removal: it runs, and no component below 400 mm³ is left
            byte[] votedLabels = masks.labelMaps().get(4).labels().clone();
            long minVoxels = (long) Math.ceil(400 / (g.voxelVolumeCc() * 1000));
            assertEquals(0, Components.removeSmall(votedLabels, g.nx(), g.ny(), g.nz(), minVoxels));
            assertArrayEquals(masks.labelMaps().get(4).labels(), votedLabels);
            int labelled = 0;
            for (byte b : votedLabels) {
                labelled += b != 0 ? 1 : 0;
            }
            assertTrue(labelled > 0, "the voted task should label something");
        }
    }

    @Test
    void aTaskMustComeAfterTheTaskItDependsOn(@TempDir Path tmp) {
        Path total = Fixtures.tinyPackage(tmp.resolve("total"), s -> s);
        Path glands = Fixtures.tinyPackage(tmp.resolve("glands"), s -> edit(s, "glands", Set.of(), false, 0,
                new ModelSpec.Crop("tiny", List.of("skull"), 20.0), null));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DjlSegmenter.open(List.of(glands, total), 1));
        assertTrue(e.getMessage().contains("'tiny'") && e.getMessage().contains("before"), e.getMessage());
        try (DjlSegmenter alone = DjlSegmenter.open(List.of(glands), 1)) {
            CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
            InvalidInputException missing = assertThrows(InvalidInputException.class, () -> alone.segment(ct));
            assertTrue(missing.getMessage().contains("'tiny'") && missing.getMessage().contains("neither"), missing.getMessage());
        }
    }

    @Test
    void smallComponentsAreRemovedPerLabel() {
        int nx = 6, ny = 5, nz = 4;
        byte[] labels = new byte[nx * ny * nz];
        labels[0] = 1; // an island of one voxel
        for (int k = 1; k < 3; k++) {
            for (int j = 1; j < 3; j++) {
                for (int i = 2; i < 4; i++) {
                    labels[i + nx * (j + ny * k)] = 2; // a 2×2×2 block
                }
            }
        }
        labels[1 + nx * (1 + ny)] = 1; // touches the block, but is another label: its own component
        assertEquals(2, Components.removeSmall(labels, nx, ny, nz, 2));
        assertEquals(0, labels[0]);
        assertEquals(0, labels[1 + nx * (1 + ny)]);
        assertEquals(2, labels[2 + nx * (1 + ny)]);
        assertEquals(0, Components.removeSmall(labels, nx, ny, nz, 8));
        assertEquals(8, Components.removeSmall(labels, nx, ny, nz, 9));
    }
}
