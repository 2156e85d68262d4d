package org.rtsite.dicom.rt;

/**
 * How rtsite marks the DICOM objects it writes as its outputs. The writers (the pipeline's isodose
 * RTSTRUCT) set these attributes and the archive index recognises them, so that an output copied into
 * an archive is never taken as input (docs/archive.md); both sides live above this module, hence the
 * one definition here.
 */
public final class RtsiteOutputMarker {

    /** Manufacturer (0008,0070) of every RTSTRUCT rtsite writes. */
    public static final String MANUFACTURER = "rtsite";
    /** SeriesDescription (0008,103E) of rtsite's isodose RTSTRUCTs. */
    public static final String ISODOSE_SERIES_DESCRIPTION = "rtsite isodose levels";

    private RtsiteOutputMarker() {
    }

    /**
     * Whether a file's header marks it as an isodose RTSTRUCT written by rtsite: such a file is an output,
     * and indexing it as input would give its CT's plans a second structure set.
     */
    public static boolean isIsodoseOutput(String modality, String manufacturer, String seriesDescription) {
        return "RTSTRUCT".equals(modality) && MANUFACTURER.equals(manufacturer)
                && ISODOSE_SERIES_DESCRIPTION.equals(seriesDescription);
    }
}
