package org.rtsite.core.result;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.decision.TraceStep;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;

/**
 * Everything rtsite decided about one plan, and every number behind it. Serialized by
 * {@link SiteResultJson} (schema in docs/core.md).
 *
 * @param schemaVersion   {@link #SCHEMA_VERSION}
 * @param labels          ranked regions, empty when rule NONE fired
 * @param rule            the rule that decided
 * @param trace           each decision step's inputs and outcome
 * @param dmaxGy          Dmax: maximum of the resampled, cropped dose (the isodose reference)
 * @param doseGridDmaxGy  maximum of the dose on its own grid (the z-crop reference)
 * @param level85Gy       0.85·Dmax
 * @param level50Gy       0.50·Dmax
 * @param v85Cc           volume of V85
 * @param v50Cc           volume of V50
 * @param com85           CoM85 used by the rules (geometric or dose-weighted, see config)
 * @param com85Geometric  the geometric centroid of V85
 * @param com85DoseWeighted the dose-weighted centroid of V85
 * @param crop            the z-crop on the CT grid
 * @param isodoseBox      the isodose box in CT grid indices
 * @param isodoseBoxCc    the box's volume
 * @param landmarks       hip top, C7 top, thyroid top
 * @param organs          metrics of every structure present in the counted volume, by decreasing V50 overlap
 * @param unmappedNames   structure names the dictionary does not know (ignored, reported)
 * @param backend         the overlap backend's name
 * @param config          the thresholds and options used
 * @param timingsMs       stage → wall time in ms, in pipeline order
 * @param maskNotes       how the organ masks were brought onto the CT grid when not as given, e.g. a NIfTI
 *                        re-indexed from dcm2niix's voxel order or resampled by nearest neighbour; empty otherwise
 * @param policy          the decision policy (landmark choice, V50 use) that produced the labels, as the
 *                        thresholds are in {@code config}; null in results written before it was recorded
 *                        and in results the decision tree did not make
 */
public record SiteResult(int schemaVersion, List<Region> labels, Rule rule, List<TraceStep> trace,
                         double dmaxGy, double doseGridDmaxGy, double level85Gy, double level50Gy,
                         double v85Cc, double v50Cc, Vec3 com85, Vec3 com85Geometric, Vec3 com85DoseWeighted,
                         CropExtent crop, IndexBox isodoseBox, double isodoseBoxCc, Landmarks landmarks,
                         List<OrganMetrics> organs, List<String> unmappedNames, String backend,
                         ClassifierConfig config, Map<String, Double> timingsMs, List<String> maskNotes,
                         DecisionPolicy policy) {

    public static final int SCHEMA_VERSION = 1;

    public SiteResult {
        labels = List.copyOf(labels);
        trace = List.copyOf(trace);
        organs = List.copyOf(organs);
        unmappedNames = List.copyOf(unmappedNames);
        timingsMs = Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
        // results stored before maskNotes existed read as null
        maskNotes = maskNotes == null ? List.of() : List.copyOf(maskNotes);
    }

    /** A result that records no decision policy (see {@link #policy}). */
    public SiteResult(int schemaVersion, List<Region> labels, Rule rule, List<TraceStep> trace,
                      double dmaxGy, double doseGridDmaxGy, double level85Gy, double level50Gy,
                      double v85Cc, double v50Cc, Vec3 com85, Vec3 com85Geometric, Vec3 com85DoseWeighted,
                      CropExtent crop, IndexBox isodoseBox, double isodoseBoxCc, Landmarks landmarks,
                      List<OrganMetrics> organs, List<String> unmappedNames, String backend,
                      ClassifierConfig config, Map<String, Double> timingsMs, List<String> maskNotes) {
        this(schemaVersion, labels, rule, trace, dmaxGy, doseGridDmaxGy, level85Gy, level50Gy, v85Cc, v50Cc, com85,
                com85Geometric, com85DoseWeighted, crop, isodoseBox, isodoseBoxCc, landmarks, organs, unmappedNames,
                backend, config, timingsMs, maskNotes, null);
    }

    /** A result without mask notes (the masks were used as given). */
    public SiteResult(int schemaVersion, List<Region> labels, Rule rule, List<TraceStep> trace,
                      double dmaxGy, double doseGridDmaxGy, double level85Gy, double level50Gy,
                      double v85Cc, double v50Cc, Vec3 com85, Vec3 com85Geometric, Vec3 com85DoseWeighted,
                      CropExtent crop, IndexBox isodoseBox, double isodoseBoxCc, Landmarks landmarks,
                      List<OrganMetrics> organs, List<String> unmappedNames, String backend,
                      ClassifierConfig config, Map<String, Double> timingsMs) {
        this(schemaVersion, labels, rule, trace, dmaxGy, doseGridDmaxGy, level85Gy, level50Gy, v85Cc, v50Cc, com85,
                com85Geometric, com85DoseWeighted, crop, isodoseBox, isodoseBoxCc, landmarks, organs, unmappedNames,
                backend, config, timingsMs, List.of(), null);
    }

    /** This result with {@code notes} on how its masks were obtained (see {@link #maskNotes}). */
    public SiteResult withMaskNotes(List<String> notes) {
        return new SiteResult(schemaVersion, labels, rule, trace, dmaxGy, doseGridDmaxGy, level85Gy, level50Gy, v85Cc,
                v50Cc, com85, com85Geometric, com85DoseWeighted, crop, isodoseBox, isodoseBoxCc, landmarks, organs,
                unmappedNames, backend, config, timingsMs, notes, policy);
    }

    /** The labels as the paper writes them, e.g. {@code [Thorax, Head and Neck]}. */
    public List<String> labelNames() {
        return labels.stream().map(Region::label).toList();
    }
}
