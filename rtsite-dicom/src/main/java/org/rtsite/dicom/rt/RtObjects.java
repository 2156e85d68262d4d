package org.rtsite.dicom.rt;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.dicom.DataDictionary;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomElement;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.VR;

/** Small helpers shared by the RT readers: the adapter between the codec's data sets and the RT records. */
final class RtObjects {
    private RtObjects() {
    }

    /**
     * The file with every UN element that the dictionary knows given its dictionary VR, in nested
     * items too. Some writers (pydicom's RLE test dose, for one) label every element UN in explicit
     * VR files; the codec then reads their numbers as text or bytes it cannot type. Files without
     * UN elements come back as they are.
     */
    static DicomFile typed(DicomFile file) {
        if (!hasUn(file.dataset())) {
            return file;
        }
        return new DicomFile(file.source(), file.hasPreamble(), file.meta(), file.transferSyntaxUid(),
                typed(file.dataset()));
    }

    private static boolean hasUn(DicomDataset ds) {
        for (DicomElement e : ds.elements()) {
            if (e.vr() == VR.UN) {
                return true;
            }
            for (DicomDataset item : e.items()) {
                if (hasUn(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static DicomDataset typed(DicomDataset ds) {
        DicomDataset.Builder b = ds.toBuilder();
        for (DicomElement e : ds.elements()) {
            if (e.isSequence()) {
                List<DicomDataset> items = new ArrayList<>(e.items().size());
                for (DicomDataset item : e.items()) {
                    items.add(typed(item));
                }
                b.putSequence(e.tag(), items);
            } else if (e.vr() == VR.UN && !e.isEncapsulated()) {
                VR vr = DataDictionary.vrOf(e.tag());
                if (vr == VR.SQ) {
                    List<DicomDataset> items = unSequence(e);
                    if (items != null) {
                        b.putSequence(e.tag(), items);
                    }
                } else if (vr != null && vr != VR.UN) {
                    b.putBytes(e.tag(), vr, e.bytes());
                }
            }
        }
        return b.build();
    }

    /**
     * A sequence that arrived as UN: PS3.5 6.2.2 says its value is encoded in implicit VR little
     * endian, so it is parsed as a one-element implicit VR data set. Null when that fails (the
     * element is then left as it was).
     */
    private static List<DicomDataset> unSequence(DicomElement e) {
        byte[] value = e.bytes();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + value.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) (e.tag() >>> 16)).putShort((short) e.tag()).putInt(value.length).put(value);
        try {
            DicomDataset ds = org.rtsite.dicom.DicomReader.defaults().read(buf.array(), "UN sequence").dataset();
            DicomElement parsed = ds.get(e.tag());
            return parsed != null && parsed.isSequence() ? typedItems(parsed.items()) : null;
        } catch (DicomFormatException ex) {
            return null;
        }
    }

    private static List<DicomDataset> typedItems(List<DicomDataset> items) {
        List<DicomDataset> out = new ArrayList<>(items.size());
        for (DicomDataset i : items) {
            out.add(typed(i));
        }
        return out;
    }

    static void requireModality(DicomFile file, String... accepted) {
        String modality = file.dataset().getString(RtTags.Modality, "");
        for (String a : accepted) {
            if (a.equalsIgnoreCase(modality.trim())) {
                return;
            }
        }
        throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, RtTags.Modality,
                "Modality is '" + modality + "', expected " + String.join(" or ", accepted));
    }

    /** SOPInstanceUID, falling back on the meta group's MediaStorageSOPInstanceUID. */
    static String sopInstanceUid(DicomFile file) {
        String uid = file.dataset().getString(RtTags.SOPInstanceUID);
        if (uid == null && file.meta() != null) {
            uid = file.meta().getString(0x00020003);
        }
        if (uid == null) {
            throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, RtTags.SOPInstanceUID,
                    "no SOPInstanceUID");
        }
        return uid;
    }

    /** The ReferencedSOPInstanceUID of every item that has one. */
    static List<String> referencedUids(List<DicomDataset> items) {
        List<String> uids = new ArrayList<>(items.size());
        for (DicomDataset i : items) {
            String uid = i.getString(RtTags.ReferencedSOPInstanceUID);
            if (uid != null) {
                uids.add(uid);
            }
        }
        return uids;
    }

    /** The number of a required integer attribute, with the file in the message when it is missing. */
    static double doubleOr(DicomDataset ds, int tag, double otherwise) {
        double[] v = ds.getDoubles(tag);
        return v.length == 0 ? otherwise : v[0];
    }
}
