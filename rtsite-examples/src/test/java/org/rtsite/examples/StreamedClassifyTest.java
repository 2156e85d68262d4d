package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.archive.SyntheticArchive;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.eval.report.Csv;
import org.rtsite.pipeline.ArchiveClassifier;
import org.rtsite.pipeline.RtsitePipeline;
import org.rtsite.pipeline.store.ResultStore;
import org.rtsite.samples.PhantomArchive;

/**
 * {@code rtsite classify} streams the plan bundles (linked patient by patient, parked on disk, handed to the
 * workers as they free up) and gives what classifying the held bundles of {@code archive.plans()} and
 * {@code archive.planlessDoses()} gives: on an archive of many patients (a synthetic archive of 45 patients
 * with re-plans, beam and fraction doses, doses without plan and broken links, plus phantom plans that
 * classify), every row of {@code plan_result} (timings aside), {@code plan_label} and {@code plan_organ},
 * the per-plan JSON files, results.csv, the counts printed and the exit status; and a re-run skips them all
 * with the earlier failures counted.
 */
class StreamedClassifyTest {
    /** Columns that differ between any two runs. */
    private static final List<String> TIMES = List.of("load_ms", "masks_ms", "classify_ms", "finished");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void streamedClassifyGivesTheResultsOfTheHeldBundles() throws Exception {
        Path root = dir.resolve("archive");
        SyntheticArchive.generate(root.resolve("synthetic"), 45, 3, 23);
        PhantomArchive.write(root.resolve("phantom"), List.of(PhantomScene.WHOLE_BRAIN, PhantomScene.LUNG_SBRT,
                PhantomScene.PROSTATE));

        // the held path: every bundle of the report in one list, as classify did before
        Path heldDb = dir.resolve("held.db");
        Path heldOut = dir.resolve("held-out");
        List<PlanBundle> held;
        try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(heldDb), root)) {
            held = new ArrayList<>(archive.plans().toList());
            held.addAll(archive.planlessDoses().toList());
        }
        long heldPlanless = held.stream().filter(PlanBundle::planless).count();
        ArchiveClassifier.Summary s;
        try (ResultStore store = ResultStore.open(heldDb)) {
            s = RtsitePipeline.builder().classifier(SiteClassifier.builder().backend("cpu").build())
                    .jsonOutput(heldOut.resolve("json")).workers(2).build()
                    .run(held, store, ArchiveClassifier.Progress.NONE);
            Files.createDirectories(heldOut);
            store.exportCsv(heldOut.resolve("results.csv"), null, null);
        }
        assertTrue(s.ok() >= 3 && s.failed() > 0, "the archive has plans that classify and plans that fail: " + s);

        Path db = dir.resolve("streamed.db");
        Path out = dir.resolve("streamed-out");
        CliRun run = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out", out.toString(),
                "--backend", "cpu", "-j", "2", "--no-progress");
        assertEquals(3, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains(String.format(Locale.ROOT, "classify: %d plans and %d doses without plan,",
                held.size() - heldPlanless, heldPlanless)), run.out());
        assertTrue(run.out().contains(String.format(Locale.ROOT, "done: %d plans, %d classified, %d failed, 0 already",
                s.plans(), s.ok(), s.failed())), run.out());
        assertTrue(run.out().contains("failed plans: " + s.failed() + " stored as failed (0 by earlier runs)"),
                run.out());

        for (String table : List.of("plan_result", "plan_label", "plan_organ")) {
            List<Map<String, Object>> expected = rows(heldDb, table);
            assertEquals(table.equals("plan_result") ? held.size() : expected.size(), expected.size());
            assertEquals(expected, rows(db, table), table);
        }
        assertEquals(withoutTimes(heldOut.resolve("results.csv")), withoutTimes(out.resolve("results.csv")));
        assertEquals(files(heldOut.resolve("json")), files(out.resolve("json")));

        CliRun again = CliRun.of("classify", "--db", db.toString(), "--out", out.toString(), "--backend", "cpu",
                "--no-progress");
        assertEquals(3, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains(String.format(Locale.ROOT,
                "done: %d plans, 0 classified, 0 failed, %d already in the database", s.plans(), s.plans())), again.out());
        assertTrue(again.out().contains("failed plans: " + s.failed() + " stored as failed (" + s.failed()
                + " by earlier runs)"), again.out());
        assertEquals(rows(heldDb, "plan_organ"), rows(db, "plan_organ"), "nothing written twice");

        CliRun noDoses = CliRun.of("classify", "--db", dir.resolve("plans-only.db").toString(), "--out",
                dir.resolve("plans-only").toString(), root.toString(), "--backend", "cpu", "--no-planless-doses",
                "--no-progress");
        assertTrue(noDoses.out().contains(String.format(Locale.ROOT, "classify: %d plans, masks from",
                held.size() - heldPlanless)), noDoses.out());
        assertEquals(rows(heldDb, "plan_result").stream().filter(r -> r.get("missing_plan") == null).toList(),
                rows(dir.resolve("plans-only.db"), "plan_result"));
    }

    /** Every row of {@code table} in key order, timings left out. */
    private static List<Map<String, Object>> rows(Path db, String table) throws Exception {
        String order = switch (table) {
            case "plan_label" -> "plan_file, rank";
            case "plan_organ" -> "plan_file, name, source";
            default -> "plan_file";
        };
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY " + order)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String column = md.getColumnName(i);
                    if (column.equals("result_json")) {
                        row.put(column, withoutTimes(rs.getString(i)));
                    } else if (!TIMES.contains(column)) {
                        row.put(column, rs.getObject(i));
                    }
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The CSV's records (RFC 4180, as ResultStore writes it) with the timing cells left out. */
    private static List<List<String>> withoutTimes(Path csv) throws Exception {
        List<List<String>> records = Csv.read(Files.readString(csv), csv.toString());
        List<String> header = records.get(0);
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : records) {
            assertEquals(header.size(), r.size(), "cells of " + r);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                if (!TIMES.contains(header.get(i))) {
                    kept.add(r.get(i));
                }
            }
            out.add(kept);
        }
        return out;
    }

    /** A result JSON without its stage timings (they differ between any two runs). */
    private static String withoutTimes(String json) throws Exception {
        if (json == null) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        assertTrue(tree.has("timingsMs"), json);
        tree.remove("timingsMs");
        return tree.toString();
    }

    private static Map<String, String> files(Path folder) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.toList()) {
                out.put(f.getFileName().toString(), withoutTimes(Files.readString(f)));
            }
        }
        return out;
    }
}
