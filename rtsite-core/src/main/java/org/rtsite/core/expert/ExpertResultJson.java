package org.rtsite.core.expert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.result.SiteResultJson;

/** {@link ExpertResult} ↔ JSON: the site result under {@code site}, the measurements beside it. */
public final class ExpertResultJson {

    private static final ObjectMapper MAPPER = SiteResultJson.newMapper();

    private ExpertResultJson() {
    }

    public static String write(ExpertResult result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new RtsiteException("cannot write expert result as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static ExpertResult read(String json) {
        try {
            ExpertResult r = MAPPER.readValue(json, ExpertResult.class);
            if (r == null || r.site() == null) {
                throw new InvalidInputException("expert result JSON has no 'site' object");
            }
            // The nested site result carries the schema version: check it the way SiteResultJson does.
            SiteResultJson.read(MAPPER.writeValueAsString(r.site()));
            return r;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a valid expert result JSON: " + e.getOriginalMessage(), e);
        }
    }
}
