package org.rtsite.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One data element: tag, VR and either a value (bytes, always little endian: the reader swaps big
 * endian data), sequence items, or encapsulated pixel data fragments. Immutable.
 */
public final class DicomElement {
    private final int tag;
    private final VR vr;
    private final byte[] value;
    private final List<DicomDataset> items;
    private final List<byte[]> fragments;
    private final long offset;

    private DicomElement(int tag, VR vr, byte[] value, List<DicomDataset> items, List<byte[]> fragments, long offset) {
        this.tag = tag;
        this.vr = Objects.requireNonNull(vr, "vr");
        this.value = value;
        this.items = items;
        this.fragments = fragments;
        this.offset = offset;
    }

    /** An element with a value; the array is owned by the element from now on. */
    static DicomElement ofValue(int tag, VR vr, byte[] value, long offset) {
        return new DicomElement(tag, vr, Objects.requireNonNull(value, "value"), null, null, offset);
    }

    static DicomElement ofSequence(int tag, List<DicomDataset> items, long offset) {
        return new DicomElement(tag, VR.SQ, null, List.copyOf(items), null, offset);
    }

    /** Encapsulated pixel data: fragments.get(0) is the Basic Offset Table (possibly empty). */
    static DicomElement ofFragments(int tag, VR vr, List<byte[]> fragments, long offset) {
        return new DicomElement(tag, vr, null, null, List.copyOf(fragments), offset);
    }

    public int tag() {
        return tag;
    }

    public VR vr() {
        return vr;
    }

    /** Byte offset of the element's header in the file, or -1 for elements built in memory. */
    public long offset() {
        return offset;
    }

    public boolean isSequence() {
        return items != null;
    }

    public boolean isEncapsulated() {
        return fragments != null;
    }

    /** Value length in bytes (0 for sequences and encapsulated data). */
    public int length() {
        return value == null ? 0 : value.length;
    }

    /** A copy of the value bytes (little endian); empty for sequences and encapsulated data. */
    public byte[] bytes() {
        return value == null ? new byte[0] : value.clone();
    }

    /** A read-only little endian view of the value, without copying. */
    public ByteBuffer buffer() {
        return (value == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(value)).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    byte[] rawValue() {
        return value;
    }

    /** Sequence items; empty for other elements. */
    public List<DicomDataset> items() {
        return items == null ? List.of() : items;
    }

    /** Number of pixel data fragments after the Basic Offset Table; 0 if not encapsulated. */
    public int fragmentCount() {
        return fragments == null ? 0 : fragments.size() - 1;
    }

    /** A copy of fragment {@code i} (0-based, not counting the Basic Offset Table). */
    public byte[] fragment(int i) {
        return fragments.get(i + 1).clone();
    }

    /** A copy of the Basic Offset Table item's bytes; empty if none. */
    public byte[] basicOffsetTable() {
        return fragments == null ? new byte[0] : fragments.get(0).clone();
    }

    List<byte[]> rawFragments() {
        return fragments;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DicomElement e) || e.tag != tag || e.vr != vr || !Arrays.equals(e.value, value)
                || !Objects.equals(e.items, items)) {
            return false;
        }
        if (fragments == null || e.fragments == null) {
            return fragments == e.fragments;
        }
        if (fragments.size() != e.fragments.size()) {
            return false;
        }
        for (int i = 0; i < fragments.size(); i++) {
            if (!Arrays.equals(fragments.get(i), e.fragments.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * tag + vr.hashCode()) + Arrays.hashCode(value) + Objects.hashCode(items);
    }

    @Override
    public String toString() {
        return Tag.toString(tag) + " " + vr + (items != null ? " " + items.size() + " item(s)"
                : fragments != null ? " " + fragmentCount() + " fragment(s)" : " #" + value.length);
    }
}
