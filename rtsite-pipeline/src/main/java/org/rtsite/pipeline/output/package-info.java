/**
 * Per-plan DICOM outputs: isodose surfaces as an RT Structure Set on the plan's CT, written by {@link
 * org.rtsite.pipeline.output.IsodoseStructureSet} (entry point), and the QA picture as a Secondary
 * Capture Image in the plan's study ({@link org.rtsite.pipeline.output.QaSecondaryCapture}).
 */
package org.rtsite.pipeline.output;
