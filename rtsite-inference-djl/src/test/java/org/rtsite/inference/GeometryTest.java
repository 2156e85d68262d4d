package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;

/** Sliding-window and orientation correctness on the tiny TorchScript network. */
class GeometryTest {
    @Test
    void aWindowAsLargeAsTheImageEqualsASinglePass() {
        ModelSpec spec = Fixtures.tinySpec();
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        ImageGrid net = DjlSegmenter.networkGrid(spec, ct.grid());
        int[] dims = {net.nz(), net.ny(), net.nx()};
        float[] image = Resampling.sampleNormalized(ct, net, spec.normalization());
        ModelSpec whole = spec.withPatchSize(List.of(dims[0], dims[1], dims[2]));
        try (Network n = new Network(Fixtures.resource("tiny/model.pt"), ModelSpec.PYTORCH, dims, 3);
             Predictor<float[], float[]> p = n.newPredictor()) {
            float[] single = n.predict(p, image);
            float[][] windowed = new WindowedPrediction(n, whole, null, 1).logits(image, dims);
            int per = image.length;
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < per; v++) {
                    assertEquals(single[c * per + v], windowed[c][v], 1e-5, "class " + c + " voxel " + v);
                }
            }
        }
    }

    @Test
    void imagesSmallerThanThePatchArePaddedAndCroppedBack() {
        ModelSpec spec = Fixtures.tinySpec(); // patch 16³
        int[] dims = {9, 16, 13};
        float[] image = new float[9 * 16 * 13];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) Math.sin(i * 0.37);
        }
        try (Network n = new Network(Fixtures.resource("tiny/model.pt"), ModelSpec.PYTORCH, new int[] {16, 16, 16}, 3);
             Predictor<float[], float[]> p = n.newPredictor()) {
            float[][] logits = new WindowedPrediction(n, spec, null, 1).logits(image, dims);
            // the same image placed by hand the way nnU-Net pads (3 below / 4 above, 0 / 0, 1 below / 2 above)
            float[] padded = new float[16 * 16 * 16];
            for (int a = 0; a < 9; a++) {
                for (int b = 0; b < 16; b++) {
                    System.arraycopy(image, (a * 16 + b) * 13, padded, ((a + 3) * 16 + b) * 16 + 1, 13);
                }
            }
            float[] direct = n.predict(p, padded);
            for (int a = 0; a < 9; a++) {
                for (int b = 0; b < 16; b++) {
                    for (int z = 0; z < 13; z++) {
                        int v = (a * 16 + b) * 13 + z;
                        int w = ((a + 3) * 16 + b) * 16 + z + 1;
                        for (int c = 0; c < 3; c++) {
                            assertEquals(direct[c * 4096 + w], logits[c][v], 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void labelsDoNotDependOnTheCtsVoxelOrder(@TempDir Path tmp) {
        ImageGrid a = Fixtures.axialGrid();
        // the same voxels stored right-to-left and feet-to-head: flipped axes with matching direction cosines
        ImageGrid flipped = new ImageGrid(a.nx(), a.ny(), a.nz(), a.dx(), a.dy(), a.dz(),
                a.toPatient(a.nx() - 1, 0, a.nz() - 1), Vec3.X.times(-1), Vec3.Y, Vec3.Z.times(-1));
        // and with rows and columns swapped
        ImageGrid transposed = new ImageGrid(a.ny(), a.nx(), a.nz(), a.dy(), a.dx(), a.dz(),
                a.origin(), Vec3.Y, Vec3.X, Vec3.Z);
        Path pkg = Fixtures.tinyPackage(tmp.resolve("pt"), s -> s);
        try (DjlSegmenter s = DjlSegmenter.open(List.of(pkg), 1)) {
            byte[] la = s.segment(Fixtures.phantom(a)).labelMaps().get(0).labels();
            byte[] lf = s.segment(Fixtures.phantom(flipped)).labelMaps().get(0).labels();
            byte[] lt = s.segment(Fixtures.phantom(transposed)).labelMaps().get(0).labels();
            int disagreeF = 0, disagreeT = 0, nonZero = 0;
            for (int k = 0; k < a.nz(); k++) {
                for (int j = 0; j < a.ny(); j++) {
                    for (int i = 0; i < a.nx(); i++) {
                        byte v = la[a.index(i, j, k)];
                        nonZero += v != 0 ? 1 : 0;
                        disagreeF += v != lf[flipped.index(a.nx() - 1 - i, j, a.nz() - 1 - k)] ? 1 : 0;
                        disagreeT += v != lt[transposed.index(j, i, k)] ? 1 : 0;
                    }
                }
            }
            assertTrue(nonZero > 100, "the phantom should be segmented, got " + nonZero + " labelled voxels");
            assertEquals(0, disagreeF, "voxels labelled differently when the CT is stored flipped");
            assertEquals(0, disagreeT, "voxels labelled differently when the CT is stored transposed");
        }
    }

    @Test
    void networkGridFollowsTheAxisOrderAndTargetSpacing() {
        ModelSpec spec = Fixtures.tinySpec();
        ImageGrid net = DjlSegmenter.networkGrid(spec, Fixtures.axialGrid());
        // RAS: tensor axis 0 grows to the patient's right (−x in LPS), axis 2 (fastest, the grid's i) to superior
        assertEquals(new Vec3(-1, 0, 0), net.axisK());
        assertEquals(new Vec3(0, -1, 0), net.axisJ());
        assertEquals(Vec3.Z, net.axisI());
        assertArrayEquals(new double[] {3, 3, 3}, new double[] {net.dx(), net.dy(), net.dz()});
        // extent between voxel centres / 3 mm, rounded, + 1: 70.5 mm → 25, 58.5 mm → 21, 70 mm → 24
        assertEquals(25, net.nz());
        assertEquals(21, net.ny());
        assertEquals(24, net.nx());
    }
}
