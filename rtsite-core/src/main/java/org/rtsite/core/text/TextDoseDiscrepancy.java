package org.rtsite.core.text;

import java.util.List;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

/**
 * The per-plan comparison of the text baseline with the dose-based labels. A plan is flagged when
 * its words name at least one region and the dose-based primary region is none of them (or the
 * dose gave no label): such plans are where a curator should look first — a mislabelled plan, a
 * plan name copied from another patient, or a dose-based error.
 *
 * @param flagged     true when text and dose disagree as above
 * @param status      {@code AGREE}, {@code DISAGREE} or {@code NO_TEXT_EVIDENCE}
 * @param textLabels  regions the words name
 * @param dosePrimary the dose-based primary region, or null
 * @param reason      in words
 */
public record TextDoseDiscrepancy(boolean flagged, String status, List<Region> textLabels, Region dosePrimary,
                                  String reason) {

    public TextDoseDiscrepancy {
        textLabels = List.copyOf(textLabels);
    }

    public static TextDoseDiscrepancy compare(TextSiteResult text, SiteResult dose) {
        return compare(text, dose.labels());
    }

    public static TextDoseDiscrepancy compare(TextSiteResult text, List<Region> doseLabels) {
        Region primary = doseLabels.isEmpty() ? null : doseLabels.get(0);
        if (text.labels().isEmpty()) {
            return new TextDoseDiscrepancy(false, "NO_TEXT_EVIDENCE", text.labels(), primary,
                    "no keyword in the plan label, plan name or target names");
        }
        if (primary != null && text.labels().contains(primary)) {
            return new TextDoseDiscrepancy(false, "AGREE", text.labels(), primary,
                    "dose primary " + primary.label() + " is named by the text " + text.evidence());
        }
        return new TextDoseDiscrepancy(true, "DISAGREE", text.labels(), primary,
                "text names " + text.labels() + " " + text.evidence() + " but the dose-based primary region is "
                        + (primary == null ? "none" : primary.label()));
    }
}
