package org.rtsite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.decision.DecisionPolicy.Landmark;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.decision.ProximityHit;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.result.SiteResult;

class ClassifierSettingsTest {

    private static OrganMetrics organ(String name, Region region, long in85, long in50) {
        return OrganMetrics.of(name, "total", name, region, OrganRole.REGION, 5000, in85, in50, 1000, 2000);
    }

    @Test
    void writtenSettingsLoadBackAndMissingFieldsTakeThePaperValues(@TempDir Path dir) {
        ClassifierSettings s = new ClassifierSettings(ClassifierConfig.defaults().withDominanceThreshold(0.7)
                .withBrainDiceThreshold(0.55), new DecisionPolicy(Landmark.THYROID_ONLY, false));
        Path file = dir.resolve("settings.json");
        s.write(file, null);
        assertEquals(s, ClassifierSettings.load(file));
        ClassifierSettings partial = ClassifierSettings.parse("{\"config\": {\"overlapThreshold\": 0.01}}", "p.json");
        assertEquals(ClassifierConfig.defaults().withOverlapThreshold(0.01), partial.config());
        assertEquals(DecisionPolicy.defaults(), partial.policy());
        assertEquals(ClassifierSettings.defaults(), ClassifierSettings.parse("{}", "e.json"));
    }

    @Test
    void badSettingsNameTheFileAndValue(@TempDir Path dir) throws Exception {
        InvalidInputException range = assertThrows(InvalidInputException.class, () ->
                ClassifierSettings.parse("{\"config\": {\"dominanceThreshold\": 1.5}}", "s.json"));
        assertEquals("s.json: dominanceThreshold must be in [0, 1], got 1.5", range.getMessage());
        InvalidInputException type = assertThrows(InvalidInputException.class, () ->
                ClassifierSettings.parse("{\"config\": {\"overlapThreshold\": \"low\"}}", "s.json"));
        assertEquals("s.json: config.overlapThreshold must be a number, got \"low\"", type.getMessage());
        assertEquals("s.json: config.cropMarginSlices must be an integer, got 2.5", assertThrows(
                InvalidInputException.class, () -> ClassifierSettings.parse("{\"config\": {\"cropMarginSlices\": 2.5}}",
                        "s.json")).getMessage());
        InvalidInputException landmark = assertThrows(InvalidInputException.class, () ->
                ClassifierSettings.parse("{\"policy\": {\"landmark\": \"T1\"}}", "s.json"));
        assertTrue(landmark.getMessage().startsWith("s.json: ") && landmark.getMessage().contains("T1"),
                landmark.getMessage());
        assertThrows(InvalidInputException.class, () -> ClassifierSettings.parse("{\"settingsVersion\": 2}", "s.json"));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{not json");
        assertTrue(assertThrows(InvalidInputException.class, () -> ClassifierSettings.load(bad)).getMessage()
                .startsWith(bad + ": not valid JSON"));
    }

    @Test
    void policyChoosesTheLandmarkAndTheV50Step() {
        Optional<ProximityHit> prox = Optional.of(new ProximityHit("liver", Region.ABDOMEN, 3, true));
        // CoM at z = 100 mm: above C7 (90) but not above the thyroid (110).
        Landmarks both = new Landmarks(null, 90.0, 110.0);
        List<OrganMetrics> organs = List.of(organ("lung", Region.THORAX, 100, 100));
        Vec3 com = new Vec3(0, 0, 100);
        assertEquals(List.of(Region.HEAD_AND_NECK), new DecisionTree(ClassifierConfig.defaults())
                .decide(organs, com, both, () -> prox).labels());
        assertEquals(List.of(Region.THORAX), new DecisionTree(ClassifierConfig.defaults(),
                new DecisionPolicy(Landmark.THYROID_THEN_C7, true)).decide(organs, com, both, () -> prox).labels());
        assertEquals(List.of(Region.THORAX), new DecisionTree(ClassifierConfig.defaults(),
                new DecisionPolicy(Landmark.NONE, true)).decide(organs, com, both, () -> prox).labels());
        Landmarks c7Only = new Landmarks(null, 90.0, null);
        assertEquals(List.of(Region.THORAX), new DecisionTree(ClassifierConfig.defaults(),
                new DecisionPolicy(Landmark.THYROID_ONLY, true)).decide(organs, com, c7Only, () -> prox).labels());
        assertEquals(List.of(Region.HEAD_AND_NECK), new DecisionTree(ClassifierConfig.defaults(),
                new DecisionPolicy(Landmark.C7_ONLY, true)).decide(organs, com, c7Only, () -> prox).labels());

        List<OrganMetrics> v50only = List.of(organ("liver", Region.ABDOMEN, 0, 300));
        var withV50 = new DecisionTree(ClassifierConfig.defaults()).decide(v50only, Vec3.ZERO,
                new Landmarks(null, null, null), () -> prox);
        assertEquals(Rule.V50_OVERLAP, withV50.rule());
        var noV50 = new DecisionTree(ClassifierConfig.defaults(), new DecisionPolicy(Landmark.C7_THEN_THYROID, false))
                .decide(v50only, Vec3.ZERO, new Landmarks(null, null, null), () -> prox);
        assertEquals(Rule.PROXIMITY, noV50.rule());
    }

    @Test
    void theClassifierUsesLoadedSettings() {
        SiteClassifier paper = SiteClassifier.builder().backend("cpu").build();
        SiteClassifier tuned = SiteClassifier.builder().backend("cpu").settings(new ClassifierSettings(
                ClassifierConfig.defaults().withDominanceThreshold(0.7), new DecisionPolicy(Landmark.NONE, false))).build();
        assertEquals(new DecisionPolicy(Landmark.NONE, false), tuned.policy());
        assertEquals(0.7, tuned.config().dominanceThreshold());
        PhantomScene scene = PhantomScene.values()[0];
        SiteResult a = paper.classify(scene.build().withMasks());
        SiteResult b = tuned.classify(scene.build().withMasks());
        // Step 2a's trace names the dominance threshold it compared against.
        assertTrue(b.trace().get(1).detail().contains("0.7"), b.trace().get(1).detail());
        assertTrue(a.trace().get(1).detail().contains("0.85"), a.trace().get(1).detail());
        assertEquals(0.85, a.config().dominanceThreshold());
    }
}
