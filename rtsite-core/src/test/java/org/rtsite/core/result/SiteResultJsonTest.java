package org.rtsite.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;

class SiteResultJsonTest {

    @Test
    void roundTripsEveryField() throws Exception {
        SiteResult r = SiteClassifier.builder().backend("cpu").build()
                .classify(PhantomScene.PELVIC_NODES.build().withMasks());
        String json = SiteResultJson.write(r);
        SiteResult back = SiteResultJson.read(json);
        assertEquals(r, back);
        assertEquals(json, SiteResultJson.write(back));

        JsonNode tree = SiteResultJson.newMapper().readTree(json);
        assertEquals(1, tree.get("schemaVersion").asInt());
        assertEquals("Pelvis", tree.get("labels").get(0).asText());
        assertEquals("V85_OVERLAP", tree.get("rule").asText());
        assertTrue(tree.get("organs").get(0).has("score85"));
        assertTrue(tree.get("isodoseBox").has("i0") && !tree.get("isodoseBox").has("empty"));
        assertTrue(tree.get("com85").has("z") && !tree.get("com85").has("finite"));
        assertEquals(0.001, tree.get("config").get("overlapThreshold").asDouble());
    }

    @Test
    void maskNotesRoundTripAndResultsWrittenBeforeThemReadAsEmpty() throws Exception {
        SiteResult r = SiteClassifier.builder().backend("cpu").build()
                .classify(PhantomScene.PROSTATE.build().withMasks());
        assertEquals(java.util.List.of(), r.maskNotes());
        SiteResult noted = r.withMaskNotes(java.util.List.of("NIfTI total.nii.gz re-indexed"));
        SiteResult back = SiteResultJson.read(SiteResultJson.write(noted));
        assertEquals(noted, back);
        assertEquals(java.util.List.of("NIfTI total.nii.gz re-indexed"), back.maskNotes());

        com.fasterxml.jackson.databind.node.ObjectNode old =
                (com.fasterxml.jackson.databind.node.ObjectNode) SiteResultJson.newMapper().readTree(SiteResultJson.write(r));
        old.remove("maskNotes");
        SiteResult read = SiteResultJson.read(old.toString());
        assertEquals(java.util.List.of(), read.maskNotes());
        assertEquals(r, read);
    }

    @Test
    void rejectsOtherSchemaVersionsAndGarbage() {
        var e = assertThrows(InvalidInputException.class, () -> SiteResultJson.read("{\"schemaVersion\": 99}"));
        assertTrue(e.getMessage().contains("schemaVersion 99"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> SiteResultJson.read("not json"));
    }

    /** Issue 15: the parser's own failure (with its line and column) stays the cause of the refusal. */
    @Test
    void aMalformedResultKeepsTheParsersFailureAsCause() {
        var e = assertThrows(InvalidInputException.class, () -> SiteResultJson.read("{\"schemaVersion\": 1, \"labels\": [}"));
        assertTrue(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException, String.valueOf(e.getCause()));
    }

    /**
     * Issue 15: calibrated settings change the tree's structure (landmark, V50), not only its thresholds;
     * the result records which policy made it, and the JSON keeps it. Results written before read as null.
     */
    @Test
    void theDecisionPolicyOfCalibratedSettingsIsRecorded() throws Exception {
        org.rtsite.core.decision.DecisionPolicy calibrated = new org.rtsite.core.decision.DecisionPolicy(
                org.rtsite.core.decision.DecisionPolicy.Landmark.THYROID_ONLY, false);
        SiteResult r = SiteClassifier.builder().backend("cpu")
                .settings(new org.rtsite.core.ClassifierSettings(org.rtsite.core.ClassifierConfig.defaults(), calibrated))
                .build().classify(PhantomScene.OROPHARYNX.build().withMasks());
        assertEquals(calibrated, r.policy());
        String json = SiteResultJson.write(r);
        JsonNode tree = SiteResultJson.newMapper().readTree(json);
        assertEquals("THYROID_ONLY", tree.get("policy").get("landmark").asText());
        assertEquals(false, tree.get("policy").get("useV50").asBoolean());
        assertEquals(calibrated, SiteResultJson.read(json).policy());
        assertEquals(calibrated, r.withMaskNotes(java.util.List.of("n")).policy());
        assertEquals(org.rtsite.core.decision.DecisionPolicy.defaults(),
                SiteClassifier.builder().backend("cpu").build().classify(PhantomScene.PROSTATE.build().withMasks()).policy());

        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) tree;
        old.remove("policy");
        assertEquals(null, SiteResultJson.read(old.toString()).policy());
    }
}
