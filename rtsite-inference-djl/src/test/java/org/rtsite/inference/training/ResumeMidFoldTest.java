package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rtsite.inference.training.FineTuneTest.PATCH;
import static org.rtsite.inference.training.FineTuneTest.batchImage;
import static org.rtsite.inference.training.FineTuneTest.batchLabels;
import static org.rtsite.inference.training.FineTuneTest.cases;
import static org.rtsite.inference.training.FineTuneTest.log;
import static org.rtsite.inference.training.FineTuneTest.tiny;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.inference.ModelPackage;

/** A network restored from a checkpoint (its file and Adam state) keeps training: its steps change its weights. */
class ResumeMidFoldTest {
    @Test
    void aRestoredNetworkStillLearns(@TempDir Path tmp) {
        try (ModelPackage p = ModelPackage.open(tiny())) {
            NetworkCase c = cases(new FineTuner(p, FineTuneOptions.defaults(), log()), 1).get(0);
            float[] img = batchImage(c, 5);
            byte[] lab = batchLabels(c, 5);
            float[] w = {1, 1, 1};
            try (TrainableNetwork net = new TrainableNetwork(p.networkFile(), 3, 1)) {
                for (int s = 0; s < 3; s++) {
                    net.trainStep(img, lab, 1, PATCH, w, 1e-2);
                }
                net.save(tmp.resolve("ck.pt"));
                net.saveOptimizer(tmp.resolve("ck.adam"));
            }
            try (TrainableNetwork restored = new TrainableNetwork(tmp.resolve("ck.pt"), 3, 1)) {
                restored.loadOptimizer(tmp.resolve("ck.adam"));
                float[] before = restored.logits(img, PATCH);
                restored.trainStep(img, lab, 1, PATCH, w, 1e-2);
                float[] after = restored.logits(img, PATCH);
                double change = 0;
                for (int i = 0; i < before.length; i++) {
                    change = Math.max(change, Math.abs(after[i] - before[i]));
                }
                assertTrue(change > 1e-4, "a step of the restored network changed its logits by at most " + change);
            }
        }
    }
}
