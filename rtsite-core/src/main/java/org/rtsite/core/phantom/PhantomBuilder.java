package org.rtsite.core.phantom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * binary masks), a CT with a water body and bone, and a dose of flat-topped targets with Gaussian
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

    /** The body outline: water inside, air outside (default: everything water). */
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
                boolean bone = isBone(p.name);
                rasterize(ctGrid, p.shape, idx -> {
                    labels[idx] = (byte) label;
                    if (bone) {
                        hu[idx] = 700;
                    }
                });
            }
            maps.add(new LabelMap(e.getKey(), ctGrid, labels, TotalSegmentatorLabels.of(e.getKey())));
        }
        List<BinaryMask> binary = new ArrayList<>();
        for (Placed p : masks) {
            long[] bits = BinaryMask.bitsFor(ctGrid);
            rasterize(ctGrid, p.shape, idx -> BinaryMask.set(bits, idx));
            binary.add(new BinaryMask(p.name, ctGrid, bits));
        }
        return new PhantomPlan(name, new CtVolume(ctGrid, hu), new DoseVolume(doseGrid, dose()),
                new OrganMasks(ctGrid, maps, binary));
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
                    hu[idx] = (short) (body == null || body.contains(a.apply(i, j, k)) ? 0 : -1000);
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
