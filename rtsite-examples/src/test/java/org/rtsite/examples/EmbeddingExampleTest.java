package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

class EmbeddingExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeExampleRunsAndPrintsTheLabels() {
        String out = run();
        assertTrue(out.startsWith("[Abdomen, Thorax] by V85_OVERLAP"), out);
        assertTrue(out.contains("liver") && out.contains("lung_lower_lobe_right"), out);
    }

    /** The README's one-plan-from-folder example on a plan written as DICOM files. */
    @Test
    void folderExampleClassifiesTheDicomPlan() {
        PhantomArchive.write(dir, List.of(PhantomScene.LIVER_SBRT));
        String out = run(dir.resolve(PhantomScene.LIVER_SBRT.cliName()).toString());
        assertEquals(PhantomScene.LIVER_SBRT.expectedLabels().stream().map(r -> r.label()).toList()
                + " by " + PhantomScene.LIVER_SBRT.expectedRule(), out.strip());
    }

    /** The README's archive example: every plan stored, progress ending at the total. */
    @Test
    void archiveExampleClassifiesEveryPlan() {
        List<PhantomScene> scenes = List.of(PhantomScene.PROSTATE, PhantomScene.WHOLE_BRAIN, PhantomScene.LIVER_SBRT);
        PhantomArchive.write(dir.resolve("archive"), scenes);
        String out = run(dir.resolve("archive").toString(), dir.resolve("index.db").toString());
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size(), out);
        assertTrue(lines.get(2).startsWith("3/3 "), out);
        for (PhantomScene s : scenes) {
            String labels = s.expectedLabels().stream().map(r -> r.label()).toList().toString();
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" " + labels)), s + " " + out);
        }
        assertEquals("3 classified, 0 failed, 0 already stored", lines.get(3));
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            EmbeddingExample.main(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
