/**
 * The quick start's sample data: {@link org.rtsite.samples.PhantomArchive} (entry point) writes the
 * core's phantom scenes as a DICOM archive of CT, RTSTRUCT, RTPLAN and RTDOSE files.
 */
package org.rtsite.samples;
