package org.rtsite.archive;

import java.util.List;

/**
 * A structure set and the image series it was linked to, whether or not a plan uses it.
 *
 * @param structureSetFile        the RTSTRUCT file
 * @param uid                     its SOP Instance UID
 * @param patientId               its PatientID
 * @param seriesUid               the linked image series, or null
 * @param imageFiles              files of the linked series
 * @param contourImageRefs        distinct contour image references (header, else contour level)
 * @param contourImagesPresent    how many of them are files of the linked series
 * @param plans                   plans linked to it
 * @param fallbacks               links made without an explicit reference
 * @param conflicts               conflicts met
 * @param reasons                 why the series link is missing or partial (empty when complete)
 */
public record StructureSetLink(String structureSetFile, String uid, String patientId, String seriesUid,
                               int imageFiles, int contourImageRefs, int contourImagesPresent, int plans,
                               List<Fallback> fallbacks, List<Conflict> conflicts, List<String> reasons) implements java.io.Serializable {

    public StructureSetLink {
        fallbacks = List.copyOf(fallbacks);
        conflicts = List.copyOf(conflicts);
        reasons = List.copyOf(reasons);
    }
}
