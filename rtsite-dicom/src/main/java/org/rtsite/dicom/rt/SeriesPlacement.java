package org.rtsite.dicom.rt;

import org.rtsite.core.InvalidInputException;

/**
 * Where {@link RtWriter} puts an object: the study it belongs to and its own series. Archives (Orthanc,
 * any PACS) file every instance by study and series and refuse one without those UIDs; the plan, dose,
 * structure set and CT of one patient share a study, each in its own series.
 *
 * @param studyInstanceUid  StudyInstanceUID (0020,000D)
 * @param seriesInstanceUid SeriesInstanceUID (0020,000E)
 * @param seriesNumber      SeriesNumber (0020,0011), positive
 */
public record SeriesPlacement(String studyInstanceUid, String seriesInstanceUid, int seriesNumber) {

    public SeriesPlacement {
        requireUid("StudyInstanceUID", studyInstanceUid);
        requireUid("SeriesInstanceUID", seriesInstanceUid);
        if (seriesNumber < 1) {
            throw new InvalidInputException("SeriesNumber must be positive, got " + seriesNumber);
        }
    }

    /** A new series (fresh UID) in the given study. */
    public static SeriesPlacement newSeries(String studyInstanceUid, int seriesNumber) {
        return new SeriesPlacement(studyInstanceUid, RtWriter.newUid(), seriesNumber);
    }

    /** A new series in a new study: for an object written on its own. */
    public static SeriesPlacement newStudy(int seriesNumber) {
        return newSeries(RtWriter.newUid(), seriesNumber);
    }

    private static void requireUid(String what, String uid) {
        if (uid == null || uid.isBlank() || uid.length() > 64 || !uid.matches("[0-9]+(\\.[0-9]+)*")) {
            throw new InvalidInputException(what + " must be a UID (digits and dots, at most 64 characters), got '"
                    + uid + "'");
        }
    }
}
