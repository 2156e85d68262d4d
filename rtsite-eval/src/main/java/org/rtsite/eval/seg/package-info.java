/**
 * Segmentation quality against reference contours (ALGORITHM.md §5): {@link
 * org.rtsite.eval.seg.SegmentationEvaluator} (entry point) scores every structure of a case with
 * {@link org.rtsite.eval.seg.MaskComparison}; sources are NIfTI files, folders or a segmenter.
 */
package org.rtsite.eval.seg;
