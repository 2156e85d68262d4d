package org.rtsite.benchmarks.core;

import org.rtsite.core.PlanInput;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;

/** Phantom scenes on a clinical-size planning CT, shared by the classifier benchmarks. */
public final class ClinicalPlans {

    private ClinicalPlans() {
    }

    /** The scene on a 512×512×200 CT (0.977 × 0.977 × 2.5 mm) centred on its target, as a planning CT would be. */
    public static PlanInput of(PhantomScene s) {
        double zc = s == PhantomScene.LUNG_SBRT ? 370 : 5;
        ImageGrid centred = ImageGrid.axial(512, 512, 200, 0.977, 0.977, 2.5, new Vec3(-250, -250, zc - 250));
        PhantomPlan plan = s.build(centred, Vec3.ZERO);
        return PlanInput.withMasks(plan.ct().grid(), plan.dose(), plan.masks());
    }
}
