package org.rtsite.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;

/** The results store under SQLITE_FULL, on a foreign file and read-only: a plan's rows are all there or none. */
class ResultStoreFaultTest {
    @TempDir
    Path dir;

    /**
     * Issue 14.1: the database fills up in the middle of the writes. Every later write keeps failing or
     * succeeding as a whole; none may leave a plan row without its label and organ rows.
     */
    @Test
    void aFullDatabaseNeverKeepsHalfAPlan() throws Exception {
        SiteResult r = SiteClassifier.builder().backend("cpu").build().classify(PhantomScene.LUNG_SBRT.build().withMasks());
        String json = SiteResultJson.write(r);
        Path db = dir.resolve("full.db");
        int failures = 0;
        int written = 0;
        try (ResultStore store = ResultStore.open(db)) {
            store.limitGrowth(96 * 1024);
            for (int i = 0; i < 200; i++) {
                // long keys and JSON so that the table pages, not only the indexes, hit the limit at varying statements
                PlanRecord rec = new PlanRecord("/archive/p" + i + "/" + "x".repeat(200 + 37 * (i % 11)) + ".dcm",
                        "1.2." + i, "P" + i, "rtstruct", r, List.of(), null, 1, 2, 3);
                try {
                    store.write(rec, json + " ".repeat(i % 7 * 500));
                    written++;
                } catch (RtsiteException e) {
                    assertTrue(e.getMessage().contains("SQLITE_FULL") || e.getMessage().contains("full"), e.getMessage());
                    failures++;
                }
            }
            assertTrue(failures > 50 && written > 5, written + " written, " + failures + " failed");
        }
        int labels = r.labels().size();
        int organs = r.organs().size();
        assertEquals(written, count(db, "SELECT count(*) FROM plan_result"));
        assertEquals(0, count(db, "SELECT count(*) FROM plan_result p WHERE (SELECT count(*) FROM plan_label l"
                + " WHERE l.plan_file = p.plan_file) <> " + labels + " OR (SELECT count(*) FROM plan_organ o"
                + " WHERE o.plan_file = p.plan_file) <> " + organs), "plans with missing label or organ rows");
        assertEquals(0, count(db, "SELECT count(*) FROM plan_label WHERE plan_file NOT IN (SELECT plan_file FROM plan_result)"));
        assertEquals(0, count(db, "SELECT count(*) FROM plan_organ WHERE plan_file NOT IN (SELECT plan_file FROM plan_result)"));

        // the same store, once there is space again, takes new plans whole
        try (ResultStore store = ResultStore.open(db)) {
            assertEquals(written, store.finishedPlans(true).size());
            store.write(new PlanRecord("/archive/after.dcm", "1.3", "P", "rtstruct", r, List.of(), null, 1, 2, 3), json);
        }
        assertEquals(organs, count(db, "SELECT count(*) FROM plan_organ WHERE plan_file = '/archive/after.dcm'"));
    }

    /** Issue 14.8: a database of another application gets no table and a clear refusal. */
    @Test
    void aForeignDatabaseIsRefusedUntouched() throws Exception {
        Path db = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers(id INTEGER, name TEXT)");
        }
        byte[] before = Files.readAllBytes(db);
        RtsiteException e = assertThrows(RtsiteException.class, () -> ResultStore.open(db));
        assertTrue(e.getMessage().contains("another application") && e.getMessage().contains("customers"), e.getMessage());
        assertEquals(List.of("customers"), tables(db));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the foreign file changed");
    }

    private static List<String> tables(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            List<String> t = new java.util.ArrayList<>();
            while (rs.next()) {
                t.add(rs.getString(1));
            }
            return t;
        }
    }

    static int count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
