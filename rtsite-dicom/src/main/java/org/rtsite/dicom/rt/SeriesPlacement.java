package org.rtsite.dicom.rt;

import java.time.LocalDateTime;
import org.rtsite.core.InvalidInputException;

/**
 * Where {@link RtWriter} puts an object: the study it belongs to and its own series. Archives (Orthanc,
 * any PACS) file every instance by study and series and refuse one without those UIDs; the plan, dose,
 * structure set and CT of one patient share a study, each in its own series.
 *
 * @param studyInstanceUid  StudyInstanceUID (0020,000D)
 * @param seriesInstanceUid SeriesInstanceUID (0020,000E)
 * @param seriesNumber      SeriesNumber (0020,0011), positive
 * @param studyDateTime     StudyDate and StudyTime; null when unknown (both written empty, as Type 2 allows)
 */
public record SeriesPlacement(String studyInstanceUid, String seriesInstanceUid, int seriesNumber,
                              LocalDateTime studyDateTime) {

    public SeriesPlacement {
        requireUid("StudyInstanceUID", studyInstanceUid);
        requireUid("SeriesInstanceUID", seriesInstanceUid);
        if (seriesNumber < 1) {
            throw new InvalidInputException("SeriesNumber must be positive, got " + seriesNumber);
        }
    }

    /** A series with no known study date. */
    public SeriesPlacement(String studyInstanceUid, String seriesInstanceUid, int seriesNumber) {
        this(studyInstanceUid, seriesInstanceUid, seriesNumber, null);
    }

    /** A new series (fresh UID) in the given study, study date unknown. */
    public static SeriesPlacement newSeries(String studyInstanceUid, int seriesNumber) {
        return new SeriesPlacement(studyInstanceUid, RtWriter.newUid(), seriesNumber, null);
    }

    /** A new series in a new study: for an object written on its own. */
    public static SeriesPlacement newStudy(int seriesNumber) {
        return newSeries(RtWriter.newUid(), seriesNumber);
    }

    /** This placement with the study's date and time (written as StudyDate and StudyTime). */
    public SeriesPlacement withStudyDateTime(LocalDateTime dateTime) {
        return new SeriesPlacement(studyInstanceUid, seriesInstanceUid, seriesNumber, dateTime);
    }

    private static void requireUid(String what, String uid) {
        if (uid == null || uid.isBlank()) {
            throw new InvalidInputException(what + " must not be empty: an archive files every object by it");
        }
    }
}
