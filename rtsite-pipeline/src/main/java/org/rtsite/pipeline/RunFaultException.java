package org.rtsite.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileSystemException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * A fault of the classification run, not of the plan being classified: the output folder cannot be
 * written (no space, read-only, I/O error), the run was interrupted, the JVM ran out of memory. Such a
 * fault stops the run; the plan is left unrecorded and classified again by the next run. The
 * results store failing is a run fault too (thrown by the store itself). See docs/pipeline.md.
 */
public final class RunFaultException extends RtsiteException {
    private static final long serialVersionUID = 1L;

    public RunFaultException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code e}, thrown while classifying a plan on the current thread, comes from the run
     * rather than the plan: an interruption anywhere in its cause chain (a read interrupted by the run
     * stopping shows up as "cannot read CT slice ..." caused by ClosedByInterruptException), the thread's
     * interrupt flag, a JVM error, or a RunFaultException.
     */
    static boolean isRunFault(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RunFaultException || t instanceof InterruptedException || t instanceof InterruptedIOException
                    || t instanceof AsynchronousCloseException || t instanceof VirtualMachineError) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The OS's words for an I/O failure ("No space left on device", "Read-only file system", "File name
     * too long", "Permission denied"), which {@code IOException}'s own message may bury or lack.
     */
    public static String reason(IOException e) {
        return RtsiteIOException.reason(e);
    }
}
