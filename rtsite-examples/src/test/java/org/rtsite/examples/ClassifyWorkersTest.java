package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.samples.PhantomArchive;

/**
 * Issue 16: plans and CT slices share one pool of threads now; whatever {@code -j} says, the stored results
 * (labels, rule, every organ's counts and scores, the result JSON less its timings) are the same.
 */
class ClassifyWorkersTest {

    @TempDir
    Path dir;

    @Test
    void storedResultsAreIdenticalForOneAndTwoWorkers() throws Exception {
        Path root = dir.resolve("archive");
        List<PhantomScene> scenes = List.of(PhantomScene.LUNG_SBRT, PhantomScene.PROSTATE, PhantomScene.OROPHARYNX,
                PhantomScene.PELVIC_NODES);
        PhantomArchive.write(root, scenes);
        List<String> first = null;
        for (String j : List.of("1", "2")) {
            Path db = dir.resolve("j" + j + ".db");
            CliRun r = CliRun.of("classify", root.toString(), "--db", db.toString(), "--out",
                    dir.resolve("out" + j).toString(), "-j", j, "--backend", "cpu", "--no-progress");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains(j + " worker(s)"), r.out());
            assertTrue(r.out().contains("4 plans, 4 classified, 0 failed"), r.out());
            List<String> rows = rows(db);
            if (first == null) {
                first = rows;
                assertTrue(rows.stream().filter(s -> s.startsWith("organ")).count() > 4 * 5, "organ rows: " + rows);
            } else {
                assertEquals(first, rows, "-j " + j + " against -j 1");
            }
        }
    }

    /** Every stored row of the three result tables, archive paths and timings left out. */
    private static List<String> rows(Path db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            add(out, "result", s, "SELECT patient_id, status, mask_source, primary_region, labels, rule, dmax_gy, "
                    + "dose_grid_dmax_gy, v85_cc, v50_cc, com85_x, com85_y, com85_z, organs, unmatched, error, "
                    + "json_remove(result_json, '$.timingsMs') FROM plan_result ORDER BY patient_id");
            add(out, "label", s, "SELECT r.patient_id, l.rank, l.region FROM plan_label l JOIN plan_result r "
                    + "USING (plan_file) ORDER BY 1, 2");
            add(out, "organ", s, "SELECT r.patient_id, o.name, o.source, o.canonical, o.region, o.role, o.voxels, "
                    + "o.v85_voxels, o.v50_voxels, o.score85, o.score50, o.dice85, o.dice50 FROM plan_organ o "
                    + "JOIN plan_result r USING (plan_file) ORDER BY 1, 2, 3");
        }
        return out;
    }

    private static void add(List<String> out, String table, Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder(table);
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    b.append('|').append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
    }

    @Test
    void aSegmenterRunsEachPlanOnItsWorkersShareOfTheCores() throws Exception {
        Path root = dir.resolve("seg-archive");
        PhantomArchive.write(root, List.of(PhantomScene.LIVER_SBRT)); // one plan: a segmentation costs seconds
        String pkg = Path.of("..", "models", "phantom-total-pt").toString();
        CliRun r = CliRun.of("classify", root.toString(), "--db", dir.resolve("seg.db").toString(), "--out",
                dir.resolve("seg-out").toString(), "-j", "2", "--backend", "cpu", "--no-progress", "--segmenter", pkg);
        assertEquals(0, r.exit(), r.out() + r.err());
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertTrue(r.out().contains("masks from segmenter (" + share + " engine thread(s) per plan), 2 worker(s)"),
                r.out());
        assertTrue(r.out().contains("1 plans, 1 classified, 0 failed"), r.out());
        assertEquals(org.rtsite.inference.Network.ENGINE_DEFAULT, ClassifyCommand.segmenterThreads(1),
                "one plan at a time keeps the engine's own count");
    }
}
