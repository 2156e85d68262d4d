package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.SyntheticArchive;

class IndexCommandTest {
    @TempDir
    Path tmp;

    @Test
    void indexesLinksAndWritesTheReportThenRescansNothing() throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(root, 8, 3, 5);
        Path db = tmp.resolve("index.db");
        Path report = tmp.resolve("report");
        CliRun r = CliRun.of("index", root.toString(), "--db", db.toString(), "--report", report.toString(), "--threads", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("indexing: "), r.err());
        assertTrue(r.out().contains("scan: " + truth.files() + " files (" + truth.files() + " read, 0 unchanged"), r.out());
        long complete = truth.plans().values().stream().filter(SyntheticArchive.Expected::complete).count();
        assertTrue(r.out().contains("linkage: " + truth.plans().size() + " plans, " + complete + " complete, "
                + (truth.plans().size() - complete) + " incomplete"), r.out());
        JsonNode json = new ObjectMapper().readTree(report.resolve("linkage.json").toFile());
        assertEquals(truth.plans().size(), json.get("plans").size());
        assertEquals(truth.orphans().size(), json.get("orphans").size());
        for (String csv : List.of("plans.csv", "structure_sets.csv", "orphans.csv")) {
            assertTrue(Files.size(report.resolve(csv)) > 0, csv);
        }
        // one row per plan, then one per dose without plan (issue 13.2: the report lists them)
        int planless = json.get("planlessDoses").size();
        assertEquals(planless, json.get("summary").get("planlessDoses").asInt());
        List<String> rows = Files.readAllLines(report.resolve("plans.csv"));
        assertEquals(truth.plans().size() + planless + 1, rows.size());
        assertTrue(rows.get(0).endsWith(",missing_plan"), rows.get(0));
        assertEquals(planless, rows.stream().filter(l -> l.contains("not in the archive")
                || l.contains("RTDOSE has no ReferencedRTPlanSequence")).count());
        assertTrue(r.out().contains("doses without plan: " + planless), r.out());

        CliRun again = CliRun.of("index", root.toString(), "--db", db.toString(), "--report", report.toString(), "--no-progress");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("(0 read, " + truth.files() + " unchanged"), again.out());
    }

    @Test
    void missingRootIsAClearErrorWithExitCode1() {
        Path nowhere = tmp.resolve("nowhere");
        CliRun r = CliRun.of("index", nowhere.toString(), "--db", tmp.resolve("i.db").toString(), "--report", tmp.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("archive root " + nowhere + " is neither a folder nor a file"), r.err());
    }
}
