/**
 * The DICOM path from an indexed archive to stored results, the only layer that knows all the others:
 * {@link org.rtsite.pipeline.DicomPlanLoader} loads a linked plan, a {@link
 * org.rtsite.pipeline.MaskSource} supplies its organ masks and {@link
 * org.rtsite.pipeline.ArchiveClassifier} (entry point of bulk runs) classifies many plans on worker
 * threads.
 */
package org.rtsite.pipeline;
