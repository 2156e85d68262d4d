package org.rtsite.core;

/**
 * Input that rtsite refuses to classify: empty or non-finite dose, masks on another grid, a dose
 * that misses the CT. The message names the offending input and value.
 */
public class InvalidInputException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
