package org.rtsite.pipeline.output;

import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.dicom.rt.CtSeries;

/**
 * What an RTSTRUCT needs to know of the CT series it is drawn on: the UIDs that link it, the grid and
 * the SOP instance UID of each slice in k order. Holds no pixels.
 */
public record CtSeriesIdentity(String patientId, String studyInstanceUid, String seriesInstanceUid,
                               String frameOfReferenceUid, ImageGrid grid, List<String> sopInstanceUids) {

    public CtSeriesIdentity {
        Objects.requireNonNull(grid, "grid");
        requireUid("StudyInstanceUID", studyInstanceUid);
        requireUid("SeriesInstanceUID", seriesInstanceUid);
        requireUid("FrameOfReferenceUID", frameOfReferenceUid);
        sopInstanceUids = List.copyOf(sopInstanceUids);
        if (sopInstanceUids.size() != grid.nz()) {
            throw new InvalidInputException(sopInstanceUids.size() + " slice SOP instance UIDs for a CT grid of "
                    + grid.nz() + " slices");
        }
        for (int k = 0; k < sopInstanceUids.size(); k++) {
            requireUid("SOP instance UID of slice " + k, sopInstanceUids.get(k));
        }
        patientId = patientId == null ? "" : patientId;
    }

    public static CtSeriesIdentity of(CtSeries ct) {
        return new CtSeriesIdentity(ct.patientId(), ct.studyInstanceUid(), ct.seriesInstanceUid(),
                ct.frameOfReferenceUid(), ct.volume().grid(), ct.sopInstanceUids());
    }

    private static void requireUid(String what, String uid) {
        if (uid == null || uid.isBlank()) {
            throw new InvalidInputException("the CT series has no " + what + ": an RTSTRUCT cannot reference it");
        }
    }
}
