package org.rtsite.core.phantom;

import static org.rtsite.core.phantom.Shape.cylinderZ;
import static org.rtsite.core.phantom.Shape.ellipsoid;
import static org.rtsite.core.phantom.TotalSegmentatorLabels.APPENDICULAR_BONES;
import static org.rtsite.core.phantom.TotalSegmentatorLabels.HEAD_GLANDS_CAVITIES;
import static org.rtsite.core.phantom.TotalSegmentatorLabels.TOTAL;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rtsite.core.geometry.Vec3;

/**
 * A coarse human in patient coordinates (LPS, mm; +x left, +y posterior, +z superior), from the
 * vertex (z ≈ 680) to the knees (z ≈ −480), with the hip tops at z = 40 and the C7 top at z ≈ 451.
 * Organs carry TotalSegmentator names; positions are plausible, not anatomical truth.
 */
public final class PhantomAnatomy {

    /** One organ of the atlas. */
    public record Organ(String task, String name, Shape shape) {
    }

    private PhantomAnatomy() {
    }

    /** Most superior z of the hip bones. */
    public static final double HIP_TOP_Z = 40;

    /** The body outline. */
    public static Shape body() {
        return cylinderZ(0, 0, -600, 800, 200, 130);
    }

    /** Every organ, in painting order (later overwrite earlier within one label map). */
    public static List<Organ> organs() {
        List<Organ> o = new ArrayList<>();
        // Head.
        o.add(new Organ(TOTAL, "brain", ellipsoid(0, 10, 620, 70, 85, 60)));
        for (int n = 1; n <= 7; n++) {
            double zc = 545 - (n - 1) * 17;
            o.add(new Organ(TOTAL, "vertebrae_C" + n, cylinderZ(0, 25, zc - 8, zc + 8, 12, 12)));
        }
        o.add(new Organ(TOTAL, "trachea", cylinderZ(0, -10, 330, 470, 9, 9)));
        o.add(new Organ(TOTAL, "thyroid_gland", ellipsoid(0, -25, 440, 20, 10, 15)));
        o.add(new Organ(TOTAL, "spinal_cord", cylinderZ(0, 42, 30, 560, 5, 5)));
        for (String side : new String[] {"left", "right"}) {
            double s = side.equals("left") ? 1 : -1;
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "eye_" + side, ellipsoid(32 * s, -70, 590, 12, 12, 12)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "eye_lens_" + side, ellipsoid(32 * s, -80, 590, 4, 2, 4)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "optic_nerve_" + side, ellipsoid(20 * s, -45, 590, 4, 15, 3)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "parotid_gland_" + side, ellipsoid(55 * s, 10, 530, 15, 20, 25)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "submandibular_gland_" + side,
                    ellipsoid(35 * s, -40, 480, 12, 12, 12)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "nasal_cavity_" + side, ellipsoid(10 * s, -60, 560, 8, 20, 15)));
            o.add(new Organ(HEAD_GLANDS_CAVITIES, "auditory_canal_" + side, ellipsoid(60 * s, 10, 570, 5, 5, 5)));
        }
        o.add(new Organ(HEAD_GLANDS_CAVITIES, "nasopharynx", ellipsoid(0, -10, 545, 12, 12, 12)));
        o.add(new Organ(HEAD_GLANDS_CAVITIES, "oropharynx", ellipsoid(0, -10, 505, 12, 12, 20)));
        o.add(new Organ(HEAD_GLANDS_CAVITIES, "hypopharynx", ellipsoid(0, -5, 465, 10, 10, 15)));
        o.add(new Organ(HEAD_GLANDS_CAVITIES, "hard_palate", ellipsoid(0, -40, 535, 20, 20, 3)));
        o.add(new Organ(HEAD_GLANDS_CAVITIES, "soft_palate", ellipsoid(0, -15, 530, 15, 10, 3)));
        // Thorax.
        for (int n = 1; n <= 12; n++) {
            double zc = 420 - (n - 1) * 22;
            o.add(new Organ(TOTAL, "vertebrae_T" + n, cylinderZ(0, 25, zc - 10.5, zc + 10.5, 12, 12)));
        }
        o.add(new Organ(TOTAL, "lung_upper_lobe_left", ellipsoid(65, 0, 365, 50, 60, 55)));
        o.add(new Organ(TOTAL, "lung_lower_lobe_left", ellipsoid(65, 10, 265, 55, 65, 50)));
        o.add(new Organ(TOTAL, "lung_upper_lobe_right", ellipsoid(-65, 0, 370, 50, 60, 55)));
        o.add(new Organ(TOTAL, "lung_lower_lobe_right", ellipsoid(-65, 10, 260, 55, 65, 50)));
        o.add(new Organ(TOTAL, "lung_middle_lobe_right", ellipsoid(-65, -35, 305, 45, 35, 25)));
        o.add(new Organ(TOTAL, "aorta", cylinderZ(15, 10, 40, 280, 10, 10)));
        o.add(new Organ(TOTAL, "inferior_vena_cava", cylinderZ(-20, 10, 40, 260, 10, 10)));
        o.add(new Organ(TOTAL, "esophagus", cylinderZ(0, 10, 195, 450, 8, 8)));
        o.add(new Organ(TOTAL, "heart", ellipsoid(15, -35, 290, 45, 40, 45)));
        o.add(new Organ(TOTAL, "sternum", cylinderZ(0, -85, 230, 400, 15, 6)));
        for (String side : new String[] {"left", "right"}) {
            double s = side.equals("left") ? 1 : -1;
            o.add(new Organ(TOTAL, "clavicula_" + side, ellipsoid(70 * s, -40, 440, 60, 8, 8)));
            o.add(new Organ(TOTAL, "scapula_" + side, ellipsoid(100 * s, 70, 380, 40, 10, 60)));
            o.add(new Organ(TOTAL, "humerus_" + side, cylinderZ(185 * s, 0, 200, 440, 15, 15)));
        }
        // Abdomen.
        o.add(new Organ(TOTAL, "liver", ellipsoid(-60, 0, 150, 80, 70, 60)));
        o.add(new Organ(TOTAL, "stomach", ellipsoid(30, -10, 165, 45, 35, 40)));
        o.add(new Organ(TOTAL, "spleen", ellipsoid(95, 35, 160, 25, 30, 40)));
        o.add(new Organ(TOTAL, "pancreas", ellipsoid(10, 10, 120, 50, 12, 12)));
        o.add(new Organ(TOTAL, "gallbladder", ellipsoid(-50, -50, 110, 12, 12, 20)));
        o.add(new Organ(TOTAL, "kidney_left", ellipsoid(65, 45, 100, 25, 25, 50)));
        o.add(new Organ(TOTAL, "kidney_right", ellipsoid(-65, 45, 95, 25, 25, 50)));
        o.add(new Organ(TOTAL, "adrenal_gland_left", ellipsoid(50, 40, 160, 8, 8, 10)));
        o.add(new Organ(TOTAL, "adrenal_gland_right", ellipsoid(-50, 40, 160, 8, 8, 10)));
        for (int n = 1; n <= 5; n++) {
            double zc = 150 - (n - 1) * 28;
            o.add(new Organ(TOTAL, "vertebrae_L" + n, cylinderZ(0, 25, zc - 13, zc + 13, 15, 15)));
        }
        o.add(new Organ(TOTAL, "small_bowel", ellipsoid(0, -55, 75, 70, 35, 45)));
        o.add(new Organ(TOTAL, "colon", ellipsoid(-70, -30, 60, 20, 20, 50)));
        o.add(new Organ(TOTAL, "colon", ellipsoid(70, -30, 60, 20, 20, 50)));
        // Pelvis.
        o.add(new Organ(TOTAL, "hip_left", ellipsoid(80, 10, HIP_TOP_Z - 60, 50, 60, 60)));
        o.add(new Organ(TOTAL, "hip_right", ellipsoid(-80, 10, HIP_TOP_Z - 60, 50, 60, 60)));
        o.add(new Organ(TOTAL, "sacrum", ellipsoid(0, 45, 0, 35, 20, 35)));
        o.add(new Organ(TOTAL, "vertebrae_S1", cylinderZ(0, 35, 7, 23, 15, 15)));
        o.add(new Organ(TOTAL, "gluteus_maximus_left", ellipsoid(90, 90, -40, 50, 30, 60)));
        o.add(new Organ(TOTAL, "gluteus_maximus_right", ellipsoid(-90, 90, -40, 50, 30, 60)));
        o.add(new Organ(TOTAL, "urinary_bladder", ellipsoid(0, -40, -60, 35, 30, 30)));
        o.add(new Organ(TOTAL, "prostate", ellipsoid(0, -10, -100, 18, 15, 18)));
        // Legs.
        o.add(new Organ(TOTAL, "femur_left", cylinderZ(90, 10, -440, -100, 18, 18)));
        o.add(new Organ(TOTAL, "femur_right", cylinderZ(-90, 10, -440, -100, 18, 18)));
        o.add(new Organ(APPENDICULAR_BONES, "patella", ellipsoid(90, -20, -465, 20, 8, 20)));
        o.add(new Organ(APPENDICULAR_BONES, "patella", ellipsoid(-90, -20, -465, 20, 8, 20)));
        return o;
    }

    /**
     * A randomized variant of the atlas for training and testing segmentation networks: every organ
     * moved by up to ±{@code 6} mm and stretched by 0.88–1.12 along each axis, and the whole body moved
     * by up to ±10 mm in x and y, all drawn from {@code seed}. The same seed gives the same anatomy.
     */
    public static List<Organ> organs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Vec3 global = new Vec3(r.nextDouble(-10, 10), r.nextDouble(-10, 10), r.nextDouble(-10, 10));
        List<Organ> out = new ArrayList<>();
        for (Organ o : organs()) {
            Shape s = o.shape().scaled(r.nextDouble(0.88, 1.12), r.nextDouble(0.88, 1.12), r.nextDouble(0.88, 1.12))
                    .translated(global.plus(new Vec3(r.nextDouble(-6, 6), r.nextDouble(-6, 6), r.nextDouble(-6, 6))));
            out.add(new Organ(o.task(), o.name(), s));
        }
        return out;
    }

    /** The body outline of {@link #organs(long)} for the same seed: width and depth stretched by 0.95–1.05. */
    public static Shape body(long seed) {
        SplittableRandom r = new SplittableRandom(~seed);
        return body().scaled(r.nextDouble(0.95, 1.05), r.nextDouble(0.95, 1.05), 1);
    }

    /** Adds the randomized anatomy of {@code seed} ({@link #organs(long)}, {@link #body(long)}) to {@code builder}. */
    public static PhantomBuilder addRandomizedTo(PhantomBuilder builder, long seed) {
        builder.body(body(seed)).noiseSeed(seed);
        for (Organ organ : organs(seed)) {
            builder.organ(organ.task(), organ.name(), organ.shape());
        }
        return builder;
    }

    /** Adds every organ, moved by {@code shift}, to {@code builder}. */
    public static PhantomBuilder addTo(PhantomBuilder builder, Vec3 shift) {
        builder.body(body().translated(shift));
        for (Organ organ : organs()) {
            builder.organ(organ.task(), organ.name(), organ.shape().translated(shift));
        }
        return builder;
    }
}
