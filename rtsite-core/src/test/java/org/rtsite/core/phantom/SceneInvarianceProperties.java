package org.rtsite.core.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.result.SiteResult;

/** Labels depend on anatomy and dose, not on where the scene sits or how its grid is written down. */
class SceneInvarianceProperties {

    private static final SiteClassifier CLASSIFIER = SiteClassifier.builder().backend("cpu").build();
    /** Small, fast scenes covering V85, Dice, landmark, V50 and proximity rules. */
    private static final PhantomScene[] SCENES = {PhantomScene.LUNG_SBRT, PhantomScene.LIVER_SBRT,
            PhantomScene.OROPHARYNX, PhantomScene.V50_ONLY, PhantomScene.PELVIS_FEMUR_GAP, PhantomScene.FEMUR};

    static Gen<PhantomScene> scenes() {
        return integers().between(0, SCENES.length - 1).map(i -> SCENES[i]);
    }

    @Test
    void labelsAreInvariantUnderTranslatingTheWholeScene() {
        Gen<Double> mm = doubles().between(-300, 300);
        qt().withExamples(12).forAll(scenes(), mm, mm, mm).checkAssert((scene, x, y, z) -> {
            Vec3 t = new Vec3(x, y, z);
            ImageGrid g = scene.ctGrid();
            ImageGrid moved = ImageGrid.axial(g.nx(), g.ny(), g.nz(), g.dx(), g.dy(), g.dz(), g.origin().plus(t));
            SiteResult a = CLASSIFIER.classify(scene.build().withMasks());
            SiteResult b = CLASSIFIER.classify(scene.build(moved, t).withMasks());
            assertEquals(a.labels(), b.labels(), scene + " moved by " + t);
            assertEquals(a.rule(), b.rule(), scene + " moved by " + t);
            assertEquals(a.com85().plus(t).z(), b.com85().z(), 1e-6);
        });
    }

    @Test
    void labelsAreInvariantUnderFlippedAxesWithMatchingDirectionCosines() {
        qt().withExamples(12).forAll(scenes(), integers().between(1, 7)).checkAssert((scene, flips) -> {
            ImageGrid g = scene.ctGrid();
            Vec3 u = g.axisI(), v = g.axisJ(), w = g.axisK();
            Vec3 origin = g.origin();
            // Start at the opposite corner along each flipped axis: the same voxel centres, stored in another order.
            if ((flips & 1) != 0) {
                origin = origin.plus(u.times((g.nx() - 1) * g.dx()));
                u = u.times(-1);
            }
            if ((flips & 2) != 0) {
                origin = origin.plus(v.times((g.ny() - 1) * g.dy()));
                v = v.times(-1);
            }
            if ((flips & 4) != 0) {
                origin = origin.plus(w.times((g.nz() - 1) * g.dz()));
                w = w.times(-1);
            }
            ImageGrid flipped = new ImageGrid(g.nx(), g.ny(), g.nz(), g.dx(), g.dy(), g.dz(), origin, u, v, w);
            SiteResult a = CLASSIFIER.classify(scene.build().withMasks());
            SiteResult b = CLASSIFIER.classify(scene.build(flipped, Vec3.ZERO).withMasks());
            assertEquals(a.labels(), b.labels(), scene + " flips " + flips);
            assertEquals(a.rule(), b.rule(), scene + " flips " + flips);
            assertEquals(a.v85Cc(), b.v85Cc(), 1e-6, scene + " flips " + flips);
            assertEquals(a.organs().size(), b.organs().size());
        });
    }
}
