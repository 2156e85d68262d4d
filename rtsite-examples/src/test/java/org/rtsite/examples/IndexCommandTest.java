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

    /**
     * Reads in flight change how many files are read at once (and, with them, how many files a reader takes
     * at a time: 16 for 1 and 32, 1 for 600), and {@code --no-io-uring} how they are read (one at a time per reader
     * thread instead of batches submitted together), never what is indexed or linked.
     */
    @Test
    void readsInFlightLeaveTheReportAsItIs() throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.generate(root, 6, 3, 9);
        List<List<String>> variants = List.of(List.of("--reads-in-flight", "1"), List.of("--reads-in-flight", "32"),
                List.of("--reads-in-flight", "600"), List.of("--reads-in-flight", "600", "--no-io-uring"),
                List.of("--no-io-uring"), List.of("--io-uring"));
        for (int v = 0; v < variants.size(); v++) {
            List<String> args = new java.util.ArrayList<>(List.of("index", root.toString(), "--db",
                    tmp.resolve(v + ".db").toString(), "--report", tmp.resolve("report" + v).toString(), "--threads", "1",
                    "--no-progress"));
            args.addAll(variants.get(v));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
        }
        for (String f : List.of("linkage.json", "plans.csv", "structure_sets.csv", "orphans.csv")) {
            for (int v = 1; v < variants.size(); v++) {
                assertEquals(Files.readString(tmp.resolve("report0").resolve(f)),
                        Files.readString(tmp.resolve("report" + v).resolve(f)), f + " " + variants.get(v));
            }
        }
        CliRun fewer = CliRun.of("index", root.toString(), "--db", tmp.resolve("x.db").toString(), "--report",
                tmp.resolve("x").toString(), "--threads", "4", "--reads-in-flight", "2");
        assertEquals(2, fewer.exit());
        assertTrue(fewer.err().contains("readsInFlight must be in threads (4)..1024, got 2"), fewer.err());
    }

    @Test
    void missingRootIsAClearErrorWithExitCode1() {
        Path nowhere = tmp.resolve("nowhere");
        CliRun r = CliRun.of("index", nowhere.toString(), "--db", tmp.resolve("i.db").toString(), "--report", tmp.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("archive root " + nowhere + " is neither a folder nor a file"), r.err());
    }
}
