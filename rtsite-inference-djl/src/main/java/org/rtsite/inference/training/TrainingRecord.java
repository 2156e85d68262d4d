package org.rtsite.inference.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a fine-tuning run did, written as {@value FineTuner#RECORD_FILE} into the new package (and, while the run
 * goes on, into its checkpoint folder, from which a resumed run continues).
 *
 * @param basePackage           the package fine-tuned
 * @param options               the recipe
 * @param patchSize             training patch (tensor axes 0, 1, 2)
 * @param classWeights          cross-entropy weight per channel, background first
 * @param cases                 training cases, their folds and what of their reference mapped to no class
 * @param initialValidationLoss per fold, the base network's validation loss (empty with one fold)
 * @param epochs                one line per fold and epoch, in training order
 * @param best                  per fold finished or under way, its epoch of lowest validation loss
 * @param checkpoint            the last completed epoch's state (while running; {@code null} once done)
 * @param chosenFold            fold whose model the package holds (0-based); {@code null} while running
 * @param chosenEpoch           epoch (1-based) of that model
 * @param chosenValidationLoss  its validation loss ({@code null} with one fold: the last epoch is kept)
 * @param engine                DJL engine and version
 * @param device                where training ran
 * @param trainSeconds          wall time of all epochs, resumed runs summed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingRecord(String basePackage, FineTuneOptions options, List<Integer> patchSize, List<Float> classWeights,
                             List<CaseEntry> cases, List<Double> initialValidationLoss, List<EpochLog> epochs,
                             List<FoldBest> best, Checkpoint checkpoint, Integer chosenFold, Integer chosenEpoch,
                             Double chosenValidationLoss, String engine, String device, double trainSeconds) {

    /** A training case, its fold (0-based) and the reference structures that mapped to no class. */
    public record CaseEntry(String id, int fold, List<Long> classVoxels, List<String> unmatched) {
    }

    /**
     * One epoch of one fold: mean training loss over its steps, validation loss on the held-out fold's fixed patches
     * ({@code null} with one fold), the learning rate it used.
     */
    public record EpochLog(int fold, int epoch, double learningRate, double trainLoss, Double validationLoss,
                           long adamSteps, double seconds) {
    }

    /** A fold's best epoch so far (the latest without validation) and the checkpoint file holding it. */
    public record FoldBest(int fold, int epoch, Double validationLoss, String file) {
    }

    /** Where a resumed run picks up: the fold under way, its last completed epoch, the network and optimizer files. */
    public record Checkpoint(int fold, int epoch, String network, String optimizer) {
    }

    TrainingRecord withDevice(String d) {
        return new TrainingRecord(basePackage, options, patchSize, classWeights, cases, initialValidationLoss, epochs, best,
                checkpoint, chosenFold, chosenEpoch, chosenValidationLoss, engine, d, trainSeconds);
    }

    TrainingRecord withInitialValidationLoss(List<Double> v) {
        return new TrainingRecord(basePackage, options, patchSize, classWeights, cases, v, epochs, best,
                checkpoint, chosenFold, chosenEpoch, chosenValidationLoss, engine, device, trainSeconds);
    }
}
