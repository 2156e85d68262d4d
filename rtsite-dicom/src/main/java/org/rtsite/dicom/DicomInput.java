package org.rtsite.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered, position-counting reader of a DICOM stream. It knows the stream's size when it
 * comes from a file, so that a length field beyond the end is refused before anything is
 * allocated; for streams of unknown size (deflate) values are read in bounded chunks.
 */
final class DicomInput implements AutoCloseable {
    private static final int CHUNK = 1 << 20;
    private static final byte[] EMPTY = new byte[0];

    private final InputStream in;
    private final byte[] buf;
    private final long size;
    private final String source;
    /** No value may reach past this position (a deflated stream's inflation limit), or Long.MAX_VALUE. */
    private final long limit;
    private final String limitText;
    private int pos;
    private int lim;
    private long base;
    boolean bigEndian;

    DicomInput(InputStream in, long size, String source, int bufferSize) {
        this(in, size, source, bufferSize, Long.MAX_VALUE, null);
    }

    DicomInput(InputStream in, long size, String source, int bufferSize, long limit, String limitText) {
        this(in, size, source, new byte[bufferSize], 0, limit, limitText);
    }

    /**
     * A reader whose buffer already holds the stream's first {@code filled} bytes ({@code in} continues
     * after them): what {@link DicomReader.Prefetched} read before the parse.
     */
    DicomInput(InputStream in, long size, String source, byte[] buffer, int filled) {
        this(in, size, source, buffer, filled, Long.MAX_VALUE, null);
    }

    private DicomInput(InputStream in, long size, String source, byte[] buffer, int filled, long limit,
                       String limitText) {
        this.in = in;
        this.size = size;
        this.source = source;
        this.buf = buffer;
        this.lim = filled;
        this.limit = limit;
        this.limitText = limitText;
    }

    String source() {
        return source;
    }

    long position() {
        return base + pos;
    }

    /** Bytes left before the end of the file, or Long.MAX_VALUE if unknown. */
    long remaining() {
        return size < 0 ? Long.MAX_VALUE : size - position();
    }

    /** Bytes a value starting here may still have: to the end of the file or to the inflation limit. */
    long room() {
        return Math.min(remaining(), limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - position());
    }

    /** The error for a length that {@link #room()} cannot hold, naming the end of file or the limit. */
    DicomFormatException beyond(long at, int tag, String what, long length) {
        if (remaining() <= room()) {
            return new DicomFormatException(source, at, tag, what + " " + length
                    + " goes beyond the end of the file (" + remaining() + " bytes left)");
        }
        return new DicomFormatException(source, at, tag, what + " " + length + " goes beyond " + limitText + " ("
                + room() + " bytes left)");
    }

    /** Makes n bytes (n ≤ buffer size) available; false if the stream ends first. */
    boolean ensure(int n) {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            base += pos;
            lim -= pos;
            pos = 0;
        }
        try {
            while (lim < n) {
                int r = in.read(buf, lim, buf.length - lim);
                if (r < 0) {
                    return false;
                }
                lim += r;
            }
        } catch (IOException e) {
            throw ioFailure(e);
        }
        return true;
    }

    DicomFormatException ioFailure(IOException e) {
        return new DicomFormatException(source, position(), DicomFormatException.NO_TAG,
                "read failed: " + e.getMessage(), e);
    }

    /** The number of bytes available without blocking on EOF, up to n. */
    int peekAvailable(int n) {
        ensure(n);
        return Math.min(n, lim - pos);
    }

    int peekByte(int i) {
        return buf[pos + i] & 0xFF;
    }

    void need(int n, int tag, String what) {
        if (!ensure(n)) {
            throw new DicomFormatException(source, position(), tag,
                    "file truncated: " + what + " needs " + n + " bytes, only " + (lim - pos) + " left");
        }
    }

    int u16() {
        int a = buf[pos] & 0xFF;
        int b = buf[pos + 1] & 0xFF;
        pos += 2;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    int u32() {
        int a = buf[pos] & 0xFF;
        int b = buf[pos + 1] & 0xFF;
        int c = buf[pos + 2] & 0xFF;
        int d = buf[pos + 3] & 0xFF;
        pos += 4;
        return bigEndian ? (a << 24) | (b << 16) | (c << 8) | d : (d << 24) | (c << 16) | (b << 8) | a;
    }

    int u8() {
        return buf[pos++] & 0xFF;
    }

    /** Reads a value of the given length, refusing lengths beyond the end of the file. */
    byte[] read(long length, int tag) {
        long at = position();
        if (length > room()) {
            throw beyond(at, tag, "value length", length);
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new DicomFormatException(source, at, tag, "value length " + length + " is too large to hold");
        }
        int n = (int) length;
        if (n == 0) {
            return EMPTY; // shared: floods of empty elements must not cost an array each
        }
        if (size >= 0 || n <= CHUNK) {
            byte[] out = new byte[n];
            readInto(out, 0, n, tag, at);
            return out;
        }
        // Unknown size (inflated stream): grow with the data actually there, not with the length field.
        ByteArrayOutputStream bos = new ByteArrayOutputStream(CHUNK);
        byte[] chunk = new byte[CHUNK];
        int left = n;
        while (left > 0) {
            int k = Math.min(left, CHUNK);
            readInto(chunk, 0, k, tag, at);
            bos.write(chunk, 0, k);
            left -= k;
        }
        return bos.toByteArray();
    }

    private void readInto(byte[] out, int off, int n, int tag, long at) {
        int fromBuf = Math.min(n, lim - pos);
        System.arraycopy(buf, pos, out, off, fromBuf);
        pos += fromBuf;
        int done = fromBuf;
        try {
            while (done < n) {
                int r = in.read(out, off + done, n - done);
                if (r < 0) {
                    throw new DicomFormatException(source, at, tag, "file truncated: value of " + n
                            + " bytes ends after " + done);
                }
                done += r;
                base += r;
            }
        } catch (IOException e) {
            throw ioFailure(e);
        }
    }

    /** Skips a value without reading it (seeks where the stream can). */
    void skip(long length, int tag) {
        long at = position();
        if (length > room()) {
            throw beyond(at, tag, "value length", length);
        }
        long fromBuf = Math.min(length, lim - pos);
        pos += (int) fromBuf;
        long left = length - fromBuf;
        try {
            while (left > 0) {
                long s = in.skip(left);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new DicomFormatException(source, at, tag, "file truncated: value of " + length
                                + " bytes ends after " + (length - left));
                    }
                    s = 1;
                }
                left -= s;
                base += s;
            }
        } catch (IOException e) {
            throw ioFailure(e);
        }
    }

    /** The rest of the buffer and stream, for wrapping into an inflater. */
    InputStream rest() {
        InputStream tail = new java.io.ByteArrayInputStream(buf, pos, lim - pos);
        return new java.io.SequenceInputStream(tail, in);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only stream: nothing to lose
        }
    }
}
