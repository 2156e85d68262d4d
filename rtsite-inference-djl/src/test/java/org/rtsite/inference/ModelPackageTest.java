package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.volume.CtVolume;

class ModelPackageTest {

    private static Path zip(Path dir, Path zip, String prefix) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String f : new String[] {"rtsite-model.json", "model.pt", "model.onnx"}) {
                z.putNextEntry(new ZipEntry(prefix + f));
                Files.copy(dir.resolve(f), z);
                z.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void aZippedPackageSegmentsLikeItsDirectoryAndCleansUp(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.tinyPackage(tmp.resolve("dir"), s -> s);
        Path zip = zip(dir, tmp.resolve("tiny.zip"), "tiny/");
        CtVolume ct = Fixtures.phantom(Fixtures.axialGrid());
        byte[] fromDir;
        try (DjlSegmenter s = DjlSegmenter.open(List.of(dir), 1)) {
            fromDir = s.segment(ct).labelMaps().get(0).labels();
        }
        Path extracted;
        try (ModelPackage p = ModelPackage.open(zip)) {
            extracted = p.directory();
            assertTrue(Files.isRegularFile(p.networkFile()));
            assertEquals("tiny", p.spec().task());
        }
        assertFalse(Files.exists(extracted), "the temporary copy of a zipped package must be deleted on close");
        try (DjlSegmenter s = DjlSegmenter.open(List.of(zip), 1)) {
            assertTrue(java.util.Arrays.equals(fromDir, s.segment(ct).labelMaps().get(0).labels()));
        }
    }

    @Test
    void specRoundTripsThroughJson(@TempDir Path tmp) {
        ModelSpec spec = Fixtures.tinySpec();
        ModelPackage.writeSpec(spec, tmp);
        assertEquals(spec, JsonRead.read(tmp));
    }

    @Test
    void brokenPackagesNameTheFileAndTheProblem(@TempDir Path tmp) throws IOException {
        Path missingNet = Fixtures.tinyPackage(tmp.resolve("a"), s -> s.withNetwork("other.onnx"));
        InvalidInputException e1 = assertThrows(InvalidInputException.class, () -> ModelPackage.open(missingNet));
        assertTrue(e1.getMessage().contains("other.onnx") && e1.getMessage().contains("rtsite-model.json"), e1.getMessage());

        Path badJson = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(badJson.resolve("rtsite-model.json"), "{ \"task\": \"x\", \"network\": ");
        InvalidInputException e2 = assertThrows(InvalidInputException.class, () -> ModelPackage.open(badJson));
        assertTrue(e2.getMessage().contains(badJson.resolve("rtsite-model.json").toString()), e2.getMessage());

        Path badSpacing = Files.createDirectories(tmp.resolve("c"));
        Files.writeString(badSpacing.resolve("rtsite-model.json"), Files.readString(Fixtures.resource("tiny/rtsite-model.json"))
                .replace("[ 3.0, 3.0, 3.0 ]", "[ 3.0, -1.0, 3.0 ]"));
        InvalidInputException e3 = assertThrows(InvalidInputException.class, () -> ModelPackage.open(badSpacing));
        assertTrue(e3.getMessage().contains("targetSpacing") && e3.getMessage().contains("-1.0"), e3.getMessage());

        Path notZip = Files.writeString(tmp.resolve("model.zip"), "not a zip");
        InvalidInputException e4 = assertThrows(InvalidInputException.class, () -> ModelPackage.open(notZip));
        assertTrue(e4.getMessage().contains(notZip.toString()), e4.getMessage());

        InvalidInputException e5 = assertThrows(InvalidInputException.class, () -> ModelPackage.open(tmp.resolve("nowhere")));
        assertTrue(e5.getMessage().contains("nowhere"), e5.getMessage());
    }

    /** Reads a spec the way a package does, without requiring the network file. */
    private static final class JsonRead {
        static ModelSpec read(Path dir) {
            try {
                return ModelPackage.JSON.readValue(dir.resolve(ModelPackage.SPEC_FILE).toFile(), ModelSpec.class);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
