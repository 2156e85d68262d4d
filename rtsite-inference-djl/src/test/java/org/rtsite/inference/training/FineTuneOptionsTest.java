package org.rtsite.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

class FineTuneOptionsTest {

    /** Each {@code with…} sets its own option to the value given and leaves every other option as it was. */
    @Test
    void eachWithChangesItsOwnOptionOnly() throws ReflectiveOperationException {
        Map<String, UnaryOperator<FineTuneOptions>> withs = new LinkedHashMap<>();
        withs.put("epochs", o -> o.withEpochs(7));
        withs.put("batchSize", o -> o.withBatchSize(3));
        withs.put("learningRate", o -> o.withLearningRate(2.5e-4));
        withs.put("learningRateDecay", o -> o.withLearningRateDecay(0.97));
        withs.put("folds", o -> o.withFolds(3));
        withs.put("patchesPerCase", o -> o.withPatchesPerCase(6));
        withs.put("validationPatches", o -> o.withValidationPatches(5));
        withs.put("patchSize", o -> o.withPatchSize(List.of(112, 64, 48)));
        withs.put("foregroundFraction", o -> o.withForegroundFraction(0.5));
        withs.put("weighting", o -> o.withWeighting(ClassWeights.Weighting.values()[0] == o.weighting()
                ? ClassWeights.Weighting.values()[1] : ClassWeights.Weighting.values()[0]));
        withs.put("classWeights", o -> o.withClassWeights(List.of(0.2, 1.0)));
        withs.put("seed", o -> o.withSeed(71));
        withs.put("microBatch", o -> o.withMicroBatch(2));
        withs.put("diceWeight", o -> o.withDiceWeight(1.0));
        withs.put("focus", o -> o.withFocus(Map.of("vertebrae_L4", 6.0)));
        withs.put("edgeReach", o -> o.withEdgeReach(0.125));

        FineTuneOptions base = FineTuneOptions.defaults();
        RecordComponent[] components = FineTuneOptions.class.getRecordComponents();
        assertEquals(components.length, withs.size(), "one with… per option");
        for (Map.Entry<String, UnaryOperator<FineTuneOptions>> w : withs.entrySet()) {
            FineTuneOptions changed = w.getValue().apply(base);
            for (RecordComponent c : components) {
                Object before = c.getAccessor().invoke(base);
                Object after = c.getAccessor().invoke(changed);
                if (c.getName().equals(w.getKey())) {
                    assertTrue(!Objects.equals(before, after), w.getKey() + " not changed by its with…");
                } else {
                    assertEquals(before, after, c.getName() + " changed by the with… of " + w.getKey());
                }
            }
        }
    }

    @Test
    void aWithIsCheckedAsTheConstructorIs() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> FineTuneOptions.defaults().withEdgeReach(0.75));
        assertTrue(e.getMessage().contains("0.75"), e.getMessage());
    }
}
