package org.rtsite.core.result;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;

/**
 * {@link SiteResult} ↔ JSON (schema version {@link SiteResult#SCHEMA_VERSION}, documented in
 * docs/core.md). Only record components are written, under their own names, so the JSON is the
 * schema; readers ignore fields they do not know, so that minor additions stay compatible.
 */
public final class SiteResultJson {

    private static final ObjectMapper MAPPER = newMapper();

    private SiteResultJson() {
    }

    /** A mapper configured like the one rtsite uses, for callers that embed results in their own JSON. */
    public static ObjectMapper newMapper() {
        ObjectMapper m = new ObjectMapper();
        m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        m.setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY);
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        m.configure(SerializationFeature.INDENT_OUTPUT, true);
        return m;
    }

    public static String write(SiteResult result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new RtsiteException("cannot write site result as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @throws InvalidInputException when the text is not a site result of a schema version this
     *                               library reads
     */
    public static SiteResult read(String json) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            JsonNode version = tree == null ? null : tree.get("schemaVersion");
            if (version == null || version.asInt() != SiteResult.SCHEMA_VERSION) {
                throw new InvalidInputException("site result JSON has schemaVersion " + version
                        + "; this library reads version " + SiteResult.SCHEMA_VERSION);
            }
            return MAPPER.treeToValue(tree, SiteResult.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a valid site result JSON: " + e.getOriginalMessage(), e);
        }
    }
}
