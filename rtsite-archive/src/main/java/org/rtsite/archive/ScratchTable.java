package org.rtsite.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * A temporary SQLite file with one table {@code items(block, key, obj)}, deleted on {@link #close()}: where
 * {@link PlanSpool} and {@link ReportSpool} park what a streamed linkage produces, so that neither holds an
 * archive's worth of objects in memory. Autocommit is off; the owner commits after each batch.
 */
final class ScratchTable implements AutoCloseable {
    private final Path file;
    private final String what;
    private final Connection conn;
    private final PreparedStatement insert;

    /**
     * @param prefix the temporary file's name prefix
     * @param what   what the file holds, for error messages ("plan spool", "linkage report")
     */
    ScratchTable(String prefix, String what) {
        this.what = what;
        try {
            file = Files.createTempFile(prefix, ".db");
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create a temporary file for the " + what, e);
        }
        try {
            conn = RtsiteDatabase.connect(file);
            try (Statement s = conn.createStatement()) {
                // a scratch file: nothing to recover after a crash, it is deleted anyway
                s.execute("PRAGMA journal_mode=OFF");
                s.execute("PRAGMA synchronous=OFF");
                s.execute("CREATE TABLE items(block INTEGER NOT NULL, key BLOB NOT NULL, obj BLOB NOT NULL)");
            }
            conn.setAutoCommit(false);
            insert = conn.prepareStatement("INSERT INTO items(block, key, obj) VALUES (?, ?, ?)");
        } catch (SQLException e) {
            delete();
            throw new RtsiteException("cannot open the temporary " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    Connection connection() {
        return conn;
    }

    /** Adds one object to the current batch, serialized, sorted within its block by {@code key}. */
    void put(int block, String key, Serializable o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            insert.setInt(1, block);
            // UTF-16 code units compared as bytes: the order of String.compareTo, which Linkage.merge sorts by
            insert.setBytes(2, key.getBytes(StandardCharsets.UTF_16BE));
            insert.setBytes(3, b.toByteArray());
            insert.addBatch();
        } catch (IOException | SQLException e) {
            throw new RtsiteException("cannot park " + key + " in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the current batch and commits it. */
    void commitBatch() throws SQLException {
        insert.executeBatch();
        conn.commit();
    }

    @Override
    public void close() {
        try {
            insert.close();
            conn.close();
        } catch (SQLException e) {
            throw new RtsiteException("cannot close the temporary " + what + " " + file + ": " + e.getMessage(), e);
        } finally {
            delete();
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(ScratchTable.class).warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
