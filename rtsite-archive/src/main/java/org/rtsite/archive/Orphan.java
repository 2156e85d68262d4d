package org.rtsite.archive;

/**
 * An object no plan uses, or a file that is not usable DICOM.
 *
 * @param path     the file (for an image series: its first file)
 * @param modality the modality, or NOT_DICOM / UNREADABLE
 * @param uid      SOP Instance UID (Series Instance UID for an image series), or null
 * @param files    number of files (image series: its file count; else 1)
 * @param reason   why it is not part of any plan
 */
public record Orphan(String path, String modality, String uid, int files, String reason) implements java.io.Serializable {
}
