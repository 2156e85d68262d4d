package org.rtsite.core;

/**
 * Input that rtsite refuses to classify: empty or non-finite dose, masks on another grid, a dose
 * that misses the CT, and every broken precondition on an argument of a public method (a negative
 * worker count, an unknown region name). The message names the offending input and value. Replaces
 * {@link IllegalArgumentException} throughout the library.
 */
public class InvalidInputException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    /** @param cause the parse or validation failure behind it (kept, not flattened into the message) */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
