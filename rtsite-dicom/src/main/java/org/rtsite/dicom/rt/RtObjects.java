package org.rtsite.dicom.rt;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.Tag;

/** Small helpers shared by the RT readers: the adapter between the codec's data sets and the RT records. */
final class RtObjects {
    private RtObjects() {
    }

    static void requireModality(DicomFile file, String... accepted) {
        String modality = file.dataset().getString(Tag.Modality, "");
        for (String a : accepted) {
            if (a.equalsIgnoreCase(modality.trim())) {
                return;
            }
        }
        throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, Tag.Modality,
                "Modality is '" + modality + "', expected " + String.join(" or ", accepted));
    }

    /** SOPInstanceUID, falling back on the meta group's MediaStorageSOPInstanceUID. */
    static String sopInstanceUid(DicomFile file) {
        String uid = file.dataset().getString(Tag.SOPInstanceUID);
        if (uid == null && file.meta() != null) {
            uid = file.meta().getString(Tag.MediaStorageSOPInstanceUID);
        }
        if (uid == null) {
            throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, Tag.SOPInstanceUID,
                    "no SOPInstanceUID");
        }
        return uid;
    }

    /** The ReferencedSOPInstanceUID of every item that has one. */
    static List<String> referencedUids(List<DicomDataset> items) {
        List<String> uids = new ArrayList<>(items.size());
        for (DicomDataset i : items) {
            String uid = i.getString(Tag.ReferencedSOPInstanceUID);
            if (uid != null) {
                uids.add(uid);
            }
        }
        return uids;
    }

    /**
     * Refuses NaN or infinite geometry (a DS of "NaN" parses): left in, it sorts slices and spaces grids
     * arbitrarily and surfaces later as a misleading "missing slice" or grid error.
     */
    static void requireFinite(String source, DicomDataset ds, int tag, String keyword, double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                org.rtsite.dicom.DicomElement e = ds.get(tag);
                throw new DicomFormatException(source, e == null ? DicomFormatException.NO_OFFSET : e.offset(), tag,
                        keyword + " " + java.util.Arrays.toString(values) + " is not a finite number (" + v + ")");
            }
        }
    }

    /** The number of a required integer attribute, with the file in the message when it is missing. */
    static double doubleOr(DicomDataset ds, int tag, double otherwise) {
        double[] v = ds.getDoubles(tag);
        return v.length == 0 ? otherwise : v[0];
    }
}
