package org.rtsite.core.expert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.phantom.PhantomScene;

/**
 * The expert protocol on the core's 11 phantom scenes (TotalSegmentator label maps, dose on its
 * own grid): it agrees with the paper's tree on every one, as the paper's validation found for
 * most plans, and each scene is decided by the rule one expects.
 */
class ExpertOnPhantomScenesTest {

    @Test
    void agreesWithThePaperTreeOnEveryPhantomScene() {
        ExpertProtocolClassifier expert = ExpertProtocolClassifier.builder().backend("cpu").build();
        for (PhantomScene s : PhantomScene.values()) {
            ExpertResult r = expert.classify(s.build().withMasks());
            assertEquals(s.expectedLabels(), r.labels(), s + ": " + r.site().trace());
            assertEquals(s.expectedLabels(), r.paperLabels(), s.toString());
            Rule expected = switch (s) {
                case WHOLE_BRAIN -> Rule.CRANIAL_DICE;
                case PELVIS_FEMUR_GAP, V50_ONLY -> Rule.PROXIMITY;
                default -> Rule.V85_OVERLAP;
            };
            assertEquals(expected, r.site().rule(), s.toString());
            if (expected == Rule.V85_OVERLAP) {
                assertTrue(r.penetrations().get(0).depthMm() >= 5, s + ": " + r.penetrations());
                assertEquals(s.expectedLabels().size(), r.lengths().stream().filter(RegionLength::labelled).count());
            }
        }
    }
}
