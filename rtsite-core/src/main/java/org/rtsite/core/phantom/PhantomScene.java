package org.rtsite.core.phantom;

import static org.rtsite.core.phantom.Shape.cylinderZ;
import static org.rtsite.core.phantom.Shape.ellipsoid;
import static org.rtsite.core.phantom.Shape.sphere;

import java.util.List;
import java.util.Locale;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;

/**
 * Synthetic plans on {@link PhantomAnatomy}, one per situation of the decision tree. Each scene
 * states the labels and rule that ALGORITHM.md §3 gives for it. CT: 4 × 4 × 3 mm voxels over the
 * body's width and the scene's z-range; dose: 2.5 mm voxels on a grid of its own, offset from the
 * CT's, around the targets.
 */
public enum PhantomScene {
    BRAIN_METASTASIS("a 1 cm metastasis inside the brain", 480, 700, 6,
            List.of(sphere(30, 20, 640, 10)), List.of(Region.CRANIAL), Rule.V85_OVERLAP),
    WHOLE_BRAIN("whole brain with margin, grazing the eyes", 460, 720, 5,
            List.of(ellipsoid(0, 10, 620, 80, 95, 70)), List.of(Region.CRANIAL), Rule.CRANIAL_DICE),
    OROPHARYNX("oropharynx with neck nodes, above C7", 380, 620, 5,
            List.of(ellipsoid(0, 0, 500, 45, 35, 50)), List.of(Region.HEAD_AND_NECK), Rule.HN_LANDMARK),
    LUNG_SBRT("SBRT of a lesion in the left upper lobe", 250, 480, 5,
            List.of(sphere(70, 0, 370, 12)), List.of(Region.THORAX), Rule.V85_OVERLAP),
    LIVER_SBRT("SBRT at the liver dome, touching the right lower lobe", 100, 330, 6,
            List.of(sphere(-60, 0, 203, 15)), List.of(Region.ABDOMEN, Region.THORAX), Rule.V85_OVERLAP),
    PROSTATE("prostate with margin, reaching the bladder", -220, 20, 5,
            List.of(sphere(0, -10, -100, 20)), List.of(Region.PELVIS), Rule.V85_OVERLAP),
    PELVIC_NODES("pelvic nodes reaching L4", -150, 160, 5,
            List.of(ellipsoid(0, 15, 5, 55, 40, 70)), List.of(Region.PELVIS, Region.ABDOMEN), Rule.V85_OVERLAP),
    ESOPHAGUS("oesophagus reaching the stomach", 100, 360, 5,
            List.of(cylinderZ(0, 10, 190, 300, 15, 15)), List.of(Region.THORAX, Region.ABDOMEN), Rule.V85_OVERLAP),
    FEMUR("a lesion in the left femoral shaft", -400, -150, 5,
            List.of(sphere(90, 10, -270, 15)), List.of(Region.EXTREMITY), Rule.V85_OVERLAP),
    PELVIS_FEMUR_GAP("a target in unsegmented tissue between the hip bone and the femur", -250, 50, 4,
            List.of(sphere(135, 10, -115, 8)), List.of(Region.EXTREMITY), Rule.PROXIMITY),
    V50_ONLY("a lateral target whose V85 misses every organ while V50 reaches the left kidney", 0, 220, 15,
            List.of(sphere(108, 45, 90, 5)), List.of(Region.ABDOMEN), Rule.V50_OVERLAP);

    /** Prescription peak dose of every scene (Gy). */
    public static final double PEAK_GY = 60;

    private final String description;
    private final double zMin;
    private final double zMax;
    private final double sigmaMm;
    private final List<Shape> targets;
    private final List<Region> expectedLabels;
    private final Rule expectedRule;

    PhantomScene(String description, double zMin, double zMax, double sigmaMm, List<Shape> targets,
                 List<Region> expectedLabels, Rule expectedRule) {
        this.description = description;
        this.zMin = zMin;
        this.zMax = zMax;
        this.sigmaMm = sigmaMm;
        this.targets = targets;
        this.expectedLabels = expectedLabels;
        this.expectedRule = expectedRule;
    }

    /** Command-line name, e.g. {@code lung-sbrt}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a command-line or enum name. */
    public static PhantomScene parse(String name) {
        for (PhantomScene s : values()) {
            if (s.cliName().equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new InvalidInputException("unknown phantom scene '" + name + "'; known: "
                + java.util.Arrays.stream(values()).map(PhantomScene::cliName).toList());
    }

    public String description() {
        return description;
    }

    /** The labels ALGORITHM.md §3 gives for this scene. */
    public List<Region> expectedLabels() {
        return expectedLabels;
    }

    /** The rule that ALGORITHM.md §3 fires for this scene. */
    public Rule expectedRule() {
        return expectedRule;
    }

    /** The scene's axial CT grid: 4 × 4 mm over the body's width, 3 mm slices over its z-range. */
    public ImageGrid ctGrid() {
        int nz = (int) Math.round((zMax - zMin) / 3.0) + 1;
        return ImageGrid.axial(101, 66, nz, 4, 4, 3, new Vec3(-200, -130, zMin));
    }

    /** The plan on its own CT grid. */
    public PhantomPlan build() {
        return build(ctGrid(), Vec3.ZERO);
    }

    /**
     * The plan with anatomy and targets moved by {@code shift} and rasterized on {@code ctGrid};
     * the dose grid moves with the targets.
     */
    public PhantomPlan build(ImageGrid ctGrid, Vec3 shift) {
        PhantomBuilder b = PhantomAnatomy.addTo(new PhantomBuilder(ctGrid), shift);
        Vec3 lo = null, hi = null;
        for (Shape t : targets) {
            b.target(t.translated(shift), PEAK_GY, sigmaMm);
            lo = lo == null ? t.min() : min(lo, t.min());
            hi = hi == null ? t.max() : max(hi, t.max());
        }
        double margin = 4 * sigmaMm + 10;
        Vec3 from = lo.minus(new Vec3(margin, margin, margin)).plus(new Vec3(0.7, -0.4, 0.3)).plus(shift);
        Vec3 size = hi.minus(lo).plus(new Vec3(2 * margin, 2 * margin, 2 * margin));
        double sp = 2.5;
        b.doseGrid(ImageGrid.axial((int) Math.ceil(size.x() / sp) + 1, (int) Math.ceil(size.y() / sp) + 1,
                (int) Math.ceil(size.z() / sp) + 1, sp, sp, sp, from));
        return b.build(cliName());
    }

    private static Vec3 min(Vec3 a, Vec3 b) {
        return new Vec3(Math.min(a.x(), b.x()), Math.min(a.y(), b.y()), Math.min(a.z(), b.z()));
    }

    private static Vec3 max(Vec3 a, Vec3 b) {
        return new Vec3(Math.max(a.x(), b.x()), Math.max(a.y(), b.y()), Math.max(a.z(), b.z()));
    }
}
