package org.rtsite.archive;

import java.util.List;
import java.util.Map;

/**
 * One file as the index knows it: where it is, what it is, and what it references. Text fields are
 * null where the file lacks the attribute. Other stores of the index (a Parquet table of a distributed
 * run) rebuild it from its columns with the canonical constructor; it is Serializable for engines that
 * ship rows between JVMs ({@link Linkage}).
 *
 * @param path              absolute, normalised path
 * @param size              bytes
 * @param mtime             last modification, milliseconds since the epoch
 * @param status            whether it was read as DICOM
 * @param reason            why it is not DICOM or unreadable; null for DICOM files
 * @param hasMeta           whether it has a file meta group (many planning systems write none)
 * @param slicePosition     ImagePositionPatient projected on the slice normal (mm), for ordering a series
 * @param instanceNumber    InstanceNumber, or null
 * @param doseGrid          a text key of the dose grid geometry (position, orientation, size, spacing,
 *                          frame offsets); equal keys mean a common grid
 * @param fractions         NumberOfFractionsPlanned of the plan's first fraction group, or null
 * @param contentKey        a digest of every indexed attribute (not of the pixel data): two files with
 *                          one SOP Instance UID and different keys have different content; equal keys
 *                          are copies (possibly in another transfer syntax)
 * @param refs              references by kind, in file order
 */
public record IndexedFile(String path, long size, long mtime, FileStatus status, String reason, boolean hasMeta,
                          String sopClass, String sopInstance, String modality, String patientId, String studyUid,
                          String seriesUid, String frameOfReference, Integer instanceNumber, Double slicePosition,
                          String doseSummationType, String doseGrid, Integer fractions, String contentKey,
                          Map<RefKind, List<String>> refs) implements java.io.Serializable {

    public IndexedFile {
        refs = Map.copyOf(refs);
    }

    /** References of one kind (empty if none). */
    public List<String> refs(RefKind kind) {
        return refs.getOrDefault(kind, List.of());
    }
}
