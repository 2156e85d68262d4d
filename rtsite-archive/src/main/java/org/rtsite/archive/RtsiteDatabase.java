package org.rtsite.archive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rtsite.core.RtsiteException;

/**
 * Tells rtsite's SQLite files (archive index and results store) from other applications' before
 * rtsite creates anything in them, so that {@code --db} pointing at a foreign file is refused instead
 * of gaining stray tables.
 */
public final class RtsiteDatabase {
    /** Tables rtsite creates; a file holding only these (or none) is rtsite's. */
    static final Set<String> OWN_TABLES = Set.of("meta", "files", "refs", "scans", "plan_result", "plan_label",
            "plan_organ");

    private RtsiteDatabase() {
    }

    /** sqlite-jdbc's driver, asked directly. */
    private static final org.sqlite.JDBC SQLITE = new org.sqlite.JDBC();

    /**
     * Opens an SQLite connection on {@code file} with sqlite-jdbc's driver, not through {@code DriverManager}:
     * its first use looks for every JDBC driver on the class path, a scan that opens every jar (53 of the
     * command line's, the 100-250 MB engine jars among them) and cost a short command 20-50 ms of its start
     * (docs/PERFORMANCE.md, "Indexing, eleventh round").
     *
     * @param properties sqlite-jdbc's settings ({@code SQLiteConfig.toProperties()}), or empty
     */
    public static Connection connect(Path file, java.util.Properties properties) throws SQLException {
        return SQLITE.connect("jdbc:sqlite:" + file.toAbsolutePath(), properties);
    }

    /** {@link #connect(Path, java.util.Properties)} with sqlite-jdbc's default settings. */
    public static Connection connect(Path file) throws SQLException {
        return connect(file, new java.util.Properties());
    }

    /**
     * Throws when {@code c} (opened on {@code file}) holds tables of another application: an empty
     * database, one with rtsite's {@code meta.schema_version}, a {@code plan_result} table or only
     * rtsite's tables passes.
     */
    public static void requireOwn(Connection c, Path file) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        // plan_result marks a results store without an index (tables added by later versions come with it)
        if (tables.isEmpty() || OWN_TABLES.containsAll(tables) || tables.contains("plan_result")
                || hasSchemaVersion(c, tables)) {
            return;
        }
        throw new RtsiteException(file + " is an SQLite database of another application (tables: "
                + String.join(", ", tables.size() > 10 ? tables.subList(0, 10) : tables)
                + (tables.size() > 10 ? ", ..." : "") + "), not an rtsite index; nothing was written to it."
                + " Give --db a new file name or an existing rtsite database");
    }

    private static boolean hasSchemaVersion(Connection c, List<String> tables) throws SQLException {
        if (!tables.contains("meta")) {
            return false;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM meta WHERE key = 'schema_version'")) {
            return rs.next() && rs.getInt(1) > 0;
        } catch (SQLException e) {
            return false; // a foreign meta table without a key column
        }
    }
}
