package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rtsite classify} does not hold the archive's plan bundles: on a header-only index of 1,000 patients
 * written by Python's sqlite3 ({@code rtsite-benchmarks/scripts/gen_index_rows.py}: 147 CT slices, a
 * structure set, a plan and a dose each, no file on disk, so every plan is linked with 147 CT paths and fails
 * at loading, its file missing), a {@code classify} process under {@code -Xmx14m} links, runs and stores all
 * 1,000 plans. Holding the bundles, the same command died there with OutOfMemoryError in
 * {@code DicomArchive.report} (it needed 9 MiB at 200 plans, 37 MiB at 2,000); streamed it needs 7 MiB at
 * both sizes (docs/PERFORMANCE.md, "Classify memory").
 */
class ClassifyHeapBoundTest {

    @TempDir
    Path dir;

    @Test
    void classifyOfAThousandHeaderOnlyPlansRunsIn14MiBOfHeap() throws Exception {
        Path script = Path.of("..", "rtsite-benchmarks", "scripts", "gen_index_rows.py").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(script), "the index generator is beside this module: " + script);
        Path db = dir.resolve("index.db");
        Process gen = new ProcessBuilder("python3", script.toString(), Integer.toString(1000 * 150), db.toString())
                .redirectErrorStream(true).start();
        String genOut = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gen.waitFor(5, TimeUnit.MINUTES), "gen_index_rows.py still running");
        assertEquals(0, gen.exitValue(), genOut);
        assertTrue(genOut.contains("1000 patients"), genOut);

        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx14m", "-cp", System.getProperty("java.class.path"), RtsiteCli.class.getName(), "classify",
                "--db", db.toString(), "--out", dir.resolve("out").toString(), "--backend", "cpu", "-j", "2",
                "--no-progress").redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(10, TimeUnit.MINUTES), "classify still running");
        assertFalse(out.contains("OutOfMemoryError") || out.contains("out of memory"), out);
        assertEquals(3, run.exitValue(), out);
        assertTrue(out.contains("done: 1000 plans, 0 classified, 1000 failed, 0 already in the database"), out);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(error LIKE plan_file || ': no such file%') FROM plan_result"
                     + " WHERE status = 'FAILED' AND plan_file LIKE '/gen/site%/RTPLAN.dcm'")) {
            assertTrue(rs.next());
            assertEquals(1000, rs.getInt(1), "every plan stored");
            assertEquals(1000, rs.getInt(2), "each failure names its missing plan file");
        }
        assertEquals(1001, Files.readAllLines(dir.resolve("out").resolve("results.csv")).size(), "header + 1000 rows");
    }
}
