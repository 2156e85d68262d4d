package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.inference.DjlSegmenter;
import org.rtsite.inference.training.FineTuner;
import org.rtsite.inference.training.TrainingRecord;

/**
 * {@code rtsite finetune} on cases pydicom writes (src/test/resources/.../finetune_case.py: a CT series and an RTSTRUCT
 * whose 'Liver' and 'Skull' are drawn 6 mm larger than the CT shows them), fine-tuning the tiny test network of
 * rtsite-inference-djl for two epochs of two folds: a user's run in miniature.
 */
class FinetuneCommandTest {
    static final Path TINY = Path.of("../rtsite-inference-djl/src/test/resources/tiny");

    @TempDir
    Path dir;

    private Path cases(int n) throws Exception {
        Path script = dir.resolve("finetune_case.py");
        Files.copy(FinetuneCommandTest.class.getResourceAsStream("finetune_case.py"), script);
        StringBuilder csv = new StringBuilder("case_id,ct,reference\n");
        for (int i = 0; i < n; i++) {
            String id = "p" + (i + 1);
            CliProcess.tool("/usr/bin/python3", script.toString(), dir.resolve(id).toString(), String.valueOf(2 * i - 2), "6");
            csv.append(id).append(',').append(id).append("/ct,").append(id).append("/rtstruct.dcm\n");
        }
        Path file = dir.resolve("cases.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void fineTunesOnDicomCasesAndWritesAPackageTheSegmenterRuns() throws Exception {
        assumeTrue(CliProcess.pydicomAvailable(), "pydicom (scripts/setup.sh)");
        Path csv = cases(4);
        Path out = dir.resolve("tuned");
        CliRun r = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", out.toString(),
                "--epochs", "2", "--folds", "2", "--batch", "2", "--lr", "3e-3", "--dice-weight", "0.5", "--focus", "skull:3",
                "--edge-reach", "0.25");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("case p1: [liver, skull]"), r.out());
        assertTrue(r.out().contains("fold 2/2 epoch 2/2"), r.out());
        assertTrue(r.out().contains("validation loss"), r.out());
        TrainingRecord rec = FineTuner.read(out.resolve("training.json"));
        assertEquals(List.of("p1", "p2", "p3", "p4"), rec.cases().stream().map(TrainingRecord.CaseEntry::id).toList());
        assertEquals(4, rec.epochs().size());
        assertEquals(2, rec.initialValidationLoss().size());
        assertTrue(rec.chosenEpoch() >= 1 && rec.chosenEpoch() <= 2);
        assertTrue(rec.cases().stream().allMatch(c -> c.classVoxels().get(1) > 0 && c.classVoxels().get(2) > 0), rec.cases().toString());
        assertEquals(3e-3, rec.options().learningRate(), 0);
        assertEquals(0.5, rec.options().diceWeight(), 0);
        assertEquals(Map.of("skull", 3.0), rec.options().focus());
        assertEquals(0.25, rec.options().edgeReach(), 0);

        CtVolume ct = CtSeriesReader.defaults().readDirectory(dir.resolve("p1/ct")).volume();
        try (DjlSegmenter seg = DjlSegmenter.open(List.of(out), 1)) {
            LabelMap m = seg.segment(ct).labelMaps().get(0);
            assertEquals("tiny", m.task());
            assertEquals(List.of("liver", "skull"), List.copyOf(m.names().values()));
        }

        CliRun again = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", out.toString(), "--epochs", "2", "--folds", "2");
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("already holds a model package"), again.err());
    }

    @Test
    void badCasesAreNamed() throws IOException {
        Path csv = dir.resolve("cases.csv");
        Files.writeString(csv, "case_id,ct,reference\na,missing-ct,missing.dcm\n");
        CliRun r = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("case a: CT " + dir.resolve("missing-ct") + " does not exist"), r.err());
        Files.writeString(csv, "case_id,ct\n");
        CliRun h = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, h.exit());
        assertTrue(h.err().contains("header must be case_id,ct,reference"), h.err());
        CliRun w = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString(),
                "--class-weights", "heavy");
        assertEquals(2, w.exit());
        assertTrue(w.err().contains("--class-weights: 'heavy'"), w.err());
        CliRun f = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString(),
                "--focus", "thyroid_gland:4");
        assertEquals(2, f.exit());
        assertTrue(f.err().contains("focus on class 'thyroid_gland': the network has no such class (its classes: [liver, skull])"), f.err());
        CliRun g = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString(),
                "--focus", "skull");
        assertEquals(2, g.exit());
        assertTrue(g.err().contains("--focus skull: expected NAME:WEIGHT"), g.err());
        CliRun e = CliRun.of("finetune", "-m", TINY.toString(), "-c", csv.toString(), "-o", dir.resolve("o").toString(),
                "--edge-reach", "0.75");
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("edge reach must be a share of the patch in [0, 0.5], got 0.75"), e.err());
    }
}
