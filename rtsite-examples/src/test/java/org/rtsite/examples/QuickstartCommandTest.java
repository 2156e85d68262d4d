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
        Run r = run("quickstart", "--scene", "prostate", "--backend", "cpu");
        assertEquals(0, r.code, r.err);
        SiteResult result = SiteResultJson.read(r.out);
        assertEquals(List.of(Region.PELVIS), result.labels());
        assertEquals(Rule.V85_OVERLAP, result.rule());
    }

    @Test
    void summarisesAllScenes() {
        Run r = run("quickstart", "--scene", "all", "--summary");
        assertEquals(0, r.code, r.out + r.err);
        assertEquals(11, r.out.lines().count(), r.out);
        assertTrue(r.out.contains("whole-brain") && r.out.contains("CRANIAL_DICE"), r.out);
        assertTrue(!r.out.contains("UNEXPECTED"), r.out);
    }

    @Test
    void segmentsThePhantomCtWithTheNetworkInsteadOfUsingThePhantomsMasks() {
        java.nio.file.Path pkg = java.nio.file.Path.of("..", "models", "phantom-total-pt");
        Run r = run("quickstart", "--scene", "liver-sbrt", "--backend", "cpu", "--segmenter", pkg.toString());
        // 0 = the scene's labels, 1 = other labels (the committed network is not yet accurate enough; docs/inference.md)
        assertTrue(r.code == 0 || r.code == 1, r.out + r.err);
        assertTrue(!r.err.contains("Exception"), r.err);
        SiteResult result = SiteResultJson.read(r.out);
        java.util.Set<String> networkClasses = java.util.Set.of("brain", "lung_left", "lung_right", "liver", "spleen",
                "kidney_left", "kidney_right", "urinary_bladder");
        assertTrue(result.organs().stream().anyMatch(o -> o.source().equals("total")), r.out);
        assertTrue(result.organs().stream().filter(o -> o.source().equals("total"))
                .allMatch(o -> networkClasses.contains(o.name())), "only the network's classes, not the phantom's masks: " + r.out);
        assertTrue(result.timingsMs().get("segment") > 0, r.out);
    }

    @Test
    void missingSegmenterPackageIsAClearError() {
        Run r = run("quickstart", "--scene", "prostate", "--segmenter", "no/such/package");
        assertTrue(r.code != 0);
        assertTrue(r.err.contains("no/such/package"), r.err);
    }

    @Test
    void unknownSceneIsAClearError() {
        Run r = run("quickstart", "--scene", "knee");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unknown phantom scene 'knee'"), r.err);
    }
}
