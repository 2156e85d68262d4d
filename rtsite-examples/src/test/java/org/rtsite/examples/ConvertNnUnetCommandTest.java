package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.ModelSpec;

class ConvertNnUnetCommandTest {

    private static final String PLANS = """
            {"image_reader_writer": "NibabelIOWithReorient", "transpose_forward": [0, 1, 2],
             "configurations": {"3d_fullres": {"patch_size": [112, 112, 128], "spacing": [3.0, 3.0, 3.0],
                                               "normalization_schemes": ["CTNormalization"]}},
             "foreground_intensity_properties_per_channel": {"0": {"mean": 86.7, "std": 283.4,
                 "percentile_00_5": -969.0, "percentile_99_5": 1278.0}}}
            """;
    private static final String DATASET = """
            {"channel_names": {"0": "CT"}, "labels": {"background": 0, "humerus_left": 1, "humerus_right": 2, "aux": 3},
             "file_ending": ".nii.gz"}
            """;

    @Test
    void writesAPackageThatOpens(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("plans.json"), PLANS);
        Files.writeString(tmp.resolve("dataset.json"), DATASET);
        Files.write(tmp.resolve("bones.onnx"), new byte[] {1, 2, 3});
        Path out = tmp.resolve("pkg");
        int rc = RtsiteCli.run("convert-nnunet", "--plans", tmp.resolve("plans.json").toString(),
                "--dataset", tmp.resolve("dataset.json").toString(), "--network", tmp.resolve("bones.onnx").toString(),
                "--task", "appendicular_bones", "--auxiliary-labels", "3", "-o", out.toString());
        assertEquals(0, rc);
        try (ModelPackage p = ModelPackage.open(out)) {
            ModelSpec s = p.spec();
            assertEquals("appendicular_bones", s.task());
            assertEquals(ModelSpec.ONNX_RUNTIME, s.engine());
            assertEquals(List.of(112, 112, 128), s.patchSize());
            assertEquals(4, s.numClasses());
            assertTrue(s.auxiliaryLabels().contains(3) && !s.outputLabels().containsKey(3));
        }
    }

    @Test
    void failsWithExitCode2OnBadInput(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("plans.json"), PLANS.replace("CTNormalization", "ZScoreNormalization"));
        Files.writeString(tmp.resolve("dataset.json"), DATASET);
        Files.write(tmp.resolve("n.pt"), new byte[] {1});
        assertEquals(2, RtsiteCli.run("convert-nnunet", "--plans", tmp.resolve("plans.json").toString(),
                "--dataset", tmp.resolve("dataset.json").toString(), "--network", tmp.resolve("n.pt").toString(),
                "--task", "t", "-o", tmp.resolve("pkg").toString()));
        assertEquals(2, RtsiteCli.run("convert-nnunet", "--plans", tmp.resolve("plans.json").toString(),
                "--dataset", tmp.resolve("dataset.json").toString(), "--network", tmp.resolve("missing.pt").toString(),
                "--task", "t", "-o", tmp.resolve("pkg").toString()));
    }
}
