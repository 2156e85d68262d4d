package org.rtsite.core.phantom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * Builds synthetic plans: organs as solids rasterized into TotalSegmentator-style label maps (or
 * binary masks), a CT in which every organ has its own tissue's HU ({@link #tissueHu}) plus mild
 * seeded noise, so that a segmentation network can see the organs, and a dose of flat-topped targets with Gaussian
 * fall-off on its own grid. Works on grids of any orientation, so tests can re-express a scene.
 * Organs added later overwrite earlier ones within a label map, as in a real segmentation.
 */
public final class PhantomBuilder {

    private final ImageGrid ctGrid;
    private ImageGrid doseGrid;
    private final Map<String, List<Placed>> byTask = new LinkedHashMap<>();
    private final List<Placed> masks = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private Shape body;
    private long noiseSeed;
    private double noiseSdHu = DEFAULT_NOISE_SD_HU;

    /** Standard deviation of the CT noise unless {@link #noise} says otherwise. */
    public static final double DEFAULT_NOISE_SD_HU = 5;

    /** HU of the body outside any organ (fat and soft tissue). */
    public static final short BODY_HU = -60;

    private record Placed(String name, Shape shape) {
    }

    /**
     * A target: dose {@code peakGy} inside {@code shape}, {@code peakGy·exp(-d²/2σ²)} at distance d outside.
     */
    public record Target(Shape shape, double peakGy, double sigmaMm) {
    }

    public PhantomBuilder(ImageGrid ctGrid) {
        this.ctGrid = Objects.requireNonNull(ctGrid, "ctGrid");
        this.doseGrid = ctGrid;
    }

    /** The grid the dose is computed on (default: the CT grid). */
    public PhantomBuilder doseGrid(ImageGrid grid) {
        this.doseGrid = Objects.requireNonNull(grid, "dose grid");
        return this;
    }

    /**
     * CT noise: Gaussian with standard deviation {@code sdHu}, a deterministic function of {@code seed} and
     * the patient position (not of the voxel index), so re-expressing a scene on flipped axes leaves the
     * HU at each point unchanged. {@code sdHu} = 0 turns it off.
     */
    public PhantomBuilder noise(long seed, double sdHu) {
        if (!(sdHu >= 0) || Double.isInfinite(sdHu)) {
            throw new InvalidInputException("noise standard deviation must be finite and ≥ 0 HU, got " + sdHu);
        }
        this.noiseSeed = seed;
        this.noiseSdHu = sdHu;
        return this;
    }

    /** The seed of the CT noise (default 0), keeping its standard deviation. */
    public PhantomBuilder noiseSeed(long seed) {
        this.noiseSeed = seed;
        return this;
    }

    /** The body outline: soft tissue ({@link #BODY_HU}) inside, air outside (default: everything body). */
    public PhantomBuilder body(Shape shape) {
        this.body = shape;
        return this;
    }

    /** An organ in the label map of {@code task}, labelled as TotalSegmentator labels it. */
    public PhantomBuilder organ(String task, String name, Shape shape) {
        TotalSegmentatorLabels.labelOf(task, name);
        byTask.computeIfAbsent(task, t -> new ArrayList<>()).add(new Placed(name, shape));
        return this;
    }

    /** A freely overlapping structure as a binary mask (e.g. a contour with a TG-263 name). */
    public PhantomBuilder mask(String name, Shape shape) {
        masks.add(new Placed(name, shape));
        return this;
    }

    public PhantomBuilder target(Shape shape, double peakGy, double sigmaMm) {
        targets.add(new Target(shape, peakGy, sigmaMm));
        return this;
    }

    public PhantomPlan build(String name) {
        List<LabelMap> maps = new ArrayList<>();
        short[] hu = new short[ctGrid.voxelCount()];
        fillBody(hu);
        for (Map.Entry<String, List<Placed>> e : byTask.entrySet()) {
            byte[] labels = new byte[ctGrid.voxelCount()];
            for (Placed p : e.getValue()) {
                int label = TotalSegmentatorLabels.labelOf(e.getKey(), p.name);
                short tissue = tissueHu(p.name);
                rasterize(ctGrid, p.shape, idx -> {
                    labels[idx] = (byte) label;
                    hu[idx] = tissue;
                });
            }
            maps.add(new LabelMap(e.getKey(), ctGrid, labels, TotalSegmentatorLabels.of(e.getKey())));
        }
        addNoise(hu);
        List<BinaryMask> binary = new ArrayList<>();
        for (Placed p : masks) {
            long[] bits = BinaryMask.bitsFor(ctGrid);
            rasterize(ctGrid, p.shape, idx -> BinaryMask.set(bits, idx));
            binary.add(new BinaryMask(p.name, ctGrid, bits));
        }
        return new PhantomPlan(name, new CtVolume(ctGrid, hu), new DoseVolume(doseGrid, dose()),
                new OrganMasks(ctGrid, maps, binary));
    }

    /**
     * The HU an organ of this TotalSegmentator name gets in the phantom CT: typical values of the tissue
     * (lung −800, air-filled cavities −900, liver 60, spleen 45, kidney 30, brain 35, muscle 50, bladder 10,
     * bone 700, …), chosen distinct enough that a network can tell the organs apart.
     */
    public static short tissueHu(String name) {
        if (isBone(name) || name.equals("patella")) {
            return 700;
        }
        if (name.startsWith("lung")) {
            return -800;
        }
        if (name.equals("trachea") || name.startsWith("nasal_cavity") || name.endsWith("pharynx")
                || name.startsWith("auditory_canal")) {
            return -900;
        }
        if (name.startsWith("gluteus") || name.startsWith("iliopsoas") || name.startsWith("autochthon")) {
            return 50;
        }
        if (name.startsWith("kidney")) {
            return 30;
        }
        if (name.startsWith("eye_lens")) {
            return 90;
        }
        if (name.startsWith("eye")) {
            return 10;
        }
        return switch (name) {
            case "brain" -> 35;
            case "liver" -> 60;
            case "spleen" -> 45;
            case "urinary_bladder" -> 10;
            case "gallbladder" -> 15;
            case "heart" -> 40;
            case "aorta", "inferior_vena_cava" -> 42;
            case "thyroid_gland" -> 100;
            case "stomach", "small_bowel", "colon", "duodenum" -> 20;
            case "hard_palate" -> 500;
            default -> 38;   // other soft tissue: pancreas, glands, oesophagus, prostate, cord, nerves
        };
    }

    private void addNoise(short[] hu) {
        if (noiseSdHu == 0) {
            return;
        }
        Affine a = ctGrid.indexToPatient();
        int idx = 0;
        for (int k = 0; k < ctGrid.nz(); k++) {
            for (int j = 0; j < ctGrid.ny(); j++) {
                for (int i = 0; i < ctGrid.nx(); i++, idx++) {
                    if (hu[idx] <= -1000) {
                        continue;
                    }
                    Vec3 p = a.apply(i, j, k);
                    // the position rounded to 1/16 mm keys the noise, so flipped storage of the same CT agrees
                    long h = noiseSeed * 0x9E3779B97F4A7C15L;
                    h = mix(h ^ Math.round(p.x() * 16));
                    h = mix(h ^ Math.round(p.y() * 16));
                    h = mix(h ^ Math.round(p.z() * 16));
                    double u1 = ((h >>> 11) + 1) * 0x1.0p-53;
                    double u2 = (mix(h) >>> 11) * 0x1.0p-53;
                    double g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                    hu[idx] = (short) Math.max(-1024, Math.min(3000, Math.round(hu[idx] + noiseSdHu * g)));
                }
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static boolean isBone(String name) {
        return name.startsWith("vertebrae") || name.startsWith("rib") || name.startsWith("hip")
                || name.startsWith("femur") || name.equals("sacrum") || name.equals("skull") || name.equals("sternum")
                || name.startsWith("humerus") || name.startsWith("clavicula") || name.startsWith("scapula");
    }

    private void fillBody(short[] hu) {
        Affine a = ctGrid.indexToPatient();
        int idx = 0;
        for (int k = 0; k < ctGrid.nz(); k++) {
            for (int j = 0; j < ctGrid.ny(); j++) {
                for (int i = 0; i < ctGrid.nx(); i++, idx++) {
                    hu[idx] = body == null || body.contains(a.apply(i, j, k)) ? BODY_HU : -1000;
                }
            }
        }
    }

    private float[] dose() {
        float[] gy = new float[doseGrid.voxelCount()];
        Affine a = doseGrid.indexToPatient();
        int idx = 0;
        for (int k = 0; k < doseGrid.nz(); k++) {
            for (int j = 0; j < doseGrid.ny(); j++) {
                for (int i = 0; i < doseGrid.nx(); i++, idx++) {
                    Vec3 p = a.apply(i, j, k);
                    double d = 0;
                    for (Target t : targets) {
                        double out = t.shape.distanceOutside(p);
                        double v = out <= 0 ? t.peakGy : t.peakGy * Math.exp(-out * out / (2 * t.sigmaMm * t.sigmaMm));
                        d = Math.max(d, v);
                    }
                    gy[idx] = (float) d;
                }
            }
        }
        return gy;
    }

    private interface VoxelSink {
        void accept(int index);
    }

    /** Calls {@code sink} for every voxel whose centre lies in {@code shape}. */
    private static void rasterize(ImageGrid g, Shape shape, VoxelSink sink) {
        Affine toIndex = g.patientToIndex();
        Affine toPatient = g.indexToPatient();
        Vec3 lo = shape.min(), hi = shape.max();
        double[] min = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int c = 0; c < 8; c++) {
            Vec3 q = toIndex.apply((c & 1) == 0 ? lo.x() : hi.x(), (c & 2) == 0 ? lo.y() : hi.y(),
                    (c & 4) == 0 ? lo.z() : hi.z());
            double[] v = {q.x(), q.y(), q.z()};
            for (int d = 0; d < 3; d++) {
                min[d] = Math.min(min[d], v[d]);
                max[d] = Math.max(max[d], v[d]);
            }
        }
        int i0 = Math.max(0, (int) Math.floor(min[0])), i1 = Math.min(g.nx() - 1, (int) Math.ceil(max[0]));
        int j0 = Math.max(0, (int) Math.floor(min[1])), j1 = Math.min(g.ny() - 1, (int) Math.ceil(max[1]));
        int k0 = Math.max(0, (int) Math.floor(min[2])), k1 = Math.min(g.nz() - 1, (int) Math.ceil(max[2]));
        for (int k = k0; k <= k1; k++) {
            for (int j = j0; j <= j1; j++) {
                for (int i = i0; i <= i1; i++) {
                    if (shape.contains(toPatient.apply(i, j, k))) {
                        sink.accept(g.index(i, j, k));
                    }
                }
            }
        }
    }
}
