package org.rtsite.eval.seg;

/**
 * Quality of one test structure against its reference in one case. Undefined values are NaN:
 * distances when either mask is empty, DSC when both are, and so on (see {@link Status}).
 *
 * @param hd95Mm    95th percentile of the union of both directed surface-distance sets, mm
 * @param hdMaxMm   the largest surface distance (the classic Hausdorff distance), mm
 * @param assdMm    mean of the union of both directed surface-distance sets, mm
 * @param relativeVolumeError (test volume − reference volume) / reference volume
 */
public record SegmentationMetrics(String caseId, String structure, Status status,
                                  long referenceVoxels, long testVoxels, long intersectionVoxels,
                                  double dsc, double hd95Mm, double hdMaxMm, double assdMm,
                                  double sensitivity, double specificity,
                                  double referenceVolumeCc, double testVolumeCc, double relativeVolumeError) {

    /** How the pair was found; everything but {@code OK} leaves some metrics undefined. */
    public enum Status {
        /** Both masks exist and are non-empty. */
        OK,
        /** The reference exists but is empty: DSC 0 (or NaN if the test is empty too), no distances. */
        EMPTY_REFERENCE,
        /** The test mask exists but is empty: DSC 0, sensitivity 0, no distances. */
        EMPTY_TEST,
        /** Both exist and both are empty: only volumes (0) are defined. */
        BOTH_EMPTY,
        /** The reference source has no such structure: only the test volume is reported. */
        MISSING_REFERENCE,
        /** The test source has no such structure: treated as an empty test mask. */
        MISSING_TEST
    }

    /** A metric by its column name, for summaries and reports. */
    public double metric(Metric m) {
        return switch (m) {
            case DSC -> dsc;
            case HD95 -> hd95Mm;
            case HD_MAX -> hdMaxMm;
            case ASSD -> assdMm;
            case SENSITIVITY -> sensitivity;
            case SPECIFICITY -> specificity;
            case VOLUME_CC -> testVolumeCc;
            case RELATIVE_VOLUME_ERROR -> relativeVolumeError;
        };
    }

    /** The metrics summarized and compared per structure. */
    public enum Metric {
        DSC("DSC", ""), HD95("95HD", "mm"), HD_MAX("HD", "mm"), ASSD("ASSD", "mm"),
        SENSITIVITY("Sensitivity", ""), SPECIFICITY("Specificity", ""),
        VOLUME_CC("Volume", "cc"), RELATIVE_VOLUME_ERROR("Relative volume error", "");

        private final String label;
        private final String unit;

        Metric(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }

        public String label() {
            return label;
        }

        public String unit() {
            return unit;
        }
    }
}
