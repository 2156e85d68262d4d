package org.rtsite.eval.calibrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.eval.labels.Proportion;

/** The calibration report as the JSON block stored beside the chosen settings ("calibration"). */
public final class CalibrationJson {

    private static final ObjectMapper MAPPER = SiteResultJson.newMapper();

    private CalibrationJson() {
    }

    public static ObjectNode summary(CalibrationReport r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("plans", r.plans());
        n.put("candidates", r.candidates());
        n.put("folds", r.folds());
        n.put("seed", r.seed());
        n.set("heldOutExact", proportion(r.heldOutExact()));
        n.put("meanTrainExact", r.meanTrainExact());
        n.set("chosenExactOnAllPlans", proportion(r.chosenExact()));
        n.set("paperExact", proportion(r.paperExact()));
        n.put("unresolvedProximity", r.unresolvedProximity());
        ArrayNode folds = n.putArray("foldResults");
        for (CalibrationReport.FoldResult f : r.foldResults()) {
            ObjectNode o = folds.addObject();
            o.put("fold", f.fold());
            o.set("chosen", settings(f.chosen()));
            o.set("trainExact", proportion(f.trainExact()));
            o.set("heldOutExact", proportion(f.heldOutExact()));
        }
        return n;
    }

    private static ObjectNode settings(ClassifierSettings s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("overlapThreshold", s.config().overlapThreshold());
        o.put("dominanceThreshold", s.config().dominanceThreshold());
        o.put("brainDiceThreshold", s.config().brainDiceThreshold());
        o.put("landmark", s.policy().landmark().name());
        o.put("useV50", s.policy().useV50());
        return o;
    }

    private static ObjectNode proportion(Proportion p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("successes", p.successes());
        o.put("n", p.n());
        o.put("estimate", p.estimate());
        o.putArray("wilson95").add(p.wilson().lower()).add(p.wilson().upper());
        o.putArray("wald95").add(p.wald().lower()).add(p.wald().upper());
        return o;
    }
}
