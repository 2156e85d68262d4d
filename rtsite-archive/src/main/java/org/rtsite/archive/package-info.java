/**
 * The archive index and RT linkage: {@link org.rtsite.archive.DicomArchive} (entry point) scans
 * folders of DICOM files into an SQLite index and links every plan to its structure set, CT series and
 * dose, refusing links it finds conflicts for; the result is a {@link
 * org.rtsite.archive.LinkageReport}. The scan reads files' heads in batches through Linux io_uring where it can
 * ({@code HeadReads}, with the module's small JNI library, {@code src/main/c}), with threads where it cannot: the
 * index is the same either way.
 */
package org.rtsite.archive;
