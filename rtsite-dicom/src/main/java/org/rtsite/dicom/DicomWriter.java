package org.rtsite.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;

/**
 * Writes DICOM Part 10 files in explicit VR little endian: 128-byte zero preamble, "DICM", a file
 * meta group built from the data set's SOP Class and Instance UIDs, then the data set. Sequences
 * and items are written with undefined length (no second pass over the data); group lengths other
 * than the meta group's are dropped (retired in PS3.5 7.2). Used for fixtures and rtsite's outputs.
 */
public final class DicomWriter {
    /** rtsite's Implementation Class UID (a UUID-derived UID, PS3.5 B.2). */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.234037790443139495063732603642260386007";
    public static final String IMPLEMENTATION_VERSION_NAME = "RTSITE_0_1_0";

    private DicomWriter() {
    }

    /** Writes {@code dataset} to {@code path} (replacing it). */
    public static void write(Path path, DicomDataset dataset) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024)) {
            write(out, dataset);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + path, e);
        }
    }

    /** Writes a Part 10 stream (not closed). */
    public static void write(OutputStream out, DicomDataset dataset) throws IOException {
        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        out.write(metaGroup(dataset));
        writeDataset(out, dataset, 0);
        out.flush();
    }

    /** The file meta group (with its group length) for a data set written in explicit VR little endian. */
    static byte[] metaGroup(DicomDataset dataset) {
        String sopClass = dataset.getString(Tag.SOPClassUID);
        String sopInstance = dataset.getString(Tag.SOPInstanceUID);
        if (sopClass == null || sopInstance == null) {
            throw new InvalidInputException("cannot write a file meta group: the data set lacks "
                    + (sopClass == null ? "SOPClassUID (0008,0016)" : "SOPInstanceUID (0008,0018)"));
        }
        DicomDataset meta = DicomDataset.builder()
                .putBytes(Tag.FileMetaInformationVersion, VR.OB, new byte[] {0, 1})
                .putString(Tag.MediaStorageSOPClassUID, VR.UI, sopClass)
                .putString(Tag.MediaStorageSOPInstanceUID, VR.UI, sopInstance)
                .putString(Tag.TransferSyntaxUID, VR.UI, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .putString(Tag.ImplementationClassUID, VR.UI, IMPLEMENTATION_CLASS_UID)
                .putString(Tag.ImplementationVersionName, VR.SH, IMPLEMENTATION_VERSION_NAME)
                .build();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        try {
            writeDataset(body, meta, -1);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot encode the file meta information in memory", e);
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer h = le(12);
        h.putShort((short) 2).putShort((short) 0).put((byte) 'U').put((byte) 'L').putShort((short) 4).putInt(body.size());
        all.writeBytes(h.array());
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }

    private static void writeDataset(OutputStream out, DicomDataset ds, int depth) throws IOException {
        for (DicomElement e : ds.elements()) {
            if (Tag.element(e.tag()) == 0 || Tag.group(e.tag()) == 2 && depth == 0) {
                continue; // group lengths are recomputed (meta) or dropped; a data set's own group 2 is replaced
                // (depth -1 marks the meta group itself)
            }
            writeElement(out, e, depth);
        }
    }

    private static void writeElement(OutputStream out, DicomElement e, int depth) throws IOException {
        int tag = e.tag();
        VR vr = e.vr();
        if (e.isEncapsulated()) {
            throw new InvalidInputException("cannot write encapsulated pixel data " + Tag.toString(tag)
                    + " in explicit VR little endian; decode it first");
        }
        if (e.isSequence()) {
            header(out, tag, VR.SQ, 0xFFFFFFFFL);
            for (DicomDataset item : e.items()) {
                itemTag(out, Tag.Item, 0xFFFFFFFFL);
                writeDataset(out, item, depth + 1);
                itemTag(out, Tag.ItemDelimitationItem, 0);
            }
            itemTag(out, Tag.SequenceDelimitationItem, 0);
            return;
        }
        byte[] v = e.rawValue();
        int padded = v.length + (v.length & 1);
        if (!vr.hasLongLength() && padded > 0xFFFF) {
            throw new InvalidInputException("value of " + Tag.toString(tag) + " (" + vr + ") is " + padded
                    + " bytes, more than explicit VR " + vr + " can hold (65534)");
        }
        header(out, tag, vr, padded);
        out.write(v);
        if (padded != v.length) {
            out.write(vr.paddingByte());
        }
    }

    private static void header(OutputStream out, int tag, VR vr, long length) throws IOException {
        String code = vr.name();
        if (vr.hasLongLength()) {
            ByteBuffer b = le(12);
            b.putShort((short) (tag >>> 16)).putShort((short) tag).put((byte) code.charAt(0)).put((byte) code.charAt(1))
                    .putShort((short) 0).putInt((int) length);
            out.write(b.array());
        } else {
            ByteBuffer b = le(8);
            b.putShort((short) (tag >>> 16)).putShort((short) tag).put((byte) code.charAt(0)).put((byte) code.charAt(1))
                    .putShort((short) length);
            out.write(b.array());
        }
    }

    private static void itemTag(OutputStream out, int tag, long length) throws IOException {
        ByteBuffer b = le(8);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt((int) length);
        out.write(b.array());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

}
