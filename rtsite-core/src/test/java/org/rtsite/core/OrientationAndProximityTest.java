package org.rtsite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.decision.TraceStep;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomBuilder;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.phantom.Shape;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

class OrientationAndProximityTest {

    private static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();

    /**
     * The scene's CT re-sampled on an oblique grid (rotated 25° about z, tilted 8°, slices stored
     * head to feet) with the same extent: other voxel centres, same anatomy, same answer.
     */
    @ParameterizedTest
    @EnumSource(value = PhantomScene.class, names = {"LUNG_SBRT", "PROSTATE", "OROPHARYNX", "V50_ONLY", "WHOLE_BRAIN"})
    void obliqueFeetFirstCtGivesTheSameLabels(PhantomScene scene) {
        ImageGrid g = scene.ctGrid();
        double a = Math.toRadians(25), t = Math.toRadians(8);
        Vec3 u = new Vec3(Math.cos(a), Math.sin(a), 0);
        Vec3 v = new Vec3(-Math.sin(a) * Math.cos(t), Math.cos(a) * Math.cos(t), Math.sin(t));
        Vec3 w = u.cross(v).times(-1); // slice index grows towards the feet
        Vec3 centre = g.toPatient((g.nx() - 1) / 2.0, (g.ny() - 1) / 2.0, (g.nz() - 1) / 2.0);
        int nx = 110, ny = 110, nz = g.nz();
        Vec3 origin = centre.minus(u.times((nx - 1) / 2.0 * 4)).minus(v.times((ny - 1) / 2.0 * 4))
                .minus(w.times((nz - 1) / 2.0 * 3));
        ImageGrid oblique = new ImageGrid(nx, ny, nz, 4, 4, 3, origin, u, v, w);
        SiteResult r = CLASSIFIER.classify(scene.build(oblique, Vec3.ZERO).withMasks());
        assertEquals(scene.expectedLabels(), r.labels(), scene + "\n" + r.trace());
        assertEquals(scene.expectedRule(), r.rule(), scene + "\n" + r.trace());
    }

    @Test
    void proximityFallsBackTo3dWhenCoMsAxialPlaneHoldsNoOrgan() {
        ImageGrid g = ImageGrid.axial(50, 50, 60, 4, 4, 3, new Vec3(-100, -100, 0));
        PhantomPlan p = new PhantomBuilder(g)
                .organ("total", "liver", Shape.ellipsoid(-40, 0, 150, 30, 30, 20))      // z 130..170
                .organ("total", "urinary_bladder", Shape.ellipsoid(60, 0, 20, 20, 20, 15)) // z 5..35
                .organ("total", "aorta", Shape.cylinderZ(0, 60, 0, 180, 8, 8))         // excluded, on every slice
                .target(Shape.sphere(-40, 0, 90, 6), 40, 3)                              // between them, nearer the liver
                .build("proximity 3-D");
        SiteResult r = CLASSIFIER.classify(p.withMasks());
        assertEquals(Rule.PROXIMITY, r.rule(), r.trace().toString());
        assertEquals(List.of(Region.ABDOMEN), r.labels());
        TraceStep step = r.trace().stream().filter(s -> s.rule() == Rule.PROXIMITY).findFirst().orElseThrow();
        assertTrue(step.detail().contains("liver") && step.detail().contains("in 3-D"), step.detail());
    }

    @Test
    void proximityPrefersTheOrganInCoMsAxialPlaneOverACloser3dOne() {
        ImageGrid g = ImageGrid.axial(50, 50, 60, 4, 4, 3, new Vec3(-100, -100, 0));
        PhantomPlan p = new PhantomBuilder(g)
                .organ("total", "liver", Shape.ellipsoid(-10, 0, 120, 20, 20, 12))       // 3-D nearest, z 108..132
                .organ("total", "femur_left", Shape.cylinderZ(70, 0, 60, 100, 10, 10))   // in the plane, 50 mm away
                .target(Shape.sphere(10, 0, 90, 4), 40, 2)
                .build("proximity in plane");
        SiteResult r = CLASSIFIER.classify(p.withMasks());
        assertEquals(Rule.PROXIMITY, r.rule(), r.trace().toString());
        assertEquals(List.of(Region.EXTREMITY), r.labels());
    }

    @Test
    void noOrganAnywhereGivesNoLabel() {
        ImageGrid g = ImageGrid.axial(30, 30, 40, 4, 4, 3, new Vec3(-60, -60, 0));
        PhantomPlan p = new PhantomBuilder(g)
                .organ("total", "aorta", Shape.cylinderZ(30, 30, 0, 120, 8, 8))
                .target(Shape.sphere(0, 0, 60, 6), 40, 3).build("nothing");
        SiteResult r = CLASSIFIER.classify(p.withMasks());
        assertEquals(Rule.NONE, r.rule());
        assertEquals(List.of(), r.labels());
    }
}
