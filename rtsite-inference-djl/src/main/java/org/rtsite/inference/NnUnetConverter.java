package org.rtsite.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rtsite.core.InvalidInputException;

/**
 * Builds a {@link ModelSpec} from an nnU-Net v2 results folder's {@code plans.json} and {@code dataset.json},
 * reading them as nnU-Net's PlansManager/ConfigurationManager do: the configuration (following
 * {@code inherits_from}), its {@code patch_size} and {@code spacing} (already in the network's transposed
 * axis order), {@code normalization_schemes} (only CTNormalization is supported) with the foreground intensity
 * properties of channel 0, {@code transpose_forward}, and the label names of dataset.json.
 */
public final class NnUnetConverter {
    /** Which patient direction each array axis of an image reader grows toward, before nnU-Net's transpose. */
    private static final Map<String, String> READER_AXES = Map.of(
            "NibabelIOWithReorient", "RAS");

    private NnUnetConverter() {
    }

    /** Options nnU-Net takes from the trainer or the predictor rather than from the plans. */
    public record Options(String task, String networkFile, String configuration, List<Integer> mirrorAxes,
                          double tileStep, Set<Integer> auxiliaryLabels, String readerAxisOrder) {
        public Options {
            mirrorAxes = mirrorAxes == null ? List.of() : List.copyOf(mirrorAxes);
            auxiliaryLabels = auxiliaryLabels == null ? Set.of() : Set.copyOf(auxiliaryLabels);
        }

        /** TotalSegmentator's defaults: 3d_fullres, no test-time mirroring, step 0.5, no auxiliary labels. */
        public static Options totalSegmentator(String task, String networkFile) {
            return new Options(task, networkFile, "3d_fullres", List.of(), 0.5, Set.of(), null);
        }
    }

    public static ModelSpec convert(Path plansJson, Path datasetJson, Options options) {
        JsonNode plans = read(plansJson);
        JsonNode dataset = read(datasetJson);
        JsonNode config = configuration(plans, options.configuration(), plansJson);

        List<Integer> patch = ints(config, "patch_size", plansJson);
        List<Double> spacing = new ArrayList<>();
        for (JsonNode n : require(config, "spacing", plansJson)) {
            spacing.add(n.asDouble());
        }
        if (patch.size() != 3 || spacing.size() != 3) {
            throw new InvalidInputException(plansJson + ": configuration '" + options.configuration()
                    + "' is not 3-D (patch_size " + patch + ", spacing " + spacing + ")");
        }
        JsonNode schemes = require(config, "normalization_schemes", plansJson);
        if (schemes.size() != 1 || !"CTNormalization".equals(schemes.get(0).asText())) {
            throw new InvalidInputException(plansJson + ": normalization_schemes " + schemes
                    + " — rtsite supports one CT channel with CTNormalization");
        }
        JsonNode props = require(require(plans, "foreground_intensity_properties_per_channel", plansJson), "0", plansJson);
        ModelSpec.CtNormalization norm = new ModelSpec.CtNormalization(
                number(props, "percentile_00_5", plansJson), number(props, "percentile_99_5", plansJson),
                number(props, "mean", plansJson), number(props, "std", plansJson));

        String reader = plans.path("image_reader_writer").asText("");
        String base = options.readerAxisOrder() != null ? options.readerAxisOrder() : READER_AXES.get(reader);
        if (base == null) {
            throw new InvalidInputException(plansJson + ": image_reader_writer '" + reader
                    + "' has no known axis order; pass the reader's axis order (e.g. RAS) explicitly");
        }
        PatientAxes.parse(base);
        List<Integer> transpose = plans.has("transpose_forward") ? ints(plans, "transpose_forward", plansJson) : List.of(0, 1, 2);
        StringBuilder axisOrder = new StringBuilder();
        for (int t : transpose) {
            if (t < 0 || t > 2) {
                throw new InvalidInputException(plansJson + ": transpose_forward " + transpose + " is not a permutation of 0,1,2");
            }
            axisOrder.append(base.charAt(t));
        }

        TreeMap<Integer, String> labels = new TreeMap<>();
        int maxLabel = 0;
        JsonNode labelNode = require(dataset, "labels", datasetJson);
        for (Iterator<Map.Entry<String, JsonNode>> it = labelNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isInt()) {
                throw new InvalidInputException(datasetJson + ": label '" + e.getKey() + "' is " + e.getValue()
                        + " — region-based (list) labels are not supported");
            }
            int v = e.getValue().asInt();
            maxLabel = Math.max(maxLabel, v);
            if (v != 0) {
                if (labels.put(v, e.getKey()) != null) {
                    throw new InvalidInputException(datasetJson + ": label value " + v + " is used twice");
                }
            }
        }
        try {
            return new ModelSpec(options.task(), options.networkFile(), null, maxLabel + 1, labels,
                    options.auxiliaryLabels(), spacing, patch, axisOrder.toString(), norm, options.tileStep(), true,
                    options.mirrorAxes(), false, 0, null, null);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(plansJson + " / " + datasetJson + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode configuration(JsonNode plans, String name, Path file) {
        JsonNode configs = require(plans, "configurations", file);
        JsonNode c = configs.get(name);
        if (c == null) {
            List<String> names = new ArrayList<>();
            configs.fieldNames().forEachRemaining(names::add);
            throw new InvalidInputException(file + " has no configuration '" + name + "' (it has " + names + ")");
        }
        // nnU-Net's ConfigurationManager: a configuration overrides the keys of the one it inherits from
        if (c.has("inherits_from")) {
            ObjectNode merged = (ObjectNode) configuration(plans, c.get("inherits_from").asText(), file).deepCopy();
            merged.setAll((ObjectNode) c);
            return merged;
        }
        return c;
    }

    private static JsonNode read(Path file) {
        try {
            return ModelPackage.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode require(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidInputException(file + " lacks '" + field + "'");
        }
        return v;
    }

    private static double number(JsonNode node, String field, Path file) {
        JsonNode v = require(node, field, file);
        if (!v.isNumber()) {
            throw new InvalidInputException(file + ": '" + field + "' is " + v + ", not a number");
        }
        return v.asDouble();
    }

    private static List<Integer> ints(JsonNode node, String field, Path file) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : require(node, field, file)) {
            if (!n.isInt()) {
                throw new InvalidInputException(file + ": '" + field + "' holds " + n + ", not an integer");
            }
            out.add(n.asInt());
        }
        return out;
    }
}
