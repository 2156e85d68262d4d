package org.rtsite.core.decision;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;

/** The untraced decision (calibration's) is the traced one without its text, for any input and policy. */
class UntracedDecisionProperties {

    @Test
    void untracedDecisionEqualsTracedDecision() {
        qt().withExamples(2000).forAll(longs().all(), integers().between(0, 49)).checkAssert((seed, pick) -> {
            Random rnd = new Random(seed);
            List<OrganMetrics> organs = new ArrayList<>();
            String[] names = {"brain", "eye_left", "lung", "liver", "urinary_bladder", "femur_left"};
            Region[] regions = {Region.CRANIAL, Region.HEAD_AND_NECK, Region.THORAX, Region.ABDOMEN, Region.PELVIS,
                    Region.EXTREMITY};
            for (int o = 0; o < names.length; o++) {
                if (rnd.nextBoolean()) {
                    long in85 = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1000);
                    long in50 = in85 + rnd.nextInt(500);
                    organs.add(OrganMetrics.of(names[o], "total", names[o], regions[o],
                            rnd.nextInt(5) == 0 ? OrganRole.EXCLUDED : OrganRole.REGION, in50 + rnd.nextInt(2000),
                            in85, in50, 1000, 2000));
                }
            }
            Landmarks lm = new Landmarks(null, rnd.nextBoolean() ? rnd.nextDouble() * 200 : null,
                    rnd.nextBoolean() ? rnd.nextDouble() * 200 : null);
            ClassifierConfig c = ClassifierConfig.defaults().withOverlapThreshold(rnd.nextDouble() * 0.01)
                    .withDominanceThreshold(0.5 + rnd.nextDouble() / 2).withBrainDiceThreshold(rnd.nextDouble());
            DecisionPolicy p = new DecisionPolicy(DecisionPolicy.Landmark.values()[pick % 5], pick % 2 == 0);
            Vec3 com = new Vec3(0, 0, rnd.nextDouble() * 200);
            Optional<ProximityHit> hit = rnd.nextBoolean() ? Optional.empty()
                    : Optional.of(new ProximityHit("liver", Region.ABDOMEN, 4, true));
            DecisionTree tree = new DecisionTree(c, p);
            DecisionTree.Decision traced = tree.decide(organs, com, lm, () -> hit);
            DecisionTree.Decision untraced = tree.decideUntraced(organs, com, lm, () -> hit);
            org.junit.jupiter.api.Assertions.assertEquals(traced.labels(), untraced.labels());
            org.junit.jupiter.api.Assertions.assertEquals(traced.rule(), untraced.rule());
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), untraced.trace());
            org.junit.jupiter.api.Assertions.assertEquals(traced.rule(), traced.trace().stream().filter(TraceStep::fired)
                    .findFirst().orElseThrow().rule());
        });
    }
}
