package org.rtsite.inference;

import ai.djl.inference.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;

/**
 * Not a test: where a package's classes fall on a quick-start scene's phantom, for finding why a scene is mislabelled
 * (docs/finetune.md, "A sixth attempt"). Segments the scene's CT between ZMIN and ZMAX (the classifier's crop, as the
 * result's {@code crop.zMinMm}/{@code zMaxMm} give it) with {@link DjlSegmenter} and prints, per predicted class, its
 * voxels, extent and the phantom's own organs under them; then runs the one network window centred on the crop's
 * network image (zero-padded as inference pads) and prints, per bone organ of the phantom, the mean softmax of every
 * class above 0.03 over its voxels.
 *
 * <pre>SceneSegmentationProbe PACKAGE SCENE ZMIN ZMAX</pre>
 */
public final class SceneSegmentationProbe {
    private SceneSegmentationProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path pkgPath = Path.of(args[0]);
        PhantomPlan plan = PhantomScene.parse(args[1]).build();
        double zMin = Double.parseDouble(args[2]);
        double zMax = Double.parseDouble(args[3]);
        ImageGrid g = plan.ct().grid();
        int k0 = -1;
        int k1 = -1;
        for (int k = 0; k < g.nz(); k++) {
            double z = g.toPatient(0, 0, k).z();
            if (z >= zMin - 0.01 && k0 < 0) {
                k0 = k;
            }
            if (z <= zMax + 0.01) {
                k1 = k + 1;
            }
        }
        ImageGrid cg = g.sub(new IndexBox(0, 0, k0, g.nx(), g.ny(), k1));
        int from = g.index(0, 0, k0);
        int to = g.index(0, 0, k1 - 1) + g.nx() * g.ny();
        CtVolume ct = new CtVolume(cg, Arrays.copyOfRange(plan.ct().hu(), from, to));
        LabelMap truth = plan.masks().labelMaps().stream().filter(m -> m.task().equals("total")).findFirst().orElseThrow();
        byte[] truthCrop = Arrays.copyOfRange(truth.labels(), from, to);
        System.out.printf(Locale.ROOT, "%s, crop z %.0f..%.0f (%d slices)%n", args[1], zMin, zMax, k1 - k0);
        try (DjlSegmenter s = DjlSegmenter.open(List.of(pkgPath), 1)) {
            LabelMap pred = s.segment(ct).labelMaps().get(0);
            Map<String, Map<String, Integer>> under = new TreeMap<>();
            Map<String, double[]> box = new TreeMap<>();
            byte[] p = pred.labels();
            for (int k = 0; k < cg.nz(); k++) {
                for (int j = 0; j < cg.ny(); j++) {
                    for (int i = 0; i < cg.nx(); i++) {
                        int idx = cg.index(i, j, k);
                        int pv = p[idx] & 0xff;
                        if (pv == 0) {
                            continue;
                        }
                        String pn = pred.names().get(pv);
                        int tv = truthCrop[idx] & 0xff;
                        under.computeIfAbsent(pn, x -> new TreeMap<>()).merge(tv == 0 ? "-" : truth.names().get(tv), 1, Integer::sum);
                        Vec3 q = cg.toPatient(i, j, k);
                        double[] b = box.computeIfAbsent(pn, x -> new double[] {1e9, -1e9, 1e9, -1e9, 1e9, -1e9});
                        b[0] = Math.min(b[0], q.x());
                        b[1] = Math.max(b[1], q.x());
                        b[2] = Math.min(b[2], q.y());
                        b[3] = Math.max(b[3], q.y());
                        b[4] = Math.min(b[4], q.z());
                        b[5] = Math.max(b[5], q.z());
                    }
                }
            }
            for (Map.Entry<String, Map<String, Integer>> e : under.entrySet()) {
                double[] b = box.get(e.getKey());
                List<Map.Entry<String, Integer>> l = new ArrayList<>(e.getValue().entrySet());
                l.sort((x, y) -> y.getValue() - x.getValue());
                int total = l.stream().mapToInt(Map.Entry::getValue).sum();
                System.out.printf(Locale.ROOT, "predicted %-16s %6d  x %4.0f..%4.0f y %4.0f..%4.0f z %4.0f..%4.0f  on %s%n",
                        e.getKey(), total, b[0], b[1], b[2], b[3], b[4], b[5], l.subList(0, Math.min(6, l.size())));
            }
        }
        try (ModelPackage pkg = ModelPackage.open(pkgPath)) {
            softmaxOnBones(pkg, ct, cg, truthCrop, truth.names());
        }
    }

    private static void softmaxOnBones(ModelPackage pkg, CtVolume ct, ImageGrid cg, byte[] truthCrop, Map<Integer, String> names)
            throws Exception {
        ModelSpec spec = pkg.spec();
        NetworkImage img = NetworkImage.of(spec, ct);
        byte[] t = img.labelsFrom(truthCrop, cg);
        int[] d = img.dims();
        int[] p = spec.patchSize().stream().mapToInt(Integer::intValue).toArray();
        int[] o = new int[3];
        for (int a = 0; a < 3; a++) {
            o[a] = (d[a] - p[a]) / 2;
        }
        // the image voxel under each window voxel, -1 where the window lies in inference's zero padding
        int[] under = new int[p[0] * p[1] * p[2]];
        for (int x = 0; x < p[0]; x++) {
            for (int y = 0; y < p[1]; y++) {
                for (int z = 0; z < p[2]; z++) {
                    int xx = o[0] + x;
                    int yy = o[1] + y;
                    int zz = o[2] + z;
                    boolean inside = xx >= 0 && yy >= 0 && zz >= 0 && xx < d[0] && yy < d[1] && zz < d[2];
                    under[(x * p[1] + y) * p[2] + z] = inside ? (xx * d[1] + yy) * d[2] + zz : -1;
                }
            }
        }
        float[] w = new float[under.length];
        for (int i = 0; i < under.length; i++) {
            if (under[i] >= 0) {
                w[i] = img.image()[under[i]];
            }
        }
        int classes = spec.numClasses();
        Map<String, double[]> sum = new TreeMap<>();
        Map<String, Integer> count = new TreeMap<>();
        try (Network net = new Network(pkg.networkFile(), spec.engine(), p, classes);
             Predictor<float[], float[]> predictor = net.newPredictor()) {
            float[] logits = predictor.predict(w);
            int n = w.length;
            for (int idx = 0; idx < n; idx++) {
                if (under[idx] < 0) {
                    continue;
                }
                int tv = t[under[idx]] & 0xff;
                String tn = tv == 0 ? null : names.get(tv);
                if (tn == null || !(tn.startsWith("hip") || tn.startsWith("femur") || tn.startsWith("vertebrae")
                        || tn.equals("sacrum") || tn.startsWith("humerus"))) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[c * n + idx]);
                }
                double[] e = new double[classes];
                double total = 0;
                for (int c = 0; c < classes; c++) {
                    e[c] = Math.exp(logits[c * n + idx] - max);
                    total += e[c];
                }
                double[] acc = sum.computeIfAbsent(tn, k -> new double[classes]);
                for (int c = 0; c < classes; c++) {
                    acc[c] += e[c] / total;
                }
                count.merge(tn, 1, Integer::sum);
            }
        }
        System.out.println("centred window at " + Arrays.toString(o) + " of network image " + Arrays.toString(d) + ": mean softmax");
        for (Map.Entry<String, double[]> e : sum.entrySet()) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < classes; c++) {
                double v = e.getValue()[c] / count.get(e.getKey());
                if (v > 0.03) {
                    sb.append(String.format(Locale.ROOT, " %s %.2f", c == 0 ? "background" : spec.labels().get(c), v));
                }
            }
            System.out.printf(Locale.ROOT, "  on %-16s (%5d voxels):%s%n", e.getKey(), count.get(e.getKey()), sb);
        }
    }
}
