package org.rtsite.inference.training;

import ai.djl.inference.Predictor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.inference.ModelPackage;
import org.rtsite.inference.ModelSpec;
import org.rtsite.inference.Network;

/**
 * Run in a fresh JVM by {@link FineTuneTest}: loads a package the way inference does ({@link ModelPackage},
 * {@link Network}) and writes the logits of one window and the labels {@link DjlSegmenter} gives a CT.
 *
 * <pre>FineTuneProbe PACKAGE WINDOW_IN LOGITS_OUT LABELS_OUT</pre>
 */
public final class FineTuneProbe {
    private FineTuneProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path pkg = Path.of(args[0]);
        float[] window = readFloats(Path.of(args[1]));
        try (ModelPackage p = ModelPackage.open(pkg)) {
            ModelSpec s = p.spec();
            int[] patch = s.patchSize().stream().mapToInt(Integer::intValue).toArray();
            try (Network n = new Network(p.networkFile(), s.engine(), patch, s.numClasses());
                 Predictor<float[], float[]> pred = n.newPredictor()) {
                writeFloats(Path.of(args[2]), pred.predict(window));
            }
        }
        try (DjlSegmenter seg = DjlSegmenter.open(java.util.List.of(pkg), 1)) {
            Files.write(Path.of(args[3]), seg.segment(FineTuneTest.phantomCt()).labelMaps().get(0).labels());
        }
    }

    static float[] readFloats(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            float[] v = new float[in.readInt()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readFloat();
            }
            return v;
        }
    }

    static void writeFloats(Path file, float[] v) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(v.length);
            for (float f : v) {
                out.writeFloat(f);
            }
        }
    }
}
