package org.rtsite.dicom;

import org.rtsite.core.RtsiteException;

/**
 * A file that is not DICOM, or whose encoding rtsite cannot follow: truncated, lengths beyond the
 * end of the file, broken sequences, values that do not parse. The message names the file, the
 * byte offset and the tag where the problem was found, so that a curator can find it in a dump.
 */
public class DicomFormatException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    /** Offset or tag not known. */
    public static final long NO_OFFSET = -1;
    public static final int NO_TAG = -1;

    private final String source;
    private final long offset;
    private final int tag;

    public DicomFormatException(String source, long offset, int tag, String problem) {
        super(format(source, offset, tag, problem));
        this.source = source;
        this.offset = offset;
        this.tag = tag;
    }

    public DicomFormatException(String source, long offset, int tag, String problem, Throwable cause) {
        super(format(source, offset, tag, problem), cause);
        this.source = source;
        this.offset = offset;
        this.tag = tag;
    }

    private static String format(String source, long offset, int tag, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(source == null ? "<stream>" : source);
        if (offset >= 0) {
            sb.append(" at offset ").append(offset);
        }
        if (tag != NO_TAG) {
            sb.append(", tag ").append(Tag.toString(tag));
        }
        return sb.append(": ").append(problem).toString();
    }

    /** The file (or stream name) being read. */
    public String source() {
        return source;
    }

    /** Byte offset in the (inflated, for deflated syntaxes) stream, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }

    /** The element being read, or {@link #NO_TAG}. */
    public int tag() {
        return tag;
    }
}
