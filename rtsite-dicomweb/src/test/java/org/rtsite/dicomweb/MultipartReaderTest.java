package org.rtsite.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    private static final String B = "b0und4ry-x";

    /** A multipart body as RFC 2046 writes it, with or without Content-Length per part. */
    private static byte[] body(List<byte[]> parts, boolean lengths, String preamble) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) {
            o.writeBytes(("--" + B + "\r\nContent-Type: application/dicom\r\n"
                    + (lengths ? "Content-Length: " + p.length + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(p);
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        o.writeBytes(("--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    /** Hands out at most 7 bytes per read, as a slow connection does. */
    private static InputStream trickle(byte[] b) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, 7));
            }
        };
    }

    private static List<byte[]> read(InputStream in) throws IOException {
        MultipartReader r = new MultipartReader(in, B);
        List<byte[]> out = new ArrayList<>();
        for (MultipartReader.Part p = r.next(); p != null; p = r.next()) {
            assertEquals("application/dicom", p.headers().get("content-type"));
            out.add(p.body().readAllBytes());
        }
        assertNull(r.next());
        return out;
    }

    @Test
    void partsComeBackByteForByteWithAndWithoutLengthsAcrossBufferEdges() throws IOException {
        Random rnd = new Random(18);
        List<byte[]> parts = new ArrayList<>();
        parts.add(new byte[0]);
        // bytes that look like the start of a delimiter, inside a part
        parts.add(("x\r\n--" + B.substring(0, 5) + "\r\n--b0und4ry").getBytes(StandardCharsets.US_ASCII));
        for (int n : new int[] {1, 100, MultipartReader.BUFFER - 3, MultipartReader.BUFFER + 17, 3 * MultipartReader.BUFFER}) {
            byte[] p = new byte[n];
            rnd.nextBytes(p);
            parts.add(p);
        }
        for (boolean lengths : new boolean[] {true, false}) {
            for (String preamble : new String[] {"", "preamble text\r\n"}) {
                byte[] b = body(parts, lengths, preamble);
                for (InputStream in : List.of(new ByteArrayInputStream(b), trickle(b))) {
                    List<byte[]> got = read(in);
                    assertEquals(parts.size(), got.size());
                    for (int i = 0; i < parts.size(); i++) {
                        assertArrayEquals(parts.get(i), got.get(i), "part " + i + " lengths " + lengths);
                    }
                }
            }
        }
    }

    @Test
    void aBodyCutShortIsAnErrorNotAShorterFile() {
        byte[] p = new byte[5000];
        new Random(1).nextBytes(p);
        for (boolean lengths : new boolean[] {true, false}) {
            byte[] b = body(List.of(p), lengths, "");
            for (int cut : new int[] {10, 60, 2500, b.length - 10}) {
                byte[] shortened = java.util.Arrays.copyOf(b, cut);
                assertThrows(IOException.class, () -> read(new ByteArrayInputStream(shortened)), "cut at " + cut);
            }
        }
        assertThrows(EOFException.class, () -> read(new ByteArrayInputStream(java.util.Arrays.copyOf(body(List.of(p), true, ""), 3000))));
    }

    @Test
    void boundaryFromContentType() {
        assertEquals("abc", MultipartReader.boundary("multipart/related; type=\"application/dicom\"; boundary=abc"));
        assertEquals("a b", MultipartReader.boundary("multipart/related;boundary=\"a b\";type=x"));
        assertNull(MultipartReader.boundary("application/dicom"));
        assertNull(MultipartReader.boundary(null));
    }
}
