/**
 * Evaluation reports as CSV and self-contained HTML: {@link org.rtsite.eval.report.LabelReport} and
 * {@link org.rtsite.eval.report.SegmentationReport} (entry points).
 */
package org.rtsite.eval.report;
