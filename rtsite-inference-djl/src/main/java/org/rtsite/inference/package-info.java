/**
 * Organ segmentation with exported nnU-Net v2 networks on DJL: {@link
 * org.rtsite.inference.DjlSegmenter} (entry point, an {@link org.rtsite.core.segment.OrganSegmenter})
 * runs {@link org.rtsite.inference.ModelPackage}s the way nnU-Net and TotalSegmentator do. The PyTorch
 * native build is the application's choice (docs/inference.md).
 */
package org.rtsite.inference;
