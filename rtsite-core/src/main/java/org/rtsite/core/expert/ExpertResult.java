package org.rtsite.core.expert;

import java.util.List;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;

/**
 * The automated expert protocol's answer for one plan, with every measurement a reviewer needs to
 * check it. {@link #site()} has the same shape as the paper classifier's result (labels, rule,
 * trace, every organ metric), so code written for {@link SiteResult} reads it unchanged; the rule
 * names map as: whole brain → {@code CRANIAL_DICE}, penetration → {@code V85_OVERLAP}, V85 above C7
 * → {@code HN_LANDMARK}, closest organ to the maximum-dose point → {@code PROXIMITY}.
 *
 * @param site                  labels, rule and trace of the expert protocol; everything else as measured
 * @param paperLabels           what the paper's decision tree said for the same plan and masks
 * @param penetrationThresholdMm an organ counts when V85 penetrates it this deep (5 mm)
 * @param plane                 {@code CORONAL} or {@code SAGITTAL}: where V85's largest cross-section is
 * @param planeSectionCm2       that largest cross-section's area
 * @param penetrations          every voting organ V85 touches, deepest first
 * @param lengths               every region V85 touches, as ordered (labelled ones first)
 * @param brainCoverage         |brain ∩ V85| / |brain| in the cropped CT, null without a brain
 * @param v85TopZ               most superior patient z of V85 (mm)
 * @param v85BottomZ            most inferior patient z of V85 (mm)
 * @param maxDosePoint          centre of the (first) voxel with the maximum dose, LPS mm
 */
public record ExpertResult(SiteResult site, List<Region> paperLabels, double penetrationThresholdMm, String plane,
                           double planeSectionCm2, List<OrganPenetration> penetrations, List<RegionLength> lengths,
                           Double brainCoverage, double v85TopZ, double v85BottomZ, Vec3 maxDosePoint) {

    public ExpertResult {
        paperLabels = List.copyOf(paperLabels);
        penetrations = List.copyOf(penetrations);
        lengths = List.copyOf(lengths);
    }

    public List<Region> labels() {
        return site.labels();
    }
}
