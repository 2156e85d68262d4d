package org.rtsite.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.rtsite.core.RtsiteException;

/**
 * The plan bundles of an archive parked on disk (a temporary SQLite file, deleted on {@link #close()}),
 * made by {@link DicomArchive#spoolPlans}: the archive is linked patient by patient and each group's
 * bundles are written here as they come, so neither the linkage nor a caller that walks the bundles
 * holds more than one group, or one bundle, at a time. Iterating gives what {@code archive.plans()}
 * followed by {@code archive.planlessDoses()} gives, in the same order (plans in plan file order, then
 * doses without plan in RTDOSE file order), read back from the file each time: a bulk run can walk it
 * once to count what it will do and again to do it.
 *
 * <p>Not thread-safe: iterate from one thread. An iterator left unfinished keeps a cursor on the file
 * until the spool is closed.
 */
public final class PlanSpool implements Iterable<PlanBundle>, AutoCloseable {
    private static final int PLANS = 0;
    private static final int PLANLESS = 1;

    private final ScratchTable table = new ScratchTable("rtsite-plans", "plan spool");
    private final List<Statement> open = new ArrayList<>();
    private LinkageReport.Summary summary;
    private long plans;
    private long planless;

    PlanSpool() {
    }

    /** Parks one group's plans, and its doses without plan when {@code planlessDoses}. */
    void add(LinkageReport part, boolean planlessDoses) {
        try {
            for (PlanBundle p : part.plans()) {
                put(PLANS, p);
                plans++;
            }
            if (planlessDoses) {
                for (PlanBundle p : part.planlessDoses()) {
                    put(PLANLESS, p);
                    planless++;
                }
            }
            table.commitBatch();
        } catch (SQLException e) {
            throw new RtsiteException("cannot park a group's plan bundles in " + table.file() + ": " + e.getMessage(), e);
        }
    }

    private void put(int block, PlanBundle p) {
        table.put(block, p.planFile(), p);
    }

    /** Ends the writing: every later iteration reads the bundles in order through an index. */
    void finish(LinkageReport.Summary summary) {
        this.summary = summary;
        try (Statement s = table.connection().createStatement()) {
            s.execute("CREATE INDEX items_order ON items(block, key)");
            table.connection().commit();
        } catch (SQLException e) {
            throw new RtsiteException("cannot order the plan spool " + table.file() + ": " + e.getMessage(), e);
        }
    }

    /** The whole archive's linkage counts (as {@code archive.report().summary()}). */
    public LinkageReport.Summary summary() {
        return summary;
    }

    /** Plan bundles in this spool. */
    public long plans() {
        return plans;
    }

    /** Doses without plan in this spool (0 when they were not asked for). */
    public long planlessDoses() {
        return planless;
    }

    /** Every bundle in this spool: {@link #plans()} + {@link #planlessDoses()}. */
    public long size() {
        return plans + planless;
    }

    /**
     * The plans in plan file order, then the doses without plan in RTDOSE file order, each read from the
     * file as the iterator reaches it.
     *
     * @throws RtsiteException (from the iterator's methods) when the spool cannot be read (cause kept)
     */
    @Override
    public Iterator<PlanBundle> iterator() {
        try {
            PreparedStatement s = table.connection().prepareStatement("SELECT obj FROM items ORDER BY block, key");
            open.add(s);
            ResultSet rs = s.executeQuery();
            return new Iterator<>() {
                private PlanBundle next;
                private boolean done;

                @Override
                public boolean hasNext() {
                    if (next == null && !done) {
                        next = read();
                    }
                    return next != null;
                }

                @Override
                public PlanBundle next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException("no more plan bundles in " + table.file());
                    }
                    PlanBundle b = next;
                    next = null;
                    return b;
                }

                private PlanBundle read() {
                    try {
                        if (!rs.next()) {
                            done = true;
                            open.remove(s);
                            s.close();
                            return null;
                        }
                        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(rs.getBytes(1)))) {
                            return (PlanBundle) in.readObject();
                        }
                    } catch (SQLException | IOException | ClassNotFoundException e) {
                        throw new RtsiteException("cannot read the parked plan bundles in " + table.file() + ": "
                                + e.getMessage(), e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new RtsiteException("cannot read the parked plan bundles in " + table.file() + ": " + e.getMessage(), e);
        }
    }

    /** Closes the spool and deletes its file. */
    @Override
    public void close() {
        try {
            for (Statement s : open) {
                s.close();
            }
            open.clear();
        } catch (SQLException e) {
            throw new RtsiteException("cannot close the temporary plan spool " + table.file() + ": " + e.getMessage(), e);
        } finally {
            table.close();
        }
    }
}
