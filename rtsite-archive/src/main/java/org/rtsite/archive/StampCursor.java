package org.rtsite.archive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import org.rtsite.core.RtsiteException;

/**
 * The index rows of one path range in path order, read a chunk at a time, so that a re-scan compares the
 * walk with the index without holding every row's stamp: the scanner walks each folder in the same
 * order ({@link #compare}) and merges. Reads run on a connection of their own, one short read transaction
 * per chunk, while the scan's writer commits on the index's connection (WAL: readers and the writer do
 * not block each other). Only rows older than the scan ({@code id < before}) are returned: the rows the
 * writer adds or replaces during the scan are not stamps of the index the scan started from.
 */
final class StampCursor implements AutoCloseable {
    /** Rows per read transaction: the heap holds at most this many stamps. */
    static final int CHUNK = 4096;

    /** Size and mtime of a file as indexed, and whether it was unreadable then (such files are read again). */
    record Stamp(String path, long size, long mtime, boolean unreadable) {
    }

    private final Path file;
    private final long before;
    private final Connection conn;
    private final PreparedStatement from;
    private final PreparedStatement after;
    private final ArrayDeque<Stamp> chunk = new ArrayDeque<>();
    private String upper;
    private String last;
    private boolean exhausted = true;

    /** No rows: the cursor of an index that did not exist when the scan started (nothing to open or read). */
    static StampCursor none(Path file) {
        return new StampCursor(file);
    }

    private StampCursor(Path file) {
        this.file = file;
        this.before = 0;
        this.conn = null;
        this.from = null;
        this.after = null;
    }

    StampCursor(Path file, long before) {
        this.file = file;
        this.before = before;
        String sql = "SELECT path, size, mtime, status = '" + FileStatus.UNREADABLE.name() + "' FROM files WHERE path %s ?"
                + " AND path < ? AND id < ? ORDER BY path LIMIT " + CHUNK;
        try {
            org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
            config.setReadOnly(true);
            conn = RtsiteDatabase.connect(file, config.toProperties());
            try {
                from = conn.prepareStatement(String.format(sql, ">="));
                after = conn.prepareStatement(String.format(sql, ">"));
            } catch (SQLException e) {
                conn.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new RtsiteException("index " + file + ": cannot read file stamps: " + e.getMessage(), e);
        }
    }

    /**
     * Starts over on the rows whose path lies in {@code [lower, upperExclusive)} (in {@link #compare} order).
     */
    void range(String lower, String upperExclusive) {
        chunk.clear();
        upper = upperExclusive;
        if (conn == null) {
            return; // no rows
        }
        fetch(from, lower);
    }

    /** The next row of the range without consuming it; null at its end. */
    Stamp peek() {
        if (chunk.isEmpty() && !exhausted) {
            fetch(after, last);
        }
        return chunk.peekFirst();
    }

    /** Consumes the row {@link #peek} returned. */
    Stamp poll() {
        Stamp s = peek();
        if (s != null) {
            chunk.removeFirst();
        }
        return s;
    }

    private void fetch(PreparedStatement ps, String lower) {
        try {
            ps.setString(1, lower);
            ps.setString(2, upper);
            ps.setLong(3, before);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chunk.addLast(new Stamp(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4) == 1));
                    n++;
                }
            }
            exhausted = n < CHUNK;
            if (n > 0) {
                last = chunk.peekLast().path();
            }
        } catch (SQLException e) {
            throw new RtsiteException("index " + file + ": cannot read file stamps: " + e.getMessage(), e);
        }
    }

    /**
     * SQLite's order of text (BINARY collation: UTF-8 bytes, i.e. code points), which differs from
     * {@link String#compareTo} (UTF-16 units) only between surrogate pairs and U+E000..U+FFFF.
     */
    static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                if (sx != Character.isSurrogate(y)) {
                    return sx ? 1 : -1; // a surrogate codes a character above U+FFFF
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    @Override
    public void close() {
        if (conn == null) {
            return;
        }
        try {
            from.close();
            after.close();
            conn.close();
        } catch (SQLException e) {
            throw new RtsiteException("index " + file + ": cannot close the stamp reader: " + e.getMessage(), e);
        }
    }
}
