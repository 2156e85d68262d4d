/**
 * The archive index and RT linkage: {@link org.rtsite.archive.DicomArchive} (entry point) scans
 * folders of DICOM files into an SQLite index and links every plan to its structure set, CT series and
 * dose, refusing links it finds conflicts for; the result is a {@link
 * org.rtsite.archive.LinkageReport}.
 */
package org.rtsite.archive;
