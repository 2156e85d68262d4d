package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.volume.CtVolume;

/** Native memory of windows must be released: resident memory stays bounded over many predictions. */
class MemoryTest {

    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void hundredConsecutivePredictionsDoNotGrowResidentMemory(@TempDir Path tmp) throws IOException {
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        for (String network : new String[] {"model.pt", "model.onnx"}) {
            Path pkg = Fixtures.tinyPackage(tmp.resolve(network), s -> s.withNetwork(network));
            try (DjlSegmenter seg = DjlSegmenter.open(List.of(pkg), 2)) {
                for (int i = 0; i < 20; i++) {
                    seg.segment(ct);
                }
                System.gc();
                long before = residentKb();
                for (int i = 0; i < 100; i++) {
                    seg.segment(ct);
                }
                System.gc();
                long after = residentKb();
                // each prediction runs 27 windows of 16³ → 3 × 16³ logits; a leak of even the window outputs
                // alone would add 100 × 27 × 64 KB ≈ 170 MB
                assertTrue(after - before < 48 * 1024, network + ": resident memory grew from " + before + " kB to "
                        + after + " kB over 100 predictions");
            }
        }
    }
}
