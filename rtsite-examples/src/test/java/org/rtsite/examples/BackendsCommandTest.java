package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.OverlapBackends;
import org.rtsite.gpu.CudaOverlapBackend;
import picocli.CommandLine;

class BackendsCommandTest {

    @Test
    void listsCpuAndCudaWithTheReasonAndTheAutomaticChoice() {
        StringWriter text = new StringWriter();
        CommandLine cli = RtsiteCli.commandLine("backends");
        cli.setOut(new PrintWriter(text));

        assertEquals(0, cli.execute("backends"));

        String out = text.toString();
        assertTrue(out.contains("cpu    priority    0  available"), out);
        String cuda = new CudaOverlapBackend().unavailableReason().map(r -> "unavailable: " + r).orElse("available");
        assertTrue(out.contains("cuda   priority  100  " + cuda), out);
        assertTrue(out.contains("auto -> " + OverlapBackends.select("auto").name()), out);
        assertTrue(out.indexOf("cuda") < out.indexOf("cpu "), "highest priority first:\n" + out);
    }
}
