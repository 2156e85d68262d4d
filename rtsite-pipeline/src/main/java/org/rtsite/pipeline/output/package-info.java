/**
 * Per-plan DICOM outputs: isodose surfaces as an RT Structure Set on the plan's CT, written by {@link
 * org.rtsite.pipeline.output.IsodoseStructureSet} (entry point).
 */
package org.rtsite.pipeline.output;
