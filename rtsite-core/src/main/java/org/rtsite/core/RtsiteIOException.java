package org.rtsite.core;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Objects;

/**
 * A file or folder rtsite could not read, write, list or create. The message names the file and ends
 * with the operating system's words for the failure ("No space left on device", "Permission denied"),
 * and {@link #getCause()} is the {@link IOException} itself, so callers that walk the cause chain for
 * an {@code IOException} (run-fault detection, the bulk runner's failure reasons) still find it.
 * Replaces {@link java.io.UncheckedIOException} throughout the library.
 */
public class RtsiteIOException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what  what was being done, naming the file: "cannot write QA picture /out/p1.png"
     * @param cause the I/O failure; its OS reason is appended to {@code what} unless already there
     */
    public RtsiteIOException(String what, IOException cause) {
        super(withReason(what, Objects.requireNonNull(cause, "cause")), cause);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }

    private static String withReason(String what, IOException cause) {
        String why = reason(cause);
        return what == null ? why : what.contains(why) ? what : what + ": " + why;
    }

    /**
     * The OS's words for an I/O failure ("No space left on device", "Read-only file system", "File name
     * too long", "Permission denied"), which {@code IOException}'s own message may bury or lack.
     */
    public static String reason(IOException e) {
        String own = ownReason(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // ImageIO and other wrappers say "I/O error writing PNG file!" and keep the OS's words in a cause
        if (root != e && root instanceof IOException io) {
            String inner = ownReason(io);
            if (!own.contains(inner)) {
                return own + ": " + inner;
            }
        }
        return own;
    }

    private static String ownReason(IOException e) {
        if (e instanceof FileSystemException f) {
            String why = f.getReason();
            if (why == null) {
                why = switch (e.getClass().getSimpleName()) {
                    case "AccessDeniedException" -> "Permission denied";
                    case "NoSuchFileException" -> "No such file or directory";
                    case "FileAlreadyExistsException" -> "File exists";
                    case "NotDirectoryException" -> "Not a directory";
                    case "DirectoryNotEmptyException" -> "Directory not empty";
                    default -> e.getClass().getSimpleName();
                };
            }
            return why + (f.getFile() != null ? " (" + f.getFile() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
