package org.rtsite.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomAnatomy;
import org.rtsite.core.phantom.PhantomBuilder;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.volume.LabelMap;

/**
 * Training data for the phantom network (models/phantom-total-*): randomized phantoms
 * ({@link PhantomAnatomy#addRandomizedTo}) on the scenes' 4 × 4 × 3 mm CT grid, z-slabs of random
 * extent, resampled to the network grid by rtsite's own pipeline ({@link Resampling}, as
 * {@link DjlSegmenter} does at inference), with ground-truth labels rasterized on the network grid.
 *
 * <pre>java -cp ... org.rtsite.inference.PhantomTraining OUT_DIR COUNT FIRST_SEED</pre>
 *
 * Writes {@code sNNN.img.f32} (normalized CT, little-endian float32), {@code sNNN.lab.u8} (class per
 * voxel), C order over the tensor axes 0, 1, 2, and {@code dataset.json} with the shapes, the classes,
 * spacing, axis order and normalization, which the training script copies into rtsite-model.json.
 */
public final class PhantomTraining {

    /** The network's classes (channel 1..n), TotalSegmentator names; lungs are the union of their lobes. */
    public static final List<String> CLASSES = List.of("brain", "lung_left", "lung_right", "liver", "spleen",
            "kidney_left", "kidney_right", "urinary_bladder");
    static final String AXIS_ORDER = "RAS";
    static final double SPACING_MM = 3.0;
    static final ModelSpec.CtNormalization NORMALIZATION = new ModelSpec.CtNormalization(-1000, 400, 0, 60);

    private PhantomTraining() {
    }

    /** The class of a phantom organ, 0 for organs the network does not learn. */
    static int classOf(String totalName) {
        if (totalName.startsWith("lung_") && totalName.endsWith("_left")) {
            return CLASSES.indexOf("lung_left") + 1;
        }
        if (totalName.startsWith("lung_") && totalName.endsWith("_right")) {
            return CLASSES.indexOf("lung_right") + 1;
        }
        return CLASSES.indexOf(totalName) + 1;
    }

    /** The ground truth in the network's classes from a phantom's {@code total} label map. */
    static byte[] classes(LabelMap total) {
        int[] lut = new int[256];
        total.names().forEach((label, name) -> lut[label] = classOf(name));
        byte[] in = total.labels();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (byte) lut[in[i] & 0xFF];
        }
        return out;
    }

    static LabelMap total(PhantomPlan p) {
        return p.masks().labelMaps().stream().filter(m -> m.task().equals("total")).findFirst().orElseThrow();
    }

    /** The scenes' CT grid (4 × 4 × 3 mm, 101 × 66 voxels) from {@code zMin} to {@code zMax}, shifted by a sub-voxel offset. */
    static ImageGrid ctGrid(double zMin, double zMax, Vec3 offset) {
        int nz = (int) Math.round((zMax - zMin) / 3.0) + 1;
        return ImageGrid.axial(101, 66, nz, 4, 4, 3, new Vec3(-200, -130, zMin).plus(offset));
    }

    static ImageGrid networkGrid(ImageGrid ct) {
        return Resampling.networkGrid(ct, PatientAxes.parse(AXIS_ORDER), new double[] {SPACING_MM, SPACING_MM, SPACING_MM});
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: PhantomTraining OUT_DIR COUNT FIRST_SEED");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long firstSeed = Long.parseLong(args[2]);
        Files.createDirectories(out);
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            long seed = firstSeed + s;
            SplittableRandom r = new SplittableRandom(seed * 31 + 7);
            double length = r.nextDouble(120, 420);
            double zMin = r.nextDouble(-300, 700 - length);
            ImageGrid ct = ctGrid(zMin, zMin + length, new Vec3(r.nextDouble(-2, 2), r.nextDouble(-2, 2), r.nextDouble(-1.5, 1.5)));
            ImageGrid net = networkGrid(ct);
            PhantomPlan plan = PhantomAnatomy.addRandomizedTo(new PhantomBuilder(ct), seed).build("train-" + seed);
            float[] image = Resampling.sampleNormalized(plan.ct(), net, NORMALIZATION);
            byte[] labels = classes(total(PhantomAnatomy.addRandomizedTo(new PhantomBuilder(net).noise(seed, 0), seed)
                    .build("truth-" + seed)));
            String name = String.format("s%03d", s);
            writeFloats(out.resolve(name + ".img.f32"), image);
            Files.write(out.resolve(name + ".lab.u8"), labels);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("seed", seed);
            m.put("shape", List.of(net.nz(), net.ny(), net.nx()));
            m.put("zMinMm", zMin);
            m.put("zMaxMm", zMin + length);
            samples.add(m);
            System.out.printf("%s seed %d shape %d×%d×%d z %.0f..%.0f%n", name, seed, net.nz(), net.ny(), net.nx(), zMin, zMin + length);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            labels.put(String.valueOf(c + 1), CLASSES.get(c));
        }
        header.put("labels", labels);
        header.put("targetSpacing", List.of(SPACING_MM, SPACING_MM, SPACING_MM));
        header.put("axisOrder", AXIS_ORDER);
        header.put("normalization", NORMALIZATION);
        header.put("byteOrder", "little-endian; C order over tensor axes 0, 1, 2");
        header.put("samples", samples);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("dataset.json").toFile(), header);
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer b = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                b.putFloat(values[i]);
                if (!b.hasRemaining()) {
                    os.write(b.array(), 0, b.position());
                    b.clear();
                }
            }
            os.write(b.array(), 0, b.position());
        }
    }
}
