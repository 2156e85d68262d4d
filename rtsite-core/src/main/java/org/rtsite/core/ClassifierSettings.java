package org.rtsite.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.result.SiteResultJson;

/**
 * The classifier's thresholds and tree policy as one JSON file (written by {@code rtsite
 * calibrate}, loaded by {@code SiteClassifier.builder().settings(ClassifierSettings.load(path))}):
 *
 * <pre>
 * { "settingsVersion": 1,
 *   "config": { "overlapThreshold": 0.001, "dominanceThreshold": 0.85, ... },   // every field optional
 *   "policy": { "landmark": "C7_THEN_THYROID", "useV50": true },                   // optional
 *   "calibration": { ... }                                                        // ignored when loading
 * }
 * </pre>
 *
 * Missing fields take the paper's defaults; unknown fields are ignored.
 */
public record ClassifierSettings(ClassifierConfig config, DecisionPolicy policy) {

    public static final int SETTINGS_VERSION = 1;
    private static final ObjectMapper MAPPER = SiteResultJson.newMapper();

    public ClassifierSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(policy, "policy");
    }

    public static ClassifierSettings defaults() {
        return new ClassifierSettings(ClassifierConfig.defaults(), DecisionPolicy.defaults());
    }

    /**
     * @throws InvalidInputException naming the file and the field when it cannot be read or a value is invalid
     */
    public static ClassifierSettings load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read classifier settings " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static ClassifierSettings parse(String json, String sourceName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(sourceName + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(sourceName + ": expected a JSON object");
        }
        JsonNode version = root.get("settingsVersion");
        if (version != null && version.asInt() != SETTINGS_VERSION) {
            throw new InvalidInputException(sourceName + ": settingsVersion " + version + ", this library reads "
                    + SETTINGS_VERSION);
        }
        ClassifierConfig d = ClassifierConfig.defaults();
        JsonNode c = root.path("config");
        DecisionPolicy p = DecisionPolicy.defaults();
        JsonNode pn = root.path("policy");
        try {
            ClassifierConfig config = new ClassifierConfig(
                    number(c, "overlapThreshold", d.overlapThreshold(), sourceName),
                    number(c, "dominanceThreshold", d.dominanceThreshold(), sourceName),
                    number(c, "brainDiceThreshold", d.brainDiceThreshold(), sourceName),
                    c.has("comMode") ? org.rtsite.core.decision.ComMode.valueOf(c.get("comMode").asText()) : d.comMode(),
                    c.has("volumeScope") ? org.rtsite.core.decision.VolumeScope.valueOf(c.get("volumeScope").asText())
                            : d.volumeScope(),
                    number(c, "cropDoseFraction", d.cropDoseFraction(), sourceName),
                    (int) integer(c, "cropMarginSlices", d.cropMarginSlices(), sourceName),
                    number(c, "minCropLengthMm", d.minCropLengthMm(), sourceName));
            DecisionPolicy policy = new DecisionPolicy(
                    pn.has("landmark") ? DecisionPolicy.Landmark.valueOf(pn.get("landmark").asText()) : p.landmark(),
                    pn.has("useV50") ? pn.get("useV50").asBoolean() : p.useV50());
            return new ClassifierSettings(config, policy);
        } catch (IllegalArgumentException | InvalidInputException e) { // valueOf, and the records' own checks
            if (e.getMessage() != null && e.getMessage().startsWith(sourceName + ": ")) {
                throw e; // number() and integer() name the file already
            }
            throw new InvalidInputException(sourceName + ": " + e.getMessage(), e);
        }
    }

    private static long integer(JsonNode node, String field, long fallback, String sourceName) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber()) {
            throw new InvalidInputException(sourceName + ": config." + field + " must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static double number(JsonNode node, String field, double fallback, String sourceName) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new InvalidInputException(sourceName + ": config." + field + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** The settings as JSON, with {@code extra} (e.g. the calibration report) under "calibration" when not null. */
    public String toJson(JsonNode extra) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("settingsVersion", SETTINGS_VERSION);
        root.set("config", MAPPER.valueToTree(config));
        root.set("policy", MAPPER.valueToTree(policy));
        if (extra != null) {
            root.set("calibration", extra);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new RtsiteException("cannot write classifier settings: " + e.getOriginalMessage(), e);
        }
    }

    public void write(Path file, JsonNode extra) {
        try {
            Files.writeString(file, toJson(extra), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write classifier settings " + file, e);
        }
    }
}
