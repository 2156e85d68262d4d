package org.rtsite.core.phantom;

import org.rtsite.core.PlanInput;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.OrganMasks;

/** A synthetic plan: CT, dose on its own grid, and organ masks on the CT grid. */
public record PhantomPlan(String name, CtVolume ct, DoseVolume dose, OrganMasks masks) {

    /** The plan as classifier input with ready masks. */
    public PlanInput withMasks() {
        return PlanInput.withMasks(ct.grid(), dose, masks);
    }
}
