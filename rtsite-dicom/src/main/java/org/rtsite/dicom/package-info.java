/**
 * The DICOM Part 10 codec: {@link org.rtsite.dicom.DicomReader} (entry point) reads files into
 * immutable {@link org.rtsite.dicom.DicomDataset}s, {@link org.rtsite.dicom.DicomWriter} writes them.
 * Owns the data dictionary and the one list of tags ({@link org.rtsite.dicom.Tag}), SOP class UIDs
 * ({@link org.rtsite.dicom.SopClass}) and transfer syntaxes ({@link org.rtsite.dicom.TransferSyntax})
 * every module uses.
 */
package org.rtsite.dicom;
