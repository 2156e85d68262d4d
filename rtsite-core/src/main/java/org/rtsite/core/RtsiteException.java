package org.rtsite.core;

/** Base of every exception rtsite throws on purpose; unchecked so that bulk callers choose where to catch. */
public class RtsiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RtsiteException(String message) {
        super(message);
    }

    public RtsiteException(String message, Throwable cause) {
        super(message, cause);
    }
}
