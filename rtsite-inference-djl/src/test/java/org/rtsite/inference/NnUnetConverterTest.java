package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;

class NnUnetConverterTest {
    private static final Path DIR = Fixtures.resource("nnunet/Dataset297_total_3mm");

    @Test
    void readsTotalSegmentatorStylePlans() {
        ModelSpec s = NnUnetConverter.convert(DIR.resolve("plans.json"), DIR.resolve("dataset.json"),
                NnUnetConverter.Options.totalSegmentator("total", "total_3mm.pt"));
        assertEquals("total", s.task());
        assertEquals(ModelSpec.PYTORCH, s.engine());
        assertEquals(118, s.numClasses());
        assertEquals(117, s.labels().size());
        assertEquals("spleen", s.labels().get(1));
        assertEquals("skull", s.labels().get(91));
        assertEquals("costal_cartilages", s.labels().get(117));
        assertEquals(List.of(128, 128, 128), s.patchSize());
        assertEquals(List.of(3.0, 3.0, 3.0), s.targetSpacing());
        assertEquals("RAS", s.axisOrder());
        assertEquals(new ModelSpec.CtNormalization(-969.0, 1278.0, 86.71, 283.42), s.normalization());
        assertEquals(0.5, s.tileStep());
        assertTrue(s.gaussian());
        assertEquals(List.of(), s.mirrorAxes());
    }

    @Test
    void followsInheritsFromAndTransposeForward(@TempDir Path tmp) throws IOException {
        ModelSpec low = NnUnetConverter.convert(DIR.resolve("plans.json"), DIR.resolve("dataset.json"),
                new NnUnetConverter.Options("t", "n.onnx", "3d_lowres_like_test", List.of(0, 1, 2), 0.5, Set.of(12, 13), null));
        assertEquals(List.of(96, 96, 96), low.patchSize());
        assertEquals(List.of(4.5, 4.5, 4.5), low.targetSpacing());
        assertEquals(-969.0, low.normalization().clipLow());
        assertEquals(ModelSpec.ONNX_RUNTIME, low.engine());
        assertEquals(Set.of(12, 13), low.auxiliaryLabels());
        assertTrue(!low.outputLabels().containsKey(12) && low.outputLabels().containsKey(11));

        String plans = Files.readString(DIR.resolve("plans.json"))
                .replaceFirst("\"transpose_forward\": \\[\\s*0,\\s*1,\\s*2\\s*]", "\"transpose_forward\": [2, 0, 1]");
        Path p = Files.writeString(tmp.resolve("plans.json"), plans);
        ModelSpec t = NnUnetConverter.convert(p, DIR.resolve("dataset.json"), NnUnetConverter.Options.totalSegmentator("t", "n.pt"));
        assertEquals("SRA", t.axisOrder());
    }

    @Test
    void refusesWhatItCannotRunWithClearMessages(@TempDir Path tmp) throws IOException {
        InvalidInputException noConfig = assertThrows(InvalidInputException.class, () -> NnUnetConverter.convert(
                DIR.resolve("plans.json"), DIR.resolve("dataset.json"),
                new NnUnetConverter.Options("t", "n.pt", "2d", List.of(), 0.5, Set.of(), null)));
        assertTrue(noConfig.getMessage().contains("'2d'") && noConfig.getMessage().contains("3d_fullres"), noConfig.getMessage());

        Path zscore = Files.writeString(tmp.resolve("plans.json"),
                Files.readString(DIR.resolve("plans.json")).replace("\"CTNormalization\"", "\"ZScoreNormalization\""));
        InvalidInputException norm = assertThrows(InvalidInputException.class, () -> NnUnetConverter.convert(
                zscore, DIR.resolve("dataset.json"), NnUnetConverter.Options.totalSegmentator("t", "n.pt")));
        assertTrue(norm.getMessage().contains("ZScoreNormalization") && norm.getMessage().contains(zscore.toString()), norm.getMessage());

        Path regions = Files.writeString(tmp.resolve("dataset.json"), "{\"labels\": {\"background\": 0, \"tumor\": [1, 2]}}");
        InvalidInputException reg = assertThrows(InvalidInputException.class, () -> NnUnetConverter.convert(
                DIR.resolve("plans.json"), regions, NnUnetConverter.Options.totalSegmentator("t", "n.pt")));
        assertTrue(reg.getMessage().contains("tumor"), reg.getMessage());

        InvalidInputException engine = assertThrows(InvalidInputException.class, () -> NnUnetConverter.convert(
                DIR.resolve("plans.json"), DIR.resolve("dataset.json"), NnUnetConverter.Options.totalSegmentator("t", "weights.bin")));
        assertTrue(engine.getMessage().contains("weights.bin"), engine.getMessage());
    }
}
