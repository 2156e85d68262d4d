/**
 * RT objects read from and written to DICOM: {@link org.rtsite.dicom.rt.RtObjects} (entry point) reads
 * plans, doses and structure sets, {@link org.rtsite.dicom.rt.CtSeriesReader} CT series, {@link
 * org.rtsite.dicom.rt.StructureRasterizer} turns contours into masks and {@link
 * org.rtsite.dicom.rt.RtWriter} writes the records back.
 */
package org.rtsite.dicom.rt;
