package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A scan killed with SIGKILL after some committed batches resumes without losing or duplicating rows. */
class KilledScanResumeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void killedScanResumes(int stopAfter) throws Exception {
        Path root = tmp.resolve("archive");
        SyntheticArchive.GroundTruth truth = SyntheticArchive.generate(root, 30, 6, 99);
        Path db = tmp.resolve("index.db");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledScanMain.class.getName(), db.toString(),
                root.toString(), Integer.toString(stopAfter)).redirectErrorStream(true).start();
        long committed = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int seen = 0;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    committed = Long.parseLong(line.substring(10));
                    if (++seen >= stopAfter) {
                        break;
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no commit, readers mid-file
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(committed > 0 && committed < truth.files(), "killed mid-scan after " + committed + " rows");
        long rowsAfterKill = rows(db);
        assertTrue(rowsAfterKill >= committed && rowsAfterKill < truth.files(), "rows after kill: " + rowsAfterKill);

        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(db), root)) {
            ScanStats s = a.lastScan();
            assertEquals(truth.files(), s.filesSeen());
            assertEquals(truth.files() - rowsAfterKill, s.filesRead(), "only files not committed before the kill are read");
            assertEquals(truth.files(), rows(db));
            GroundTruthAssert.assertRecovered(truth, a.report());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) - count(DISTINCT path) FROM files")) {
            assertEquals(0, rs.getLong(1), "no duplicated rows");
        }
    }

    private static long rows(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM files")) {
            return rs.getLong(1);
        }
    }
}
