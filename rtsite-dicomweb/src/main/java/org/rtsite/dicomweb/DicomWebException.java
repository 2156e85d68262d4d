package org.rtsite.dicomweb;

import org.rtsite.core.RtsiteException;

/**
 * A DICOMweb request that failed: the server answered with an error status, sent a body rtsite cannot
 * follow, or the connection failed or dropped. The message names the URL (never its credentials), the
 * server's status and the start of its body, or the connection's own words.
 */
public class DicomWebException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    /** Characters of the server's body kept in the message. */
    static final int EXCERPT = 200;

    private final String url;
    private final int status;
    private final String body;

    /**
     * @param url the request's URL, without user information
     * @param status the HTTP status, or -1 when no answer came (connection refused, dropped, timed out)
     * @param body an excerpt of the server's body (may be empty)
     * @param detail what went wrong beyond the status, or null
     * @param cause the I/O error, or null
     */
    public DicomWebException(String url, int status, String body, String detail, Throwable cause) {
        super(message(url, status, body, detail), cause);
        this.url = url;
        this.status = status;
        this.body = body == null ? "" : body;
    }

    private static String message(String url, int status, String body, String detail) {
        StringBuilder m = new StringBuilder(url).append(": ");
        if (status >= 0) {
            m.append("HTTP ").append(status);
            if (detail != null) {
                m.append(", ").append(detail);
            }
        } else {
            m.append(detail == null ? "no answer" : detail);
        }
        if (body != null && !body.isBlank()) {
            m.append(" (server said: ").append(body.strip()).append(')');
        }
        return m.toString();
    }

    /** The request's URL, without user information. */
    public String url() {
        return url;
    }

    /** The HTTP status, or -1 when the server gave no complete answer. */
    public int status() {
        return status;
    }

    /** The start of the server's body, at most {@value #EXCERPT} characters; empty when none. */
    public String body() {
        return body;
    }
}
