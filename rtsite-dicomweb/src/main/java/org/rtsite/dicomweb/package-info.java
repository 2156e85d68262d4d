/**
 * DICOMweb (PS3.18): {@link org.rtsite.dicomweb.DicomWebClient} (entry point; QIDO-RS search, WADO-RS
 * retrieval streamed part by part, STOW-RS store, basic/bearer authentication, TLS trust stores) and
 * {@link org.rtsite.dicomweb.DicomWebPull}, which pulls RT plans and doses with the structure sets, image
 * series and doses they link to into an {@link org.rtsite.dicomweb.InstanceFolder} (study/series/instance,
 * written through temporary files and atomic renames, incremental and resumable).
 */
package org.rtsite.dicomweb;
