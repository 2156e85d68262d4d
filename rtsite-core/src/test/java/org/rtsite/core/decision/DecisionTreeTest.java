package org.rtsite.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;

class DecisionTreeTest {

    private static final Landmarks NO_LANDMARKS = new Landmarks(null, null, null);
    private final DecisionTree tree = new DecisionTree(ClassifierConfig.defaults());

    /** An organ with given V85/V50 overlap voxels out of |V85| = 1000, |V50| = 2000. */
    static OrganMetrics organ(String name, Region region, long in85, long in50, long voxels) {
        return OrganMetrics.of(name, "total", name, region, region == null ? OrganRole.EXCLUDED : OrganRole.REGION,
                voxels, in85, in50, 1000, 2000);
    }

    private static Optional<ProximityHit> noProximity() {
        throw new AssertionError("proximity must not be searched");
    }

    @Test
    void rankingUsesTheBestOrganPerRegionAndBreaksTiesByRegionOrder() {
        List<OrganMetrics> organs = List.of(
                organ("liver", Region.ABDOMEN, 300, 400, 5000),
                organ("lung", Region.THORAX, 300, 300, 5000),
                organ("kidney", Region.ABDOMEN, 100, 100, 5000),
                organ("femur", Region.EXTREMITY, 400, 500, 5000),
                organ("aorta", null, 900, 900, 5000));
        assertEquals(List.of(Region.EXTREMITY, Region.THORAX, Region.ABDOMEN),
                tree.rank(organs, OrganMetrics::score85));
        var d = tree.decide(organs, new Vec3(0, 0, 0), NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.V85_OVERLAP, d.rule());
        assertEquals(List.of(Region.EXTREMITY, Region.THORAX, Region.ABDOMEN), d.labels());
        assertTrue(d.trace().get(0).detail().contains("Extremity (femur 0.4"), d.trace().get(0).detail());
    }

    @Test
    void overlapMustExceedTau() {
        List<OrganMetrics> organs = List.of(organ("lung", Region.THORAX, 1, 1, 100), organ("heart", Region.THORAX, 0, 3, 100));
        // 1/1000 = τ exactly: not above; V50: heart 3/2000 > τ.
        var d = tree.decide(organs, Vec3.ZERO, NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.V50_OVERLAP, d.rule());
        assertEquals(List.of(Region.THORAX), d.labels());
    }

    @Test
    void brainDiceDecidesOnlyWithoutADominantOrgan() {
        // Whole brain: brain covers 70 % of V85 with Dice 0.8; the eyes touch V85.
        List<OrganMetrics> wholeBrain = List.of(organ("brain", Region.CRANIAL, 700, 800, 750),
                organ("eye_left", Region.HEAD_AND_NECK, 20, 30, 40));
        var d = tree.decide(wholeBrain, Vec3.ZERO, NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.CRANIAL_DICE, d.rule());
        assertEquals(List.of(Region.CRANIAL), d.labels());
        // A metastasis: the brain dominates V85, so step 2 is skipped and the V85 ranking decides.
        List<OrganMetrics> met = List.of(organ("brain", Region.CRANIAL, 990, 1500, 900_000),
                organ("eye_left", Region.HEAD_AND_NECK, 10, 30, 40));
        var m = tree.decide(met, Vec3.ZERO, NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.V85_OVERLAP, m.rule());
        assertEquals(List.of(Region.CRANIAL, Region.HEAD_AND_NECK), m.labels());
        assertTrue(m.trace().get(1).detail().startsWith("skipped"));
    }

    @Test
    void headAndNeckLandmarkUsesC7ElseThyroid() {
        List<OrganMetrics> organs = List.of(organ("parotid_gland_left", Region.HEAD_AND_NECK, 100, 200, 300),
                organ("clavicula_left", Region.THORAX, 200, 200, 300));
        var above = tree.decide(organs, new Vec3(0, 0, 500), new Landmarks(null, 451.0, 455.0),
                DecisionTreeTest::noProximity);
        assertEquals(Rule.HN_LANDMARK, above.rule());
        assertEquals(List.of(Region.HEAD_AND_NECK), above.labels());
        var below = tree.decide(organs, new Vec3(0, 0, 440), new Landmarks(null, 451.0, 430.0),
                DecisionTreeTest::noProximity);
        assertEquals(Rule.V85_OVERLAP, below.rule());
        var thyroid = tree.decide(organs, new Vec3(0, 0, 440), new Landmarks(null, null, 430.0),
                DecisionTreeTest::noProximity);
        assertEquals(Rule.HN_LANDMARK, thyroid.rule());
        assertTrue(thyroid.trace().get(2).detail().contains("thyroid"));
    }

    @Test
    void proximityThenNone() {
        List<OrganMetrics> onlyExcluded = List.of(organ("aorta", null, 500, 900, 1000));
        var p = tree.decide(onlyExcluded, Vec3.ZERO, NO_LANDMARKS,
                () -> Optional.of(new ProximityHit("femur_left", Region.EXTREMITY, 27.0, true)));
        assertEquals(Rule.PROXIMITY, p.rule());
        assertEquals(List.of(Region.EXTREMITY), p.labels());
        var none = tree.decide(List.of(), Vec3.ZERO, NO_LANDMARKS, Optional::empty);
        assertEquals(Rule.NONE, none.rule());
        assertEquals(List.of(), none.labels());
        assertEquals(Rule.NONE, none.trace().get(none.trace().size() - 1).rule());
    }

    @Test
    void thresholdsComeFromTheConfig() {
        List<OrganMetrics> organs = List.of(organ("brain", Region.CRANIAL, 400, 500, 2000));
        // dice85 = 800 / 3000 = 0.267: not Cranial by Dice at 0.4, but at 0.25.
        var paper = tree.decide(organs, Vec3.ZERO, NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.V85_OVERLAP, paper.rule());
        var loose = new DecisionTree(ClassifierConfig.defaults().withBrainDiceThreshold(0.25))
                .decide(organs, Vec3.ZERO, NO_LANDMARKS, DecisionTreeTest::noProximity);
        assertEquals(Rule.CRANIAL_DICE, loose.rule());
    }
}
