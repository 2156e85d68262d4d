package org.rtsite.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * Group reports parked on disk (a temporary SQLite file) and read back in the whole archive's order,
 * so that a report is written without holding it: groups are linked patient by patient, but the report
 * lists plans, structure sets and orphans in path order ({@link Linkage#merge}'s order).
 */
final class ReportSpool implements LinkageReport.Parts, AutoCloseable {
    private static final int PLANS = 0;
    private static final int STRUCTURE_SETS = 1;
    private static final int ARCHIVE_CONFLICTS = 2;
    private static final int NO_META = 3;
    private static final int PLANLESS = 4;
    /** Orphan blocks 0..5 ({@link Linker#orphanBlock}) are 10..15. */
    private static final int ORPHANS = 10;

    private final Path file;
    private final Connection conn;
    private final PreparedStatement insert;

    ReportSpool() {
        try {
            file = Files.createTempFile("rtsite-report", ".db");
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create a temporary file for the linkage report", e);
        }
        try {
            conn = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA journal_mode=OFF");
                s.execute("PRAGMA synchronous=OFF");
                s.execute("CREATE TABLE items(block INTEGER NOT NULL, key BLOB NOT NULL, obj BLOB NOT NULL)");
            }
            conn.setAutoCommit(false);
            insert = conn.prepareStatement("INSERT INTO items(block, key, obj) VALUES (?, ?, ?)");
        } catch (SQLException e) {
            delete();
            throw new RtsiteException("cannot open the temporary linkage report " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parks one group's report. */
    void add(LinkageReport part) {
        try {
            part.plans().forEach(p -> put(PLANS, p.planFile(), p));
            part.structureSets().forEach(l -> put(STRUCTURE_SETS, l.structureSetFile(), l));
            part.archiveConflicts().forEach(c -> put(ARCHIVE_CONFLICTS,
                    (c.type() == Conflict.Type.DUPLICATE_SOP_UID ? "0" : "1") + c.detail(), c));
            Set<String> structs = new HashSet<>();
            part.structureSets().forEach(l -> structs.add(l.structureSetFile()));
            part.orphans().forEach(o -> put(ORPHANS + Linker.orphanBlock(o, structs), o.path(), o));
            part.filesWithoutMetaHeader().forEach(p -> put(NO_META, p, p));
            part.planlessDoses().forEach(p -> put(PLANLESS, p.planFile(), p));
            insert.executeBatch();
            conn.commit();
        } catch (SQLException e) {
            throw new RtsiteException("cannot park a group's linkage in " + file + ": " + e.getMessage(), e);
        }
    }

    private void put(int block, String key, Serializable o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            insert.setInt(1, block);
            // UTF-16 code units compared as bytes: the order of String.compareTo, which Linkage.merge sorts by
            insert.setBytes(2, key.getBytes(java.nio.charset.StandardCharsets.UTF_16BE));
            insert.setBytes(3, b.toByteArray());
            insert.addBatch();
        } catch (IOException | SQLException e) {
            throw new RtsiteException("cannot park " + key + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> void read(int from, int to, Class<T> type, Consumer<T> c) {
        try (PreparedStatement s = conn.prepareStatement(
                "SELECT obj FROM items WHERE block BETWEEN ? AND ? ORDER BY block, key")) {
            s.setInt(1, from);
            s.setInt(2, to);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(rs.getBytes(1)))) {
                        c.accept(type.cast(in.readObject()));
                    }
                }
            }
        } catch (SQLException | IOException | ClassNotFoundException e) {
            throw new RtsiteException("cannot read the parked linkage in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void plans(Consumer<PlanBundle> c) {
        read(PLANS, PLANS, PlanBundle.class, c);
    }

    @Override
    public void structureSets(Consumer<StructureSetLink> c) {
        read(STRUCTURE_SETS, STRUCTURE_SETS, StructureSetLink.class, c);
    }

    @Override
    public void archiveConflicts(Consumer<Conflict> c) {
        read(ARCHIVE_CONFLICTS, ARCHIVE_CONFLICTS, Conflict.class, c);
    }

    @Override
    public void orphans(Consumer<Orphan> c) {
        read(ORPHANS, ORPHANS + 5, Orphan.class, c);
    }

    @Override
    public void filesWithoutMetaHeader(Consumer<String> c) {
        read(NO_META, NO_META, String.class, c);
    }

    @Override
    public void planlessDoses(Consumer<PlanBundle> c) {
        read(PLANLESS, PLANLESS, PlanBundle.class, c);
    }

    @Override
    public void close() {
        try {
            insert.close();
            conn.close();
        } catch (SQLException e) {
            throw new RtsiteException("cannot close the temporary linkage report " + file + ": " + e.getMessage(), e);
        } finally {
            delete();
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(ReportSpool.class).warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
