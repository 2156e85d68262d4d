package org.rtsite.core.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

/** Every phantom scene classified end to end, against the labels and rule ALGORITHM.md §3 gives. */
class PhantomSceneTest {

    private static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();

    static Stream<Arguments> scenes() {
        return Stream.of(
                Arguments.of(PhantomScene.BRAIN_METASTASIS, List.of(Region.CRANIAL), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.WHOLE_BRAIN, List.of(Region.CRANIAL), Rule.CRANIAL_DICE),
                Arguments.of(PhantomScene.OROPHARYNX, List.of(Region.HEAD_AND_NECK), Rule.HN_LANDMARK),
                Arguments.of(PhantomScene.LUNG_SBRT, List.of(Region.THORAX), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.LIVER_SBRT, List.of(Region.ABDOMEN, Region.THORAX), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.PROSTATE, List.of(Region.PELVIS), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.PELVIC_NODES, List.of(Region.PELVIS, Region.ABDOMEN), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.ESOPHAGUS, List.of(Region.THORAX, Region.ABDOMEN), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.FEMUR, List.of(Region.EXTREMITY), Rule.V85_OVERLAP),
                Arguments.of(PhantomScene.PELVIS_FEMUR_GAP, List.of(Region.EXTREMITY), Rule.PROXIMITY),
                Arguments.of(PhantomScene.V50_ONLY, List.of(Region.ABDOMEN), Rule.V50_OVERLAP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenes")
    void sceneGetsTheLabelsAndRuleOfTheSpec(PhantomScene scene, List<Region> labels, Rule rule) {
        SiteResult r = CLASSIFIER.classify(scene.build().withMasks());
        String why = scene + ": " + r.labels() + " by " + r.rule() + "\n" + r.trace();
        assertEquals(labels, r.labels(), why);
        assertEquals(rule, r.rule(), why);
        assertEquals(labels, scene.expectedLabels(), "scene's own expectation");
        assertEquals(rule, scene.expectedRule(), "scene's own expectation");
    }

    @Test
    void everySceneIsListed() {
        assertEquals(PhantomScene.values().length, scenes().count());
    }
}
