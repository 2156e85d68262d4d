package org.rtsite.dicom.rt;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.volume.CtVolume;

/**
 * A CT image series assembled into a volume: slices sorted along the slice normal (k grows
 * along ImageOrientationPatient's row × column direction), HU after rescale.
 *
 * @param sopInstanceUids the slices' SOP instance UIDs in k order
 * @param files           the slices' files in k order
 */
public record CtSeries(String seriesInstanceUid, String studyInstanceUid, String frameOfReferenceUid,
                       String patientId, String patientPosition, List<String> sopInstanceUids, List<String> files,
                       CtVolume volume) {

    public CtSeries {
        Objects.requireNonNull(volume, "volume");
        sopInstanceUids = List.copyOf(sopInstanceUids);
        files = List.copyOf(files);
    }
}
