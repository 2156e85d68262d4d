package org.rtsite.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.RtsiteException;

/**
 * A plan bundle as it travels from stage 2 to stage 3: JSON text (the linkage report's own Jackson
 * form), a Parquet string column that a curator can also read.
 */
final class BundleCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private BundleCodec() {
    }

    static String write(PlanBundle b) {
        try {
            return MAPPER.writeValueAsString(b);
        } catch (JsonProcessingException e) {
            throw new RtsiteException("plan bundle of " + b.planFile() + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    static PlanBundle read(String json) {
        try {
            return MAPPER.readValue(json, PlanBundle.class);
        } catch (JsonProcessingException e) {
            throw new RtsiteException("stored plan bundle cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
