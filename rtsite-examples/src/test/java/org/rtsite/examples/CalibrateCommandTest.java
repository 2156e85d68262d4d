package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResultJson;

class CalibrateCommandTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path[] plans;

    /** The 11 phantom scenes classified with the paper's settings, once; expert labels = the labels §3 gives. */
    @BeforeAll
    static void writePlans() throws Exception {
        Path results = Files.createDirectories(shared.resolve("results"));
        StringBuilder csv = new StringBuilder("plan_id,regions\n");
        SiteClassifier classifier = SiteClassifier.builder().backend("cpu").build();
        for (PhantomScene s : PhantomScene.values()) {
            Files.writeString(results.resolve(s.cliName() + ".json"),
                    SiteResultJson.write(classifier.classify(s.build().withMasks())));
            csv.append(s.cliName()).append(",\"").append(s.expectedLabels().stream().map(Region::label)
                    .collect(Collectors.joining(";"))).append("\"\n");
        }
        Path expert = shared.resolve("expert.csv");
        Files.writeString(expert, csv);
        plans = new Path[] {results, expert};
    }

    @Test
    void calibratesStoredResultsAndWritesSettingsTheClassifierLoads() throws Exception {
        Path[] in = plans;
        Path settings = dir.resolve("settings.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EvaluateCommandTest.run(out, err, "calibrate", "-r", in[0].toString(), "-e", in[1].toString(),
                "-o", settings.toString(), "-k", "3");
        assertEquals(0, code, err.toString());
        String text = out.toString();
        int n = PhantomScene.values().length;
        assertTrue(text.contains("Plans: " + n + "; candidates: 5600; 3-fold"), text);
        assertTrue(text.contains("Exact, paper settings: " + n + "/" + n), text);
        assertTrue(text.contains("Exact, held-out (cross-validated): " + n + "/" + n), text);
        // Every candidate that fits as well as the paper's values loses the tie to them.
        assertEquals(ClassifierSettings.defaults(), ClassifierSettings.load(settings));
        JsonNode json = SiteResultJson.newMapper().readTree(settings.toFile());
        assertEquals(3, json.path("calibration").path("foldResults").size());
        assertEquals(n, json.path("calibration").path("heldOutExact").path("n").asInt());
        SiteClassifier.builder().backend("cpu").settings(ClassifierSettings.load(settings)).build();
    }

    @Test
    void anExpertPlanWithoutAResultIsNamed() throws Exception {
        Path expert = dir.resolve("expert-plus.csv");
        Files.writeString(expert, Files.readString(plans[1]) + "P999,Pelvis\n");
        Path[] in = {plans[0], expert};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EvaluateCommandTest.run(out, err, "calibrate", "-r", in[0].toString(), "-e", in[1].toString(),
                "-o", dir.resolve("s.json").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("no result file") && err.toString().contains("P999"), err.toString());
    }
}
