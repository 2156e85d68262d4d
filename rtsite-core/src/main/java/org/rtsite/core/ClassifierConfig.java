package org.rtsite.core;

import java.util.Objects;
import org.rtsite.core.decision.ComMode;
import org.rtsite.core.decision.VolumeScope;

/**
 * Every threshold and option of the classifier, immutable, with the paper's defaults
 * ({@link #defaults()}). Echoed in each {@code SiteResult} so that a result says how it was made.
 *
 * @param overlapThreshold   τ: organs with score ≤ τ take no part (0.001)
 * @param dominanceThreshold an organ with V85 score above this is dominant and skips step 2 (0.85)
 * @param brainDiceThreshold brain Dice(V85) above this → Cranial in step 2a (0.4)
 * @param comMode            CoM85 geometric (default) or dose-weighted
 * @param volumeScope        |O| for Dice inside the isodose box (default) or over the cropped CT
 * @param cropDoseFraction   the z-crop keeps slices spanned by dose ≥ this fraction of Dmax (0.5)
 * @param cropMarginSlices   slices added on each side of the z-crop (2)
 * @param minCropLengthMm    the z-crop is grown symmetrically to at least this length (100 mm)
 */
public record ClassifierConfig(double overlapThreshold, double dominanceThreshold, double brainDiceThreshold,
                               ComMode comMode, VolumeScope volumeScope, double cropDoseFraction,
                               int cropMarginSlices, double minCropLengthMm) {

    public ClassifierConfig {
        Objects.requireNonNull(comMode, "comMode");
        Objects.requireNonNull(volumeScope, "volumeScope");
        checkFraction("overlapThreshold", overlapThreshold);
        checkFraction("dominanceThreshold", dominanceThreshold);
        checkFraction("brainDiceThreshold", brainDiceThreshold);
        if (!(cropDoseFraction > 0 && cropDoseFraction <= 1)) {
            throw new InvalidInputException("cropDoseFraction must be in (0, 1], got " + cropDoseFraction);
        }
        if (cropMarginSlices < 0) {
            throw new InvalidInputException("cropMarginSlices must be >= 0, got " + cropMarginSlices);
        }
        if (!(minCropLengthMm >= 0) || !Double.isFinite(minCropLengthMm)) {
            throw new InvalidInputException("minCropLengthMm must be finite and >= 0, got " + minCropLengthMm);
        }
    }

    private static void checkFraction(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new InvalidInputException(name + " must be in [0, 1], got " + v);
        }
    }

    /** The paper's values (ALGORITHM.md §1–3). */
    public static ClassifierConfig defaults() {
        return new ClassifierConfig(0.001, 0.85, 0.4, ComMode.GEOMETRIC, VolumeScope.ISODOSE_BOX, 0.5, 2, 100.0);
    }

    public ClassifierConfig withOverlapThreshold(double v) {
        return new ClassifierConfig(v, dominanceThreshold, brainDiceThreshold, comMode, volumeScope,
                cropDoseFraction, cropMarginSlices, minCropLengthMm);
    }

    public ClassifierConfig withDominanceThreshold(double v) {
        return new ClassifierConfig(overlapThreshold, v, brainDiceThreshold, comMode, volumeScope,
                cropDoseFraction, cropMarginSlices, minCropLengthMm);
    }

    public ClassifierConfig withBrainDiceThreshold(double v) {
        return new ClassifierConfig(overlapThreshold, dominanceThreshold, v, comMode, volumeScope,
                cropDoseFraction, cropMarginSlices, minCropLengthMm);
    }

    public ClassifierConfig withComMode(ComMode v) {
        return new ClassifierConfig(overlapThreshold, dominanceThreshold, brainDiceThreshold, v, volumeScope,
                cropDoseFraction, cropMarginSlices, minCropLengthMm);
    }

    public ClassifierConfig withVolumeScope(VolumeScope v) {
        return new ClassifierConfig(overlapThreshold, dominanceThreshold, brainDiceThreshold, comMode, v,
                cropDoseFraction, cropMarginSlices, minCropLengthMm);
    }

    public ClassifierConfig withCrop(double doseFraction, int marginSlices, double minLengthMm) {
        return new ClassifierConfig(overlapThreshold, dominanceThreshold, brainDiceThreshold, comMode, volumeScope,
                doseFraction, marginSlices, minLengthMm);
    }
}
