package org.rtsite.pipeline.store;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.rtsite.archive.RtsiteDatabase;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;

/**
 * Classification results in an SQLite database (normally the archive index's own file): one row per
 * plan in {@code plan_result}, its ranked labels in {@code plan_label}, per-organ metrics in
 * {@code plan_organ}. Each plan is written in one explicit transaction (WAL journal), so a killed run
 * keeps every plan already written and never half of one. The connection runs in autocommit mode and
 * every write opens its own {@code BEGIN IMMEDIATE}: after SQLITE_FULL or an I/O error SQLite may
 * roll the transaction back by itself, and a driver-managed transaction would then let the next
 * statements commit one by one (a plan with its label row but no organ rows). Thread-safe (writes are
 * serialised).
 *
 * <pre>{@code SELECT plan_file FROM plan_result WHERE primary_region = 'Thorax';}</pre>
 */
public final class ResultStore implements AutoCloseable {
    private final Path file;
    private final Connection conn;

    private ResultStore(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Opens (creating tables if needed) the store in {@code database}. */
    public static ResultStore open(Path database) {
        try {
            Connection c = RtsiteDatabase.connect(database);
            try {
                RtsiteDatabase.requireOwn(c, database);
                createTables(c);
            } catch (RtsiteException | SQLException e) {
                // the caller gets no store to close, so the connection (and its file handle) must close here
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return new ResultStore(database, c);
        } catch (SQLException e) {
            throw new RtsiteException("cannot open the result store " + database + ": " + e.getMessage(), e);
        }
    }

    private static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=30000");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            // Two runs may open a new or older store at once: creating and upgrading the schema in one
            // write transaction makes the second wait and then see the columns the first added, instead
            // of both finding a column missing and the second failing on "duplicate column name".
            s.execute("BEGIN IMMEDIATE");
            try {
                createOrUpgrade(s);
                s.execute("COMMIT");
            } catch (SQLException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static void createOrUpgrade(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS plan_result(plan_file TEXT PRIMARY KEY, plan_uid TEXT,"
                + " patient_id TEXT, status TEXT NOT NULL, mask_source TEXT, primary_region TEXT, labels TEXT,"
                + " rule TEXT, dmax_gy REAL, dose_grid_dmax_gy REAL, v85_cc REAL, v50_cc REAL,"
                + " com85_x REAL, com85_y REAL, com85_z REAL, organs INTEGER, unmatched TEXT, error TEXT,"
                + " load_ms REAL, masks_ms REAL, classify_ms REAL, finished TEXT, result_json TEXT)");
        s.execute("CREATE INDEX IF NOT EXISTS plan_result_primary ON plan_result(primary_region)");
        s.execute("CREATE TABLE IF NOT EXISTS plan_label(plan_file TEXT NOT NULL, rank INTEGER NOT NULL,"
                + " region TEXT NOT NULL, PRIMARY KEY(plan_file, rank))");
        s.execute("CREATE INDEX IF NOT EXISTS plan_label_region ON plan_label(region)");
        s.execute("CREATE TABLE IF NOT EXISTS plan_organ(plan_file TEXT NOT NULL, name TEXT NOT NULL,"
                + " source TEXT, canonical TEXT, region TEXT, role TEXT, voxels INTEGER, v85_voxels INTEGER,"
                + " v50_voxels INTEGER, score85 REAL, score50 REAL, dice85 REAL, dice50 REAL)");
        s.execute("CREATE INDEX IF NOT EXISTS plan_organ_plan ON plan_organ(plan_file)");
        addColumnIfMissing(s, "missing_plan");
        addColumnIfMissing(s, "linkage");
    }

    /** Columns added after the first release: stores written before get them, NULL in old rows. */
    private static void addColumnIfMissing(Statement s, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(plan_result)")) {
            while (rs.next()) {
                if (column.equals(rs.getString("name"))) {
                    return;
                }
            }
        }
        s.execute("ALTER TABLE plan_result ADD COLUMN " + column + " TEXT");
    }

    /**
     * Opens an existing store for reading only, creating nothing: works on a read-only file system or
     * a file without write permission. SQLite needs the WAL's shared-memory file beside the database;
     * where it cannot be created (read-only folder after a clean close, so no WAL is pending) the
     * file is opened as immutable.
     */
    public static ResultStore openReadOnly(Path database) {
        String path = database.toAbsolutePath().toString();
        String uri = path.replace("%", "%25").replace("?", "%3f").replace("#", "%23");
        SQLException first;
        try {
            return readOnly(database, "jdbc:sqlite:file:" + uri + "?mode=ro");
        } catch (SQLException e) {
            first = e;
        }
        Path wal = Path.of(path + "-wal");
        try {
            if (!Files.exists(wal) || Files.size(wal) == 0) {
                return readOnly(database, "jdbc:sqlite:file:" + uri + "?immutable=1");
            }
        } catch (SQLException | IOException e) {
            first.addSuppressed(e);
        }
        throw new RtsiteException("cannot open the result store " + database + " for reading: " + first.getMessage(),
                first);
    }

    private static ResultStore readOnly(Path database, String url) throws SQLException {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        Connection c = config.createConnection(url);
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'plan_result'")) {
            if (!rs.next() || rs.getInt(1) == 0) {
                c.close();
                throw new RtsiteException(database + " holds no classification results (no plan_result table);"
                        + " run 'rtsite classify --db " + database + "' first");
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return new ResultStore(database, c);
    }

    /** The SQLite file the results are stored in. */
    public Path file() {
        return file;
    }

    /**
     * Lets the database file grow by at most {@code bytes} more through this connection (SQLite's
     * {@code max_page_count}); writes beyond fail with SQLITE_FULL exactly as on a full disk. A quota
     * for a shared disk, and how the fault tests fill the store deterministically.
     */
    public synchronized void limitGrowth(long bytes) {
        if (bytes < 0) {
            throw new InvalidInputException("growth limit must be >= 0 bytes, got " + bytes);
        }
        try (Statement s = conn.createStatement()) {
            long pageSize;
            long pages;
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                pageSize = rs.next() ? rs.getLong(1) : 4096;
            }
            try (ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                pages = rs.next() ? rs.getLong(1) : 0;
            }
            s.execute("PRAGMA max_page_count = " + (pages + bytes / pageSize));
        } catch (SQLException e) {
            throw fail("limit its size", e);
        }
    }

    /** Plan files with a row (finished, OK or failed). */
    public synchronized Set<String> finishedPlans(boolean includeFailed) {
        Set<String> done = new HashSet<>();
        String sql = "SELECT plan_file FROM plan_result" + (includeFailed ? "" : " WHERE status = 'OK'");
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                done.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw fail("read finished plans", e);
        }
        return done;
    }

    /**
     * The stored status of one plan, {@code "OK"} or {@code "FAILED"}, or null when it has no row: what a
     * bulk run asks plan by plan instead of holding {@link #finishedPlans} of a whole archive.
     */
    public synchronized String status(String planFile) {
        Objects.requireNonNull(planFile, "planFile");
        try (PreparedStatement p = conn.prepareStatement("SELECT status FROM plan_result WHERE plan_file = ?")) {
            p.setString(1, planFile);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw fail("read the status of " + planFile, e);
        }
    }

    /** Writes (replacing) one plan's row, labels and organs in one transaction. */
    public synchronized void write(PlanRecord r, String resultJson) {
        try {
            // fails when a transaction is still open: nothing of this plan may run outside its own
            execute("BEGIN IMMEDIATE");
            try (PreparedStatement d1 = conn.prepareStatement("DELETE FROM plan_label WHERE plan_file = ?");
                 PreparedStatement d2 = conn.prepareStatement("DELETE FROM plan_organ WHERE plan_file = ?")) {
                d1.setString(1, r.planFile());
                d1.executeUpdate();
                d2.setString(1, r.planFile());
                d2.executeUpdate();
            }
            // columns named: stores of earlier versions have had columns added at the end
            try (PreparedStatement p = conn.prepareStatement("INSERT OR REPLACE INTO plan_result(plan_file, plan_uid,"
                    + " patient_id, status, mask_source, primary_region, labels, rule, dmax_gy, dose_grid_dmax_gy,"
                    + " v85_cc, v50_cc, com85_x, com85_y, com85_z, organs, unmatched, error, load_ms, masks_ms,"
                    + " classify_ms, finished, result_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                SiteResult s = r.result();
                int i = 1;
                p.setString(i++, r.planFile());
                p.setString(i++, r.planUid());
                p.setString(i++, r.patientId());
                p.setString(i++, r.ok() ? "OK" : "FAILED");
                p.setString(i++, r.maskSource());
                p.setString(i++, s == null || s.labels().isEmpty() ? null : s.labels().get(0).label());
                p.setString(i++, s == null ? null : String.join("|", s.labelNames()));
                p.setString(i++, s == null ? null : s.rule().name());
                setDouble(p, i++, s == null ? null : s.dmaxGy());
                setDouble(p, i++, s == null ? null : s.doseGridDmaxGy());
                setDouble(p, i++, s == null ? null : s.v85Cc());
                setDouble(p, i++, s == null ? null : s.v50Cc());
                setDouble(p, i++, s == null || s.com85() == null ? null : s.com85().x());
                setDouble(p, i++, s == null || s.com85() == null ? null : s.com85().y());
                setDouble(p, i++, s == null || s.com85() == null ? null : s.com85().z());
                if (s == null) {
                    p.setNull(i++, java.sql.Types.INTEGER);
                } else {
                    p.setInt(i++, s.organs().size());
                }
                p.setString(i++, r.unmatched().isEmpty() ? null : String.join("|", r.unmatched()));
                p.setString(i++, r.error());
                setDouble(p, i++, r.loadMs());
                setDouble(p, i++, r.masksMs());
                setDouble(p, i++, r.classifyMs());
                p.setString(i++, Instant.now().toString());
                p.setString(i, resultJson);
                p.executeUpdate();
            }
            try (PreparedStatement p = conn.prepareStatement(
                    "UPDATE plan_result SET missing_plan = ?, linkage = ? WHERE plan_file = ?")) {
                p.setString(1, r.missingPlan());
                p.setString(2, r.linkage());
                p.setString(3, r.planFile());
                p.executeUpdate();
            }
            if (r.ok()) {
                try (PreparedStatement p = conn.prepareStatement("INSERT INTO plan_label VALUES(?,?,?)")) {
                    int rank = 1;
                    for (Region g : r.result().labels()) {
                        p.setString(1, r.planFile());
                        p.setInt(2, rank++);
                        p.setString(3, g.label());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                try (PreparedStatement p = conn.prepareStatement(
                        "INSERT INTO plan_organ VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    for (OrganMetrics o : r.result().organs()) {
                        p.setString(1, r.planFile());
                        p.setString(2, o.name());
                        p.setString(3, o.source());
                        p.setString(4, o.canonical());
                        p.setString(5, o.region() == null ? null : o.region().label());
                        p.setString(6, o.role().name());
                        p.setLong(7, o.voxels());
                        p.setLong(8, o.v85Voxels());
                        p.setLong(9, o.v50Voxels());
                        p.setDouble(10, o.score85());
                        p.setDouble(11, o.score50());
                        p.setDouble(12, o.dice85());
                        p.setDouble(13, o.dice50());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            execute("COMMIT");
        } catch (SQLException e) {
            rollback(e);
            throw fail("write the result of " + r.planFile(), e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }

    /** Ends whatever is left of a failed write; SQLite may already have rolled it back itself. */
    private void rollback(SQLException cause) {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                cause.addSuppressed(e);
            }
        }
    }

    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null || v.isNaN()) {
            p.setNull(i, java.sql.Types.REAL);
        } else {
            p.setDouble(i, v);
        }
    }

    /** Columns of {@code plan_result} shown by reports (no JSON blob). */
    public static final List<String> REPORT_COLUMNS = List.of("plan_file", "plan_uid", "patient_id", "status",
            "mask_source", "primary_region", "labels", "rule", "dmax_gy", "dose_grid_dmax_gy", "v85_cc", "v50_cc",
            "com85_x", "com85_y", "com85_z", "organs", "unmatched", "error", "load_ms", "masks_ms", "classify_ms",
            "finished", "missing_plan", "linkage");

    /**
     * Plan rows, optionally only those whose primary region is {@code primary} and/or whose status is
     * {@code status} (OK or FAILED), in plan file order.
     */
    public synchronized List<Map<String, Object>> query(String primary, String status) {
        List<Map<String, Object>> rows = new ArrayList<>();
        forEachRow(primary, status, rows::add);
        return rows;
    }

    /**
     * As {@link #query}, handing the rows to {@code sink} one at a time as they are read, without holding
     * them (an export of a whole archive's results).
     */
    public synchronized void forEachRow(String primary, String status, Consumer<Map<String, Object>> sink) {
        Objects.requireNonNull(sink, "sink");
        StringBuilder sql = new StringBuilder("SELECT " + String.join(", ", REPORT_COLUMNS) + " FROM plan_result WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (primary != null) {
            sql.append(" AND lower(primary_region) = lower(?)");
            args.add(primary);
        }
        if (status != null) {
            sql.append(" AND status = upper(?)");
            args.add(status);
        }
        sql.append(" ORDER BY plan_file");
        try (PreparedStatement p = conn.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                p.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = p.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        row.put(md.getColumnName(c), rs.getObject(c));
                    }
                    sink.accept(row);
                }
            }
        } catch (SQLException e) {
            throw fail("query plan results", e);
        }
    }

    /** The stored result JSON of one plan, or null. */
    public synchronized String resultJson(String planFile) {
        try (PreparedStatement p = conn.prepareStatement("SELECT result_json FROM plan_result WHERE plan_file = ?")) {
            p.setString(1, planFile);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw fail("read the result of " + planFile, e);
        }
    }

    /** Writes rows as RFC 4180 CSV with a header line. */
    public static void writeCsv(List<Map<String, Object>> rows, Writer w) throws IOException {
        writeCsvHeader(w);
        for (Map<String, Object> row : rows) {
            writeCsvRow(row, w);
        }
    }

    private static void writeCsvHeader(Writer w) throws IOException {
        w.write(String.join(",", REPORT_COLUMNS));
        w.write("\n");
    }

    private static void writeCsvRow(Map<String, Object> row, Writer w) throws IOException {
        List<String> cells = new ArrayList<>();
        for (String c : REPORT_COLUMNS) {
            Object v = row.get(c);
            cells.add(v == null ? "" : csv(v.toString()));
        }
        w.write(String.join(",", cells));
        w.write("\n");
    }

    /** Exports rows matching the filters to a CSV file. */
    public void exportCsv(Path out, String primary, String status) {
        exportCsv(out, primary, status, UnaryOperator.identity());
    }

    /**
     * Exports rows matching the filters to a CSV file, each row as {@code row} makes it (e.g. a
     * {@link Pseudonymizer#row}), streamed from the store to the file.
     *
     * @throws RtsiteIOException when the file cannot be written
     */
    public void exportCsv(Path out, String primary, String status, UnaryOperator<Map<String, Object>> row) {
        Objects.requireNonNull(row, "row");
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            writeCsvHeader(w);
            forEachRow(primary, status, r -> {
                try {
                    writeCsvRow(row.apply(r), w);
                } catch (IOException e) {
                    throw new RtsiteIOException("cannot write " + out, e);
                }
            });
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + out, e);
        }
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private RtsiteException fail(String what, SQLException e) {
        return new RtsiteException("result store " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    /** Closes the connection; the store cannot be used afterwards. */
    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw fail("close", e);
        }
    }
}
