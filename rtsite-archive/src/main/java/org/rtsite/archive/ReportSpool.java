package org.rtsite.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.rtsite.core.RtsiteException;

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

    private final ScratchTable table = new ScratchTable("rtsite-report", "linkage report");

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
            table.commitBatch();
        } catch (SQLException e) {
            throw new RtsiteException("cannot park a group's linkage in " + table.file() + ": " + e.getMessage(), e);
        }
    }

    private void put(int block, String key, Serializable o) {
        table.put(block, key, o);
    }

    private <T> void read(int from, int to, Class<T> type, Consumer<T> c) {
        try (PreparedStatement s = table.connection().prepareStatement(
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
            throw new RtsiteException("cannot read the parked linkage in " + table.file() + ": " + e.getMessage(), e);
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
        table.close();
    }
}
