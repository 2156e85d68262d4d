package org.rtsite.eval.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.decision.ProximityHit;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.CropExtent;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.result.SiteResult;

/**
 * Stored results made from organ metrics alone (|V85| = 1000, |V50| = 2000 voxels), labelled by
 * the decision tree under given settings: what {@code rtsite classify} would have written for a
 * plan with those metrics.
 */
final class SyntheticPlans {

    private SyntheticPlans() {
    }

    static OrganMetrics organ(String name, Region region, long in85, long in50, long voxels) {
        return OrganMetrics.of(name, "total", name, region, OrganRole.REGION, voxels, in85, in50, 1000, 2000);
    }

    /** The stored result the classifier with {@code settings} gives; proximity (if reached) finds {@code near}. */
    static SiteResult result(ClassifierSettings settings, List<OrganMetrics> organs, double comZ, Landmarks landmarks,
                             Region near) {
        Vec3 com = new Vec3(0, 0, comZ);
        DecisionTree.Decision d = new DecisionTree(settings.config(), settings.policy()).decide(organs, com, landmarks,
                () -> Optional.of(new ProximityHit("organ", near, 5, true)));
        return new SiteResult(SiteResult.SCHEMA_VERSION, d.labels(), d.rule(), d.trace(), 60, 60, 51, 30, 1, 2,
                com, com, com, new CropExtent(0, 50, 150, comZ - 75, comZ + 75), new IndexBox(0, 0, 0, 10, 10, 10), 2.5,
                landmarks, organs, List.of(), "cpu", settings.config(), Map.of());
    }

    static CalibrationPlan plan(String id, ClassifierSettings stored, ClassifierSettings expert, List<OrganMetrics> organs,
                                double comZ, Landmarks landmarks, Region near) {
        SiteResult r = result(stored, organs, comZ, landmarks, near);
        List<Region> labels = stored.equals(expert) ? r.labels() : result(expert, organs, comZ, landmarks, near).labels();
        return new CalibrationPlan(id, r, labels);
    }

    static final Landmarks NONE = new Landmarks(null, null, null);

    /**
     * Plans that pin each parameter of {@code truth} = (τ 0.005, dominance 0.7, brain Dice 0.6,
     * THYROID_THEN_C7, no V50) between neighbouring grid values, {@code copies} times each.
     */
    static List<CalibrationPlan> pinning(ClassifierSettings stored, ClassifierSettings truth, int copies) {
        List<CalibrationPlan> out = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            String s = "-" + c;
            // τ: liver 0.004 is out (τ > 0.004), 0.007 is in (τ < 0.007).
            out.add(plan("tau-a" + s, stored, truth, List.of(organ("lung", Region.THORAX, 500, 600, 4000),
                    organ("liver", Region.ABDOMEN, 4, 8, 3000)), 0, NONE, Region.THORAX));
            out.add(plan("tau-b" + s, stored, truth, List.of(organ("lung", Region.THORAX, 500, 600, 4000),
                    organ("liver", Region.ABDOMEN, 7, 14, 3000)), 0, NONE, Region.THORAX));
            // Dominance: brain 0.72 dominates (→ [Cranial, H&N] by overlap), 0.68 does not (→ Cranial by Dice).
            out.add(plan("dom-a" + s, stored, truth, List.of(organ("brain", Region.CRANIAL, 720, 800, 760),
                    organ("eye_left", Region.HEAD_AND_NECK, 100, 150, 120)), 0, NONE, Region.CRANIAL));
            out.add(plan("dom-b" + s, stored, truth, List.of(organ("brain", Region.CRANIAL, 680, 800, 700),
                    organ("eye_left", Region.HEAD_AND_NECK, 100, 150, 120)), 0, NONE, Region.CRANIAL));
            // Brain Dice: 0.581 is below 0.6, 0.627 above.
            out.add(plan("brain-a" + s, stored, truth, List.of(organ("brain", Region.CRANIAL, 450, 600, 550),
                    organ("eye_left", Region.HEAD_AND_NECK, 100, 150, 120)), 0, NONE, Region.CRANIAL));
            out.add(plan("brain-b" + s, stored, truth, List.of(organ("brain", Region.CRANIAL, 470, 600, 500),
                    organ("eye_left", Region.HEAD_AND_NECK, 100, 150, 120)), 0, NONE, Region.CRANIAL));
            // Landmark: CoM at 100 mm, C7 top 90, thyroid top 110.
            out.add(plan("lm-a" + s, stored, truth, List.of(organ("lung", Region.THORAX, 300, 400, 4000)), 100,
                    new Landmarks(null, 90.0, 110.0), Region.THORAX));
            out.add(plan("lm-b" + s, stored, truth, List.of(organ("lung", Region.THORAX, 300, 400, 4000)), 100,
                    new Landmarks(null, 90.0, null), Region.THORAX));
            // V50: V85 meets no organ, V50 meets the liver; the closest organ is the bladder.
            out.add(plan("v50" + s, stored, truth, List.of(organ("liver", Region.ABDOMEN, 0, 300, 3000)), 0, NONE,
                    Region.PELVIS));
        }
        return out;
    }

    private static final String[] NAMES = {"lung", "liver", "urinary_bladder", "femur_left", "thyroid_gland", "brain"};
    private static final Region[] REGIONS = {Region.THORAX, Region.ABDOMEN, Region.PELVIS, Region.EXTREMITY,
            Region.HEAD_AND_NECK, Region.CRANIAL};

    /** Random plans, labelled by {@code expert}. */
    static List<CalibrationPlan> random(ClassifierSettings stored, ClassifierSettings expert, int n, long seed) {
        Random rnd = new Random(seed);
        List<CalibrationPlan> out = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int count = 1 + rnd.nextInt(3);
            List<OrganMetrics> organs = new ArrayList<>();
            long left85 = 1000, left50 = 2000;
            for (int o = 0; o < count; o++) {
                int which = rnd.nextInt(NAMES.length);
                if (organs.stream().anyMatch(m -> m.name().equals(NAMES[which]))) {
                    continue;
                }
                long in85 = rnd.nextInt(4) == 0 ? 0 : (long) (left85 * rnd.nextDouble());
                long in50 = Math.min(left50, in85 + (long) (300 * rnd.nextDouble()));
                left85 -= in85;
                left50 -= in50;
                organs.add(organ(NAMES[which], REGIONS[which], in85, in50, in50 + 1 + rnd.nextInt(3000)));
            }
            Landmarks lm = new Landmarks(null, rnd.nextBoolean() ? 50 + 100 * rnd.nextDouble() : null,
                    rnd.nextBoolean() ? 50 + 100 * rnd.nextDouble() : null);
            out.add(plan("rnd-" + p, stored, expert, organs, 200 * rnd.nextDouble(), lm, REGIONS[rnd.nextInt(6)]));
        }
        return out;
    }
}
