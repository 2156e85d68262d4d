package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.rtsite.core.RtsiteException;
import org.rtsite.pipeline.store.Pseudonymizer;

/** {@code --pseudonymize} and {@code --pseudonym-key} as every command that writes identifiers reads them. */
final class PseudonymOption {

    /** The pseudonymizer asked for (null when neither option is given), or a usage error already printed. */
    record Choice(Pseudonymizer pseudonyms, boolean failed) {
    }

    private PseudonymOption() {
    }

    static Choice resolve(String command, boolean pseudonymize, Path key, PrintWriter err) {
        if (!pseudonymize && key == null) {
            return new Choice(null, false);
        }
        try {
            return new Choice(Pseudonymizer.fromKeyFileOrEnv(key, System.getenv()), false);
        } catch (RtsiteException e) {
            err.println("rtsite " + command + ": " + e.getMessage());
            err.flush();
            return new Choice(null, true);
        }
    }
}
