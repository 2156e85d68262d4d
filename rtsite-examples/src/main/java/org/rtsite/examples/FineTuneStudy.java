package org.rtsite.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomAnatomy;
import org.rtsite.core.phantom.PhantomBuilder;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.training.ClassMapping;
import org.rtsite.nifti.Nifti;

/**
 * The second seed paper's study in miniature (docs/finetune.md; run by rtsite-benchmarks/scripts/finetune-study.sh,
 * not in CI). {@code cohorts} writes three cohorts of randomized phantoms as NIfTI: a training set and an ExVal set
 * from "our" scanner (the phantom network's CT grid and noise), contoured with a local protocol that draws the
 * abdominal and pelvic organs with a 4 mm in-plane margin, and a GenEva set from "another scanner" (5 mm slices,
 * 4× the noise, a different HU calibration) with the same protocol. {@code predict} segments ExVal and GenEva with
 * the vendor-pretrained model (VPM) and the locally fine-tuned one (LFT) and writes segeval's cases files.
 * {@code organs} writes training cases for a package with more classes than the phantom network (the widened one,
 * docs/finetune.md "New classes"): randomized phantoms over z-slabs of random extent anywhere from the knees to the
 * vertex, "our" scanner, every organ drawn exactly as the phantom has it and labelled in the package's classes; if the
 * package has a class {@value #OTHER_BONES}, every bone of the phantom without a class of its own is labelled with it.
 *
 * <pre>FineTuneStudy cohorts OUT TRAIN EXVAL GENEVA
 * FineTuneStudy predict OUT VPM_PACKAGE LFT_PACKAGE
 * FineTuneStudy organs OUT PACKAGE COUNT FIRST_SEED [CENTRE_Z_MIN CENTRE_Z_MAX]</pre>
 */
public final class FineTuneStudy {
    /** Organs the local protocol draws with a margin. */
    static final List<String> MARGIN_ORGANS = List.of("liver", "spleen", "kidney_left", "kidney_right", "urinary_bladder");
    /** The phantom's lung lobes are one class per side in the phantom network. */
    static final Map<String, String> LOBES = Map.of("lung_upper_lobe_left", "lung_left", "lung_lower_lobe_left", "lung_left",
            "lung_upper_lobe_right", "lung_right", "lung_middle_lobe_right", "lung_right", "lung_lower_lobe_right", "lung_right");
    /**
     * One class for the phantom's bones that have no class of their own (the other vertebrae, sacrum, humeri, ...): a name
     * the region dictionary does not know, so it counts for no region. Without it those bone cylinders are background in
     * training and look locally like a femur (docs/finetune.md, "New classes").
     */
    static final String OTHER_BONES = "other_bones";
    static final double Z_MIN = -90;
    static final double Z_MAX = 180;

    private FineTuneStudy() {
    }

    /** A scanner: slice spacing, noise, HU calibration (HU' = slope·HU + intercept). */
    record Scanner(String name, double dz, double noiseSdHu, double slope, double intercept) {
    }

    static final Scanner OURS = new Scanner("ours", 3, PhantomBuilder.DEFAULT_NOISE_SD_HU, 1, 0);
    static final Scanner OTHER = new Scanner("other", 5, 20, 1.04, 25);

    public static void main(String[] args) {
        if (args.length == 5 && args[0].equals("cohorts")) {
            Path out = Path.of(args[1]);
            SortedMap<Integer, String> labels = labels();
            writeLabelTable(out, labels);
            cohort(out, "train", Integer.parseInt(args[2]), 5000, OURS, labels, true);
            cohort(out, "exval", Integer.parseInt(args[3]), 6000, OURS, labels, false);
            cohort(out, "geneva", Integer.parseInt(args[4]), 7000, OTHER, labels, false);
        } else if (args.length == 4 && args[0].equals("predict")) {
            Path out = Path.of(args[1]);
            for (String cohort : List.of("exval", "geneva")) {
                predict(out, cohort, Path.of(args[2]), Path.of(args[3]));
            }
        } else if ((args.length == 5 || args.length == 7) && args[0].equals("organs")) {
            Path out = Path.of(args[1]);
            SortedMap<Integer, String> labels;
            try (ModelPackage p = ModelPackage.open(Path.of(args[2]))) {
                labels = p.spec().labels();
            }
            writeLabelTable(out, labels);
            double lo = args.length == 7 ? Double.parseDouble(args[5]) : BODY_Z_MIN;
            double hi = args.length == 7 ? Double.parseDouble(args[6]) : BODY_Z_MAX;
            organCohort(out, Integer.parseInt(args[3]), Long.parseLong(args[4]), lo, hi, labels);
        } else {
            throw new InvalidInputException("usage: FineTuneStudy cohorts OUT TRAIN EXVAL GENEVA | predict OUT VPM_PACKAGE LFT_PACKAGE"
                    + " | organs OUT PACKAGE COUNT FIRST_SEED [CENTRE_Z_MIN CENTRE_Z_MAX]");
        }
    }

    private static SortedMap<Integer, String> labels() {
        try (ModelPackage p = ModelPackage.open(Path.of("models/phantom-total-pt"))) {
            return p.spec().labels();
        }
    }

    private static void writeLabelTable(Path out, SortedMap<Integer, String> labels) {
        StringBuilder sb = new StringBuilder("value,name\n");
        labels.forEach((v, n) -> sb.append(v).append(',').append(n).append('\n'));
        write(out.resolve("labels.csv"), sb.toString());
    }

    private static void cohort(Path out, String name, int count, long firstSeed, Scanner scanner, SortedMap<Integer, String> labels,
                               boolean training) {
        ClassMapping mapping = ClassMapping.of(labels, LOBES, RegionDictionary.defaults());
        StringBuilder csv = new StringBuilder(training ? "case_id,ct,reference\n" : "");
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            String id = String.format(Locale.ROOT, "%s%02d", name, i + 1);
            // the scenes' in-plane grid, a sub-voxel offset per case, the scanner's slice spacing
            Vec3 offset = new Vec3((seed % 7) * 0.5 - 1.5, (seed % 5) * 0.6 - 1.2, (seed % 3) * 0.7 - 0.7);
            int nz = (int) Math.round((Z_MAX - Z_MIN) / scanner.dz()) + 1;
            ImageGrid grid = ImageGrid.axial(101, 66, nz, 4, 4, scanner.dz(), new Vec3(-200, -130, Z_MIN).plus(offset));
            PhantomPlan plan = PhantomAnatomy.addRandomizedTo(new PhantomBuilder(grid).noise(seed, scanner.noiseSdHu()), seed)
                    .build(id);
            short[] hu = plan.ct().hu().clone();
            for (int v = 0; v < hu.length; v++) {
                hu[v] = (short) Math.max(-1024, Math.min(3071, Math.round(scanner.slope() * hu[v] + scanner.intercept())));
            }
            byte[] reference = localProtocol(mapping.classes(plan.masks(), new ArrayList<>()), grid, labels);
            Path dir = out.resolve(name).resolve(id);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new RtsiteIOException("cannot create " + dir, e);
            }
            Nifti.write(dir.resolve("ct.nii.gz"), grid, hu);
            Nifti.writeLabelMap(dir.resolve("reference.nii.gz"), new LabelMap("reference", grid, reference, labels));
            if (training) {
                csv.append(id).append(',').append(name).append('/').append(id).append("/ct.nii.gz,").append(name).append('/')
                        .append(id).append("/reference.nii.gz\n");
            }
            System.out.printf("%s: seed %d, %s scanner, %d slices%n", id, seed, scanner.name(), nz);
        }
        if (training) {
            write(out.resolve(name + ".csv"), csv.toString());
        }
    }

    /** Lowest and highest z of the organ cohort's slabs: the femurs' lower ends to the brain's top. */
    static final double BODY_Z_MIN = -470;
    static final double BODY_Z_MAX = 690;

    /**
     * {@code count} cases, seeds from {@code firstSeed}: a z-slab 100-360 mm long (the scenes' crops are 100-260 mm)
     * centred anywhere in [{@code centreMin}, {@code centreMax}] (by default the body, [{@value #BODY_Z_MIN},
     * {@value #BODY_Z_MAX}]) and kept inside the body, the scenes' in-plane grid, a sub-voxel offset. The cases file is
     * {@code organs-SEED.csv} (several cohorts can share {@code OUT}).
     */
    private static void organCohort(Path out, int count, long firstSeed, double centreMin, double centreMax,
                                    SortedMap<Integer, String> labels) {
        ClassMapping mapping = ClassMapping.of(labels, organMapping(labels), RegionDictionary.defaults());
        StringBuilder csv = new StringBuilder("case_id,ct,reference\n");
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 31 + 11);
            double length = r.nextDouble(100, 360);
            // centre uniform over the body, slab kept inside it: the ends (brain, femurs) are covered as often as the middle
            double zMin = Math.max(BODY_Z_MIN, Math.min(BODY_Z_MAX - length, r.nextDouble(centreMin, centreMax) - length / 2));
            Vec3 offset = new Vec3(r.nextDouble(-2, 2), r.nextDouble(-2, 2), r.nextDouble(-1.5, 1.5));
            int nz = (int) Math.round(length / OURS.dz()) + 1;
            ImageGrid grid = ImageGrid.axial(101, 66, nz, 4, 4, OURS.dz(), new Vec3(-200, -130, zMin).plus(offset));
            String id = String.format(Locale.ROOT, "organs%d", seed);
            PhantomPlan plan = PhantomAnatomy.addRandomizedTo(new PhantomBuilder(grid).noise(seed, OURS.noiseSdHu()), seed).build(id);
            byte[] reference = mapping.classes(plan.masks(), new ArrayList<>());
            Path dir = out.resolve("organs").resolve(id);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new RtsiteIOException("cannot create " + dir, e);
            }
            Nifti.write(dir.resolve("ct.nii.gz"), grid, plan.ct().hu());
            Nifti.writeLabelMap(dir.resolve("reference.nii.gz"), new LabelMap("reference", grid, reference, labels));
            csv.append(id).append(",organs/").append(id).append("/ct.nii.gz,organs/").append(id).append("/reference.nii.gz\n");
            System.out.printf(Locale.ROOT, "%s: seed %d, z %.0f..%.0f, %d slices%n", id, seed, zMin, zMin + length, nz);
        }
        write(out.resolve("organs-" + firstSeed + ".csv"), csv.toString());
    }

    /** The lobes to their lungs and, if the package has {@value #OTHER_BONES}, every phantom bone without a class of its own to it. */
    static Map<String, String> organMapping(SortedMap<Integer, String> labels) {
        Map<String, String> explicit = new java.util.HashMap<>(LOBES);
        if (labels.containsValue(OTHER_BONES)) {
            for (PhantomAnatomy.Organ o : PhantomAnatomy.organs()) {
                // the phantom draws bone, and only bone, at 700 HU
                if (PhantomBuilder.tissueHu(o.name()) == 700 && !labels.containsValue(o.name())) {
                    explicit.put(o.name(), OTHER_BONES);
                }
            }
        }
        return explicit;
    }

    /** The local protocol: the margin organs grown by one voxel (4 mm) in-plane into background. */
    static byte[] localProtocol(byte[] classes, ImageGrid g, SortedMap<Integer, String> labels) {
        boolean[] grow = new boolean[256];
        labels.forEach((v, n) -> grow[v] = MARGIN_ORGANS.contains(n));
        byte[] out = classes.clone();
        int nx = g.nx(), ny = g.ny();
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int v = g.index(i, j, k);
                    if (classes[v] != 0) {
                        continue;
                    }
                    int[][] nb = {{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}};
                    for (int[] n : nb) {
                        if (n[0] >= 0 && n[0] < nx && n[1] >= 0 && n[1] < ny) {
                            int c = classes[g.index(n[0], n[1], k)] & 0xFF;
                            if (grow[c]) {
                                out[v] = (byte) c;
                                break;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void predict(Path out, String cohort, Path vpm, Path lft) {
        StringBuilder csv = new StringBuilder("case_id,reference,VPM,LFT\n");
        List<Path> cases;
        try (var s = Files.list(out.resolve(cohort))) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list " + out.resolve(cohort), e);
        }
        try (DjlSegmenter a = DjlSegmenter.open(List.of(vpm), 1); DjlSegmenter b = DjlSegmenter.open(List.of(lft), 1)) {
            for (Path dir : cases) {
                CtVolume ct = FinetuneCommand.readCt(dir.getFileName().toString(), dir.resolve("ct.nii.gz"));
                long t0 = System.nanoTime();
                Nifti.writeLabelMap(dir.resolve("vpm.nii.gz"), a.segment(ct).labelMaps().get(0));
                long t1 = System.nanoTime();
                Nifti.writeLabelMap(dir.resolve("lft.nii.gz"), b.segment(ct).labelMaps().get(0));
                long t2 = System.nanoTime();
                String id = dir.getFileName().toString();
                csv.append(id).append(',').append(cohort).append('/').append(id).append("/reference.nii.gz,")
                        .append(cohort).append('/').append(id).append("/vpm.nii.gz,").append(cohort).append('/').append(id)
                        .append("/lft.nii.gz\n");
                System.out.printf(Locale.ROOT, "%s: VPM %.1f s, LFT %.1f s%n", id, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            }
        }
        write(out.resolve(cohort + "-cases.csv"), csv.toString());
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + file, e);
        }
    }
}
