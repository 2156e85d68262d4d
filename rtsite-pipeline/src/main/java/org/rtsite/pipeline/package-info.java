/**
 * The DICOM path from files to stored results, the only layer that knows all the others. Its entry
 * point is {@link org.rtsite.pipeline.RtsitePipeline}: {@code classify(planFolder)} for one plan,
 * {@code run(archive, store, progress)} for every plan of an indexed archive. Behind it, {@link
 * org.rtsite.pipeline.DicomPlanLoader} loads a linked plan, a {@link org.rtsite.pipeline.MaskSource}
 * supplies its organ masks and {@link org.rtsite.pipeline.ArchiveClassifier} classifies many plans on
 * worker threads, telling plan faults from run faults ({@link org.rtsite.pipeline.RunFaultException}).
 */
package org.rtsite.pipeline;
