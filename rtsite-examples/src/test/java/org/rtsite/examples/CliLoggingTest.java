package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library and DJL log lines stay off the console unless {@code --verbose}; help prints no picocli warning. */
class CliLoggingTest {

    @TempDir
    Path dir;

    @Test
    void djlEngineLinesOnlyWithVerbose() throws Exception {
        String pkg = Path.of("..", "models", "phantom-total-pt").toString();
        CliProcess quiet = CliProcess.of(dir, "quickstart", "--scene", "liver-sbrt", "--backend", "cpu",
                "--segmenter", pkg);
        assertEquals(0, quiet.exit(), quiet.out() + quiet.err());
        assertTrue(quiet.out().contains("\"labels\""), quiet.out());
        for (String s : new String[] {"INFO", "WARN", "CUDA", "ai.djl"}) {
            assertFalse(quiet.err().contains(s), "no '" + s + "' on stderr without --verbose: " + quiet.err());
        }
        CliProcess verbose = CliProcess.of(dir, "quickstart", "--scene", "liver-sbrt", "--backend", "cpu",
                "--segmenter", pkg, "--verbose");
        assertEquals(0, verbose.exit(), verbose.out() + verbose.err());
        // the PyTorch engine logs its thread settings at INFO on every start
        assertTrue(verbose.err().contains("INFO ai.djl.pytorch"), verbose.err());
        assertTrue(verbose.out().contains("\"labels\""), verbose.out());
    }

    @Test
    void helpPrintsNoPicocliWarning() throws Exception {
        CliProcess help = CliProcess.of(dir, "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().contains("evaluate"), help.out());
        assertEquals("", help.err());
        CliProcess evaluate = CliProcess.of(dir, "evaluate", "--help");
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertTrue(evaluate.out().contains("Wald and Wilson 95 % intervals"), evaluate.out());
        assertEquals("", evaluate.err());
    }
}
