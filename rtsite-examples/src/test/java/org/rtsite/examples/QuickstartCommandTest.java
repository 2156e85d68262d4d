package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import picocli.CommandLine;

class QuickstartCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RtsiteCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsTheResultJsonOfOneScene() {
        Run r = run("quickstart", "--in-memory", "--scene", "prostate", "--backend", "cpu");
        assertEquals(0, r.code, r.err);
        SiteResult result = SiteResultJson.read(r.out);
        assertEquals(List.of(Region.PELVIS), result.labels());
        assertEquals(Rule.V85_OVERLAP, result.rule());
    }

    @Test
    void summarisesAllScenes() {
        Run r = run("quickstart", "--in-memory", "--scene", "all", "--summary");
        assertEquals(0, r.code, r.out + r.err);
        assertEquals(11, r.out.lines().count(), r.out);
        assertTrue(r.out.contains("whole-brain") && r.out.contains("CRANIAL_DICE"), r.out);
        assertTrue(!r.out.contains("UNEXPECTED"), r.out);
    }

    @Test
    void unknownSceneIsAClearError() {
        Run r = run("quickstart", "--in-memory", "--scene", "knee");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unknown phantom scene 'knee'"), r.err);
    }
}
