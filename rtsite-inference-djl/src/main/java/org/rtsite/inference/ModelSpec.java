package org.rtsite.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.rtsite.core.InvalidInputException;

/**
 * The contents of a model package's {@code rtsite-model.json}: everything rtsite needs to run one
 * exported nnU-Net v2 network the way nnU-Net runs it.
 *
 * @param task           segmentation task, e.g. {@code total}; becomes the label map's task name
 * @param network        file name of the exported network inside the package ({@code .pt} = TorchScript, {@code .onnx} = ONNX)
 * @param engine         DJL engine; {@code null} means chosen by the network file's extension
 * @param numClasses     output channels of the network, background included
 * @param labels         output channel → TotalSegmentator structure name (background 0 not listed)
 * @param auxiliaryLabels channels the network predicts only to help training; set to background
 * @param targetSpacing  voxel spacing in mm along the network's three spatial axes
 * @param patchSize      sliding-window size in voxels along the network's three spatial axes
 * @param axisOrder      three letters (of R/L, A/P, S/I), the patient direction in which each
 *                       spatial tensor axis grows; the last varies fastest. nnU-Net's NibabelIOWithReorient gives {@code RAS}
 * @param normalization  nnU-Net's CTNormalization parameters
 * @param tileStep       window step as a fraction of the patch (nnU-Net default 0.5)
 * @param gaussian       Gaussian importance weighting of windows (sigma = patch/8)
 * @param mirrorAxes     spatial axes (0..2) for test-time mirroring; empty for none
 * @param consensus      combine windows by majority vote of their argmax instead of summed logits
 * @param minComponentMm3 connected components (6-neighbourhood) of one label smaller than this are removed; 0 = keep all
 * @param crop           run only on a crop around structures found by an earlier task; {@code null} = whole CT
 * @param requires       run only if an earlier task found a structure; {@code null} = always
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(
        String task,
        String network,
        String engine,
        int numClasses,
        SortedMap<Integer, String> labels,
        Set<Integer> auxiliaryLabels,
        List<Double> targetSpacing,
        List<Integer> patchSize,
        String axisOrder,
        CtNormalization normalization,
        double tileStep,
        boolean gaussian,
        List<Integer> mirrorAxes,
        boolean consensus,
        double minComponentMm3,
        Crop crop,
        Requirement requires) {

    public static final String PYTORCH = "PyTorch";
    public static final String ONNX_RUNTIME = "OnnxRuntime";

    /** nnU-Net's CTNormalization: clip to the foreground percentiles, subtract the mean, divide by the std. */
    public record CtNormalization(
            @JsonProperty("clipLow") double clipLow,
            @JsonProperty("clipHigh") double clipHigh,
            @JsonProperty("mean") double mean,
            @JsonProperty("std") double std) {
        public CtNormalization {
            if (!Double.isFinite(clipLow) || !Double.isFinite(clipHigh) || clipLow > clipHigh) {
                throw new InvalidInputException("normalization clip range [" + clipLow + ", " + clipHigh + "] is not a finite range");
            }
            if (!Double.isFinite(mean) || !Double.isFinite(std) || std < 0) {
                throw new InvalidInputException("normalization mean " + mean + " / std " + std + " must be finite, std ≥ 0");
            }
        }

        /** One HU value as the network sees it; nnU-Net guards the std with 1e-8. */
        public float apply(double hu) {
            double v = Math.min(Math.max(hu, clipLow), clipHigh);
            return (float) ((v - mean) / Math.max(std, 1e-8));
        }
    }

    /**
     * TotalSegmentator's crop: run on the bounding box of {@code structures} (exact names) in the label map of
     * {@code task}, grown by {@code marginMm} on every side; skipped (empty map) when they are absent.
     */
    public record Crop(String task, List<String> structures, double marginMm) {
        public Crop {
            Objects.requireNonNull(task, "crop.task");
            structures = List.copyOf(structures);
            if (structures.isEmpty() || !(marginMm >= 0)) {
                throw new InvalidInputException("crop needs structures and a margin ≥ 0 mm, got " + structures + ", " + marginMm);
            }
        }
    }

    /** Run only if any structure of {@code task} whose name matches the regular expression {@code pattern} is non-empty. */
    public record Requirement(String task, String pattern) {
        public Requirement {
            Objects.requireNonNull(task, "requires.task");
            Objects.requireNonNull(pattern, "requires.pattern");
        }
    }

    public ModelSpec {
        if (task == null || task.isBlank()) {
            throw new InvalidInputException("model spec has no task name");
        }
        if (network == null || network.isBlank() || network.contains("/") || network.contains("\\")) {
            throw new InvalidInputException("task '" + task + "': network must be a plain file name in the package, got '" + network + "'");
        }
        String byFile = engineForFile(network);
        if (engine == null) {
            engine = byFile;
        }
        if (engine == null) {
            throw new InvalidInputException("task '" + task + "': cannot tell the engine from network file '" + network
                    + "' (expected .pt/.torchscript or .onnx, or an explicit engine)");
        }
        if (!engine.equals(PYTORCH) && !engine.equals(ONNX_RUNTIME)) {
            throw new InvalidInputException("task '" + task + "': engine '" + engine + "' is not " + PYTORCH + " or " + ONNX_RUNTIME);
        }
        if (numClasses < 2 || numClasses > 256) {
            throw new InvalidInputException("task '" + task + "': numClasses " + numClasses + " is outside 2..256");
        }
        labels = new TreeMap<>(Objects.requireNonNull(labels, "task '" + task + "': labels"));
        for (Map.Entry<Integer, String> e : labels.entrySet()) {
            if (e.getKey() < 1 || e.getKey() >= numClasses) {
                throw new InvalidInputException("task '" + task + "': label " + e.getKey() + " (" + e.getValue()
                        + ") is outside 1.." + (numClasses - 1));
            }
        }
        auxiliaryLabels = auxiliaryLabels == null ? Set.of() : Set.copyOf(new TreeSet<>(auxiliaryLabels));
        for (int a : auxiliaryLabels) {
            if (a < 1 || a >= numClasses) {
                throw new InvalidInputException("task '" + task + "': auxiliary label " + a + " is outside 1.." + (numClasses - 1));
            }
        }
        targetSpacing = List.copyOf(Objects.requireNonNull(targetSpacing, "task '" + task + "': targetSpacing"));
        if (targetSpacing.size() != 3 || targetSpacing.stream().anyMatch(s -> !(s > 0) || !Double.isFinite(s))) {
            throw new InvalidInputException("task '" + task + "': targetSpacing must be 3 positive mm, got " + targetSpacing);
        }
        patchSize = List.copyOf(Objects.requireNonNull(patchSize, "task '" + task + "': patchSize"));
        if (patchSize.size() != 3 || patchSize.stream().anyMatch(p -> p < 1)) {
            throw new InvalidInputException("task '" + task + "': patchSize must be 3 positive voxel counts, got " + patchSize);
        }
        axisOrder = axisOrder == null ? "RAS" : axisOrder.toUpperCase(Locale.ROOT);
        PatientAxes.parse(axisOrder);
        Objects.requireNonNull(normalization, "task '" + task + "': normalization");
        if (!(tileStep > 0) || tileStep > 1) {
            throw new InvalidInputException("task '" + task + "': tileStep " + tileStep + " is outside (0, 1]");
        }
        mirrorAxes = mirrorAxes == null ? List.of() : List.copyOf(new TreeSet<>(mirrorAxes));
        for (int a : mirrorAxes) {
            if (a < 0 || a > 2) {
                throw new InvalidInputException("task '" + task + "': mirror axis " + a + " is outside 0..2");
            }
        }
        if (!(minComponentMm3 >= 0) || !Double.isFinite(minComponentMm3)) {
            throw new InvalidInputException("task '" + task + "': minComponentMm3 " + minComponentMm3 + " must be ≥ 0");
        }
    }

    /** The engine a network file implies, or {@code null}. */
    public static String engineForFile(String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        if (f.endsWith(".pt") || f.endsWith(".torchscript") || f.endsWith(".pth")) {
            return PYTORCH;
        }
        if (f.endsWith(".onnx")) {
            return ONNX_RUNTIME;
        }
        return null;
    }

    /** The same network file and parameters with another patch size (used to compare windowing with a single pass). */
    public ModelSpec withPatchSize(List<Integer> patch) {
        return new ModelSpec(task, network, engine, numClasses, labels, auxiliaryLabels, targetSpacing, patch,
                axisOrder, normalization, tileStep, gaussian, mirrorAxes, consensus, minComponentMm3, crop, requires);
    }

    /** The same parameters for another network file (engine re-derived from its extension). */
    public ModelSpec withNetwork(String networkFile) {
        return new ModelSpec(task, networkFile, null, numClasses, labels, auxiliaryLabels, targetSpacing, patchSize,
                axisOrder, normalization, tileStep, gaussian, mirrorAxes, consensus, minComponentMm3, crop, requires);
    }

    /** Labels as the label map names them: auxiliary outputs dropped. */
    public SortedMap<Integer, String> outputLabels() {
        TreeMap<Integer, String> out = new TreeMap<>(labels);
        out.keySet().removeAll(auxiliaryLabels);
        return out;
    }
}
