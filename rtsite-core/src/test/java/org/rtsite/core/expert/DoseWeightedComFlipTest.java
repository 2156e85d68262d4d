package org.rtsite.core.expert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.decision.ComMode;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

/**
 * The paper's Figure 2 situation at the pelvis/extremity border: no organ meets V50, so the
 * proximity rule decides, and the CoM sits almost midway between the hip bone and the femur in its
 * axial plane. V85 is a 60 mm bar with its hot half (100 Gy) towards the femur and its cool half
 * (86 Gy, still ≥ 85 %) towards the hip: the geometric CoM (x = 39.5 mm) is 10.5 mm (in x) from the
 * hip and 11.5 mm from the femur; the dose-weighted CoM (x = 40.63 mm) is 11.63 and 10.37 mm.
 */
class DoseWeightedComFlipTest {

    private static BoxScene borderScene() {
        return new BoxScene(80, 60, 50, 1, 1, 1)
                .organ("hip_left", 0, 30, 45, 55, 0, 50)
                .organ("femur_left", 51, 80, 45, 55, 0, 50)
                .dose(86, 10, 40, 25, 35, 20, 30)
                .dose(100, 40, 70, 25, 35, 20, 30);
    }

    @Test
    void doseWeightedCentreOfMassFlipsTheProximityLabel() {
        SiteResult geometric = SiteClassifier.builder().backend("cpu").build().classify(borderScene().input());
        SiteResult weighted = SiteClassifier.builder().backend("cpu")
                .config(ClassifierConfig.defaults().withComMode(ComMode.DOSE_WEIGHTED)).build()
                .classify(borderScene().input());
        assertEquals(Rule.PROXIMITY, geometric.rule());
        assertEquals(Rule.PROXIMITY, weighted.rule());
        assertEquals(39.5, geometric.com85().x(), 1e-9);
        assertEquals((86 * 24.5 + 100 * 54.5) / 186.0, weighted.com85().x(), 1e-4);
        assertEquals(List.of(Region.PELVIS), geometric.labels());
        assertEquals(List.of(Region.EXTREMITY), weighted.labels());
    }
}
