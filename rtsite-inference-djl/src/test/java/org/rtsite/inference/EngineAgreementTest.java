package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/** The committed tiny network, exported by scripts/make_tiny_networks.py, on both DJL engines. */
class EngineAgreementTest {

    @Test
    void bothEnginesReproduceTheLogitsPyTorchRecorded() {
        float[] input = Fixtures.readFloats("tiny/recorded-input.f32");
        float[] expected = Fixtures.readFloats("tiny/recorded-logits.f32");
        int[] shape = {12, 16, 20};
        for (String file : new String[] {"model.pt", "model.onnx"}) {
            Path path = Fixtures.resource("tiny/" + file);
            try (Network net = new Network(path, ModelSpec.engineForFile(file), shape, 3);
                 Predictor<float[], float[]> p = net.newPredictor()) {
                float[] got = net.predict(p, input);
                assertEquals(expected.length, got.length, file);
                double maxDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
                }
                assertTrue(maxDiff < 1e-4, file + ": max |logit − recorded| = " + maxDiff);
            }
        }
    }

    @Test
    void torchScriptAndOnnxGiveTheSameLabelMapOnTheSameCt(@TempDir Path tmp) {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        Path pt = Fixtures.tinyPackage(tmp.resolve("pt"), s -> s);
        Path onnx = Fixtures.tinyPackage(tmp.resolve("onnx"), s -> s.withNetwork("model.onnx"));
        LabelMap a;
        LabelMap b;
        try (DjlSegmenter s = DjlSegmenter.open(List.of(pt), 1)) {
            assertEquals(ModelSpec.PYTORCH, s.specs().get(0).engine());
            a = s.segment(ct).labelMaps().get(0);
        }
        try (DjlSegmenter s = DjlSegmenter.open(List.of(onnx), 2)) {
            assertEquals(ModelSpec.ONNX_RUNTIME, s.specs().get(0).engine());
            OrganMasks m = s.segment(ct);
            assertTrue(m.grid().sameGeometry(ct.grid(), 0));
            b = m.labelMaps().get(0);
        }
        long distinct = IntStream.range(0, a.labels().length).map(i -> a.labels()[i]).distinct().count();
        assertEquals(3, distinct, "the phantom should show background and both labels");
        int disagreements = 0;
        for (int i = 0; i < a.labels().length; i++) {
            if (a.labels()[i] != b.labels()[i]) {
                disagreements++;
            }
        }
        assertEquals(0, disagreements, "argmax disagreements between PyTorch and ONNX Runtime");
        assertEquals("tiny", a.task());
        assertEquals("liver", a.names().get(1));
    }

    @Test
    void mirroringAgreesAcrossEnginesToo(@TempDir Path tmp) {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        java.util.function.UnaryOperator<ModelSpec> mirror = s -> new ModelSpec(s.task(), s.network(), null, s.numClasses(),
                s.labels(), s.auxiliaryLabels(), s.targetSpacing(), s.patchSize(), s.axisOrder(), s.normalization(),
                s.tileStep(), s.gaussian(), List.of(0, 1, 2), false, 0, null, null);
        Path pt = Fixtures.tinyPackage(tmp.resolve("pt"), mirror);
        Path onnx = Fixtures.tinyPackage(tmp.resolve("onnx"), s -> mirror.apply(s).withNetwork("model.onnx"));
        byte[] a;
        byte[] b;
        try (DjlSegmenter s = DjlSegmenter.open(List.of(pt), 1)) {
            a = s.segment(ct).labelMaps().get(0).labels();
        }
        try (DjlSegmenter s = DjlSegmenter.open(List.of(onnx), 1)) {
            b = s.segment(ct).labelMaps().get(0).labels();
        }
        assertArrayEquals(a, b);
    }
}
