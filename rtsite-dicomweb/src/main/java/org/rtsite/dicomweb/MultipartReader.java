package org.rtsite.dicomweb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Streams the parts of a {@code multipart/related} body (RFC 2046, PS3.18 8.6.1.2) one after the other:
 * each part's body is an {@link InputStream} read straight from the connection, so a series of any size
 * passes through a buffer of {@value #BUFFER} bytes. A part with a {@code Content-Length} header is copied
 * by its length (and the delimiter after it checked); one without is cut at the next delimiter.
 */
final class MultipartReader {

    static final int BUFFER = 1 << 16;

    /** One part: its headers (names lower case) and its body, valid until the next call to {@link #next}. */
    record Part(Map<String, String> headers, InputStream body) {
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean closed;
    private BodyStream current;

    /**
     * @param in the response body
     * @param boundary the boundary parameter of the response's Content-Type
     */
    MultipartReader(InputStream in, String boundary) {
        this.in = Objects.requireNonNull(in, "in");
        this.delimiter = ("\r\n--" + Objects.requireNonNull(boundary, "boundary")).getBytes(StandardCharsets.US_ASCII);
        this.buf = new byte[BUFFER + delimiter.length + 2];
        // the first delimiter may open the body without a line break before it
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The boundary parameter of a multipart Content-Type, or null when it has none. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    /**
     * The next part, or null after the closing delimiter. The previous part's body is skipped if it was not
     * read to its end.
     *
     * @throws EOFException when the stream ends before the closing delimiter (a dropped connection)
     */
    Part next() throws IOException {
        if (closed) {
            return null;
        }
        if (current == null) {
            // the preamble, up to the first delimiter
            new BodyStream(-1).drain();
        } else {
            current.drain();
        }
        // after a delimiter: "--" closes the body, otherwise (transport padding) CRLF starts the headers
        String rest = line();
        if (rest.startsWith("--")) {
            closed = true;
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
        }
        long length = -1;
        String cl = headers.get("content-length");
        if (cl != null) {
            try {
                length = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                length = -1; // cut at the delimiter instead
            }
        }
        current = new BodyStream(length);
        return new Part(Map.copyOf(headers), current);
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos == lim && !fill()) {
                throw new EOFException("multipart body ended inside a part's headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            s.append((char) (b & 0xff));
            if (s.length() > 8192) {
                throw new IOException("multipart header line longer than 8192 bytes");
            }
        }
    }

    /** Reads more into the buffer, keeping the unread bytes; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    /** Index of the delimiter in buf[pos, lim), or -1. */
    private int find() {
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != '\r') {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's body: by its length when known, else up to the next delimiter; the delimiter itself is consumed. */
    private final class BodyStream extends InputStream {
        private long remaining;
        private final boolean counted;
        private boolean done;

        BodyStream(long length) {
            this.counted = length >= 0;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (counted) {
                if (remaining == 0) {
                    expectDelimiter();
                    return -1;
                }
                if (pos == lim && !fill()) {
                    throw new EOFException("multipart body ended inside a part, " + remaining + " bytes short");
                }
                int n = (int) Math.min(Math.min(len, remaining), lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                remaining -= n;
                return n;
            }
            while (true) {
                int at = find();
                if (at >= 0) {
                    if (at == pos) {
                        pos += delimiter.length;
                        done = true;
                        return -1;
                    }
                    int n = Math.min(len, at - pos);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                // bytes that cannot start a delimiter are safe to hand out
                int safe = lim - pos - (delimiter.length - 1);
                if (safe > 0) {
                    int n = Math.min(len, safe);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!fill()) {
                    throw new EOFException("multipart body ended before its closing boundary");
                }
            }
        }

        private void expectDelimiter() throws IOException {
            while (lim - pos < delimiter.length) {
                if (!fill()) {
                    throw new EOFException("multipart body ended before the boundary after a part");
                }
            }
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[pos + j] != delimiter[j]) {
                    throw new IOException("multipart part longer than its Content-Length (no boundary after it)");
                }
            }
            pos += delimiter.length;
            done = true;
        }

        void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }
}
