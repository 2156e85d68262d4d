package org.rtsite.archive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * The SQLite index (schema in docs/archive.md). One connection, used by one thread at a time: the
 * scan's writer thread, then the linker. WAL journal so that a killed scan keeps every committed
 * batch; each batch replaces the rows of its files in one transaction, so a file is either fully
 * indexed (row and references) or not at all.
 */
final class IndexDatabase implements AutoCloseable {
    static final int SCHEMA_VERSION = 1;
    /**
     * Version of what {@link HeaderExtractor} extracts (content_key digest, image plane key). An index
     * written by another version keeps its rows, but every file is read again by the next scan, so that
     * old and new keys are never compared.
     */
    static final String EXTRACTION_VERSION = "2";

    /** Indexes beside the path's: dropped while a scan fills an empty index, built once after it. */
    private static final List<String> SECONDARY_INDEXES = List.of("files_sop ON files(sop_instance)",
            "files_series ON files(series_uid)", "files_modality ON files(modality)",
            "files_frame ON files(frame_of_reference)", "refs_file ON refs(file_id)", "refs_uid ON refs(uid, kind)");

    private final Path file;
    private final Connection conn;
    private long nextId;

    IndexDatabase(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            conn = RtsiteDatabase.connect(file);
            try {
                // before the first write (even the journal mode): a foreign file is left as it was
                org.rtsite.archive.RtsiteDatabase.requireOwn(conn, file);
            } catch (RtsiteException | SQLException e) {
                conn.close();
                throw e;
            }
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=OFF");
                s.execute("PRAGMA cache_size=-65536");
                s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
                        + " size INTEGER NOT NULL, mtime INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT,"
                        + " has_meta INTEGER, sop_class TEXT, sop_instance TEXT, modality TEXT, patient_id TEXT,"
                        + " study_uid TEXT, series_uid TEXT, frame_of_reference TEXT, instance_number INTEGER,"
                        + " slice_position REAL, dose_summation_type TEXT, dose_grid TEXT, fractions INTEGER,"
                        + " content_key TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS refs(file_id INTEGER NOT NULL, kind TEXT NOT NULL,"
                        + " seq INTEGER NOT NULL, uid TEXT NOT NULL)");
                for (String index : SECONDARY_INDEXES) {
                    s.execute("CREATE INDEX IF NOT EXISTS " + index);
                }
                s.execute("CREATE TABLE IF NOT EXISTS scans(id INTEGER PRIMARY KEY, started TEXT, finished TEXT,"
                        + " roots TEXT, files_seen INTEGER, files_read INTEGER, removed INTEGER)");
            }
            String version = meta("schema_version");
            if (version == null) {
                setMeta("schema_version", Integer.toString(SCHEMA_VERSION));
                setMeta("extraction_version", EXTRACTION_VERSION);
            } else if (!version.equals(Integer.toString(SCHEMA_VERSION))) {
                throw new RtsiteException("index " + file + " has schema version " + version + ", this rtsite reads "
                        + SCHEMA_VERSION + "; delete it to rebuild");
            }
            if (!EXTRACTION_VERSION.equals(meta("extraction_version"))) {
                try (Statement s = conn.createStatement()) {
                    s.executeUpdate("UPDATE files SET mtime = -1"); // a stamp no file has: the next scan reads all
                }
                setMeta("extraction_version", EXTRACTION_VERSION);
            }
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM files")) {
                nextId = rs.next() ? rs.getLong(1) + 1 : 1;
            }
            conn.setAutoCommit(false);
        } catch (SQLException e) {
            throw new RtsiteException("cannot open the index database " + file + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new RtsiteIOException("cannot create the folder of index database " + file, e);
        }
    }

    Path file() {
        return file;
    }

    private String meta(String key) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM meta WHERE key=?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void setMeta(String key, String value) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    /** The id the next row gets: every row of the index has a smaller one. */
    long nextId() {
        return nextId;
    }

    /** Whether the index has no file row. */
    boolean empty() {
        return count("SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1)") == 0;
    }

    /**
     * Drops the secondary indexes, so that filling an empty index inserts into the table and its path
     * index only; {@link #createSecondaryIndexes} builds them afterwards in one sorted pass each (cheaper
     * than keeping them through random inserts). A scan killed in between leaves them to the next open.
     */
    void dropSecondaryIndexes() {
        try (Statement s = conn.createStatement()) {
            for (String index : SECONDARY_INDEXES) {
                s.execute("DROP INDEX IF EXISTS " + index.substring(0, index.indexOf(' ')));
            }
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw fail("drop the secondary indexes", e);
        }
    }

    /** Builds the indexes {@link #dropSecondaryIndexes} dropped (those that exist are left as they are). */
    void createSecondaryIndexes() {
        try (Statement s = conn.createStatement()) {
            for (String index : SECONDARY_INDEXES) {
                s.execute("CREATE INDEX IF NOT EXISTS " + index);
            }
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw fail("build the secondary indexes", e);
        }
    }

    /** Replaces the rows of these files (and their references) in one transaction. */
    void write(Collection<IndexedFile> batch) {
        write(batch, batch.stream().map(IndexedFile::path).toList());
    }

    /**
     * Writes the rows of these files (and their references) and drops the rows of {@code drop} (files
     * gone, and the old rows of files in {@code batch} that were indexed before), in one transaction.
     * A file known to be new needs no delete: on a first scan that is every file.
     */
    void write(Collection<IndexedFile> batch, Collection<String> drop) {
        try (PreparedStatement delRefs = conn.prepareStatement(
                "DELETE FROM refs WHERE file_id=(SELECT id FROM files WHERE path=?)");
             PreparedStatement delFile = conn.prepareStatement("DELETE FROM files WHERE path=?");
             PreparedStatement insFile = conn.prepareStatement("INSERT INTO files(id, path, size, mtime, status, reason,"
                     + " has_meta, sop_class, sop_instance, modality, patient_id, study_uid, series_uid,"
                     + " frame_of_reference, instance_number, slice_position, dose_summation_type, dose_grid, fractions,"
                     + " content_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement insRef = conn.prepareStatement(
                     "INSERT INTO refs(file_id, kind, seq, uid) VALUES (?,?,?,?)")) {
            if (!drop.isEmpty()) {
                for (String p : drop) {
                    delRefs.setString(1, p);
                    delRefs.addBatch();
                    delFile.setString(1, p);
                    delFile.addBatch();
                }
                delRefs.executeBatch();
                delFile.executeBatch();
            }
            for (IndexedFile f : batch) {
                long id = nextId++;
                int i = 1;
                insFile.setLong(i++, id);
                insFile.setString(i++, f.path());
                insFile.setLong(i++, f.size());
                insFile.setLong(i++, f.mtime());
                insFile.setString(i++, f.status().name());
                insFile.setString(i++, f.reason());
                insFile.setInt(i++, f.hasMeta() ? 1 : 0);
                insFile.setString(i++, f.sopClass());
                insFile.setString(i++, f.sopInstance());
                insFile.setString(i++, f.modality());
                insFile.setString(i++, f.patientId());
                insFile.setString(i++, f.studyUid());
                insFile.setString(i++, f.seriesUid());
                insFile.setString(i++, f.frameOfReference());
                setInt(insFile, i++, f.instanceNumber());
                if (f.slicePosition() == null) {
                    insFile.setNull(i++, Types.REAL);
                } else {
                    insFile.setDouble(i++, f.slicePosition());
                }
                insFile.setString(i++, f.doseSummationType());
                insFile.setString(i++, f.doseGrid());
                setInt(insFile, i++, f.fractions());
                insFile.setString(i, f.contentKey());
                insFile.addBatch();
                for (Map.Entry<RefKind, List<String>> e : f.refs().entrySet()) {
                    int seq = 0;
                    for (String uid : e.getValue()) {
                        insRef.setLong(1, id);
                        insRef.setString(2, e.getKey().name());
                        insRef.setInt(3, seq++);
                        insRef.setString(4, uid);
                        insRef.addBatch();
                    }
                }
            }
            insFile.executeBatch();
            insRef.executeBatch();
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw fail("write a batch of " + batch.size() + " files", e);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    void recordScan(String started, String finished, String roots, long seen, long read, long removed) {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO scans(started, finished, roots, files_seen, files_read, removed) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, started);
            ps.setString(2, finished);
            ps.setString(3, roots);
            ps.setLong(4, seen);
            ps.setLong(5, read);
            ps.setLong(6, removed);
            ps.executeUpdate();
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw fail("record the scan", e);
        }
    }

    /**
     * Copies the write-ahead log into the database file and empties it (what closing the last connection
     * does anyway): run on a thread beside the first linkage, it leaves {@link #close()} nothing to copy
     * and nothing to flush to the disk. What another connection still reads (its busy timeout passed) stays in the
     * log for the close.
     */
    void checkpoint() {
        try {
            conn.setAutoCommit(true);
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                conn.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw fail("copy the write-ahead log into the index", e);
        }
    }

    /** Streams every file row with its references (DICOM and not) to {@code sink}, in table order. */
    void forEachFile(Consumer<IndexedFile> sink) {
        try (Statement s = conn.createStatement()) {
            Map<Long, Map<RefKind, List<String>>> refs = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT file_id, kind, uid FROM refs ORDER BY file_id, kind, seq")) {
                while (rs.next()) {
                    refs.computeIfAbsent(rs.getLong(1), k -> new EnumMap<>(RefKind.class))
                            .computeIfAbsent(RefKind.valueOf(rs.getString(2)), k -> new ArrayList<>())
                            .add(rs.getString(3));
                }
            }
            // The UID and code columns travel packed in one value (fewer JNI calls per row: reading the
            // index back was half of the linkage time); none of them can hold the separator (DICOM text
            // values exclude control characters). Repeated values (a series' patient, study, frame) are
            // shared, so a CT slice costs one path and two UIDs of heap, not seven.
            Map<String, String> shared = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT id, path, size, mtime, status, reason, has_meta, instance_number,"
                    + " slice_position, fractions, ifnull(sop_class,'')||char(30)||ifnull(sop_instance,'')||char(30)"
                    + "||ifnull(modality,'')||char(30)||ifnull(patient_id,'')||char(30)||ifnull(study_uid,'')||char(30)"
                    + "||ifnull(series_uid,'')||char(30)||ifnull(frame_of_reference,'')||char(30)"
                    + "||ifnull(dose_summation_type,'')||char(30)||ifnull(dose_grid,'')||char(30)||ifnull(content_key,'')"
                    + " FROM files")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    Object n = rs.getObject(8);
                    Integer instance = n == null ? null : ((Number) n).intValue();
                    Object pos = rs.getObject(9);
                    Double position = pos == null ? null : ((Number) pos).doubleValue();
                    Object fr = rs.getObject(10);
                    Integer fractions = fr == null ? null : ((Number) fr).intValue();
                    String[] t = rs.getString(11).split("\u001e", -1);
                    if (t.length != 10) {
                        throw new RtsiteException("index " + file + ": row " + id + " has a text value holding a"
                                + " record separator; delete the index to rebuild it");
                    }
                    sink.accept(new IndexedFile(rs.getString(2), rs.getLong(3), rs.getLong(4),
                            FileStatus.valueOf(rs.getString(5)), rs.getString(6), rs.getInt(7) == 1,
                            share(shared, t[0]), emptyToNull(t[1]), share(shared, t[2]), share(shared, t[3]),
                            share(shared, t[4]), share(shared, t[5]), share(shared, t[6]), instance, position,
                            share(shared, t[7]), share(shared, t[8]), fractions, emptyToNull(t[9]),
                            refs.getOrDefault(id, Map.of())));
                }
            }
            conn.commit();
        } catch (SQLException e) {
            throw fail("read the index", e);
        }
    }

    /**
     * The group key of a DICOM row in SQL, as {@link Linkage#groupKey} computes it on the row read back (an
     * empty PatientID reads back as none).
     */
    private static final String GROUP_KEY_SQL = "CASE WHEN ifnull(patient_id,'') = '' THEN 'N' ELSE 'P' || patient_id END";

    /** The columns {@link #row} decodes, then the reference's kind and UID (null without reference). */
    private static final String ROW_SQL = "SELECT f.id, f.path, f.size, f.mtime, f.status, f.reason, f.has_meta,"
            + " f.instance_number, f.slice_position, f.fractions, ifnull(f.sop_class,'')||char(30)"
            + "||ifnull(f.sop_instance,'')||char(30)||ifnull(f.modality,'')||char(30)||ifnull(f.patient_id,'')||char(30)"
            + "||ifnull(f.study_uid,'')||char(30)||ifnull(f.series_uid,'')||char(30)||ifnull(f.frame_of_reference,'')"
            + "||char(30)||ifnull(f.dose_summation_type,'')||char(30)||ifnull(f.dose_grid,'')||char(30)"
            + "||ifnull(f.content_key,''), r.kind, r.uid FROM files f LEFT JOIN refs r ON r.file_id = f.id";

    /**
     * Groups that meet through UIDs ({@link Linkage#groups}, computed by SQLite on disk: the JVM holds
     * only the UIDs that several groups share). A UID carried by a file (SOP Instance UID; Series Instance
     * UID of an image, as {@link Linker#kind} tells one) and carried or referenced by rows of several groups
     * joins them.
     */
    Linkage.Groups joins() {
        String keyed = "SELECT id, " + GROUP_KEY_SQL + " AS k, sop_instance, series_uid, modality FROM files"
                + " WHERE status = 'DICOM'";
        String sql = "WITH keyed AS (" + keyed + "), u(uid, k, carried) AS ("
                + "SELECT sop_instance, k, 1 FROM keyed"
                + " UNION ALL SELECT series_uid, k, 1 FROM keyed WHERE ifnull(series_uid,'') <> ''"
                + " AND ifnull(modality,'') <> '' AND substr(modality, 1, 2) <> 'RT'"
                + " UNION ALL SELECT r.uid, keyed.k, 0 FROM refs r JOIN keyed ON keyed.id = r.file_id"
                + " WHERE r.kind IN ('STRUCTURE_SET', 'PLAN', 'SERIES', 'CONTOUR_IMAGE'))"
                + " SELECT json_group_array(DISTINCT k) FROM u GROUP BY uid"
                + " HAVING max(carried) = 1 AND count(DISTINCT k) > 1";
        Linkage.Groups groups = new Linkage.Groups();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                groups.join(List.of(json.readValue(rs.getString(1), String[].class)));
            }
            conn.commit();
        } catch (SQLException e) {
            throw fail("find the patients that share UIDs", e);
        } catch (java.io.IOException e) {
            throw new RtsiteException("index " + file + ": cannot read the group keys SQLite listed: " + e.getMessage(), e);
        }
        return groups;
    }

    /** Every unreadable file (named in the reasons of plans beside them, whatever their patient). */
    List<IndexedFile> unreadable() {
        List<IndexedFile> out = new ArrayList<>();
        stream(ROW_SQL + " WHERE f.status = 'UNREADABLE' ORDER BY f.path", f -> f.path(), (k, g) -> out.addAll(g));
        return out;
    }

    /**
     * Streams the index to {@code sink} one group at a time: the DICOM rows of each patient (read in
     * PatientID order through an index, so the JVM holds one patient), the patients {@code groups} joins
     * together as one group (held until their last member is read), then the files that are not DICOM or
     * unreadable in path order, {@code failedChunk} at a time (they meet no other file: any chunking links
     * them alike). Each group's rows are in index order; refs as {@link #forEachFile} reads them.
     */
    void forEachGroup(Linkage.Groups groups, int failedChunk, Consumer<List<IndexedFile>> sink) {
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS files_patient ON files(patient_id)");
            conn.commit();
        } catch (SQLException e) {
            throw fail("index the files by patient", e);
        }
        Joiner joiner = new Joiner(groups, sink);
        stream(ROW_SQL + " WHERE f.status = 'DICOM' ORDER BY f.patient_id, f.id, r.seq", Linkage::groupKey, joiner::run);
        joiner.finish();
        int[] n = {0};
        stream(ROW_SQL + " WHERE f.status <> 'DICOM' ORDER BY f.path", f -> Integer.toString(n[0]++ / failedChunk),
                (k, g) -> sink.accept(g));
    }

    /**
     * {@link #forEachGroup} over rows held in memory ({@link #asStored} rows in id order, as a first scan
     * wrote them): the same groups, in the same order, each with its rows in the same order (the DICOM rows
     * by PatientID in SQLite's order, then id; the others by path, {@code failedChunk} at a time).
     */
    static void forEachGroup(List<IndexedFile> rows, Linkage.Groups groups, int failedChunk,
                             Consumer<List<IndexedFile>> sink) {
        List<IndexedFile> dicom = new ArrayList<>();
        List<IndexedFile> other = new ArrayList<>();
        for (IndexedFile f : rows) {
            (f.status() == FileStatus.DICOM ? dicom : other).add(f);
        }
        // stable: rows of one patient stay in id order; NULL sorts first in SQLite
        dicom.sort((a, b) -> a.patientId() == null ? (b.patientId() == null ? 0 : -1)
                : b.patientId() == null ? 1 : StampCursor.compare(a.patientId(), b.patientId()));
        Joiner joiner = new Joiner(groups, sink);
        runs(dicom, Linkage::groupKey, joiner::run);
        joiner.finish();
        other.sort((a, b) -> StampCursor.compare(a.path(), b.path()));
        int[] n = {0};
        runs(other, f -> Integer.toString(n[0]++ / failedChunk), (k, g) -> sink.accept(g));
    }

    /** Hands each run of consecutive rows with one key to {@code group}. */
    private static void runs(List<IndexedFile> rows, Function<IndexedFile, String> key,
                             BiConsumer<String, List<IndexedFile>> group) {
        List<IndexedFile> run = new ArrayList<>();
        String runKey = null;
        for (IndexedFile f : rows) {
            String k = key.apply(f);
            if (runKey != null && !runKey.equals(k)) {
                group.accept(runKey, run);
                run = new ArrayList<>();
            }
            runKey = k;
            run.add(f);
        }
        if (runKey != null) {
            group.accept(runKey, run);
        }
    }

    /**
     * Turns runs of one group key (in PatientID order) into the groups to link: a run whose key no UID
     * joins is a group; the runs of keys {@code groups} joins are held until their last member's run.
     */
    private static final class Joiner {
        private final Map<String, String> joined;
        private final Map<String, Integer> membersLeft = new HashMap<>();
        private final Map<String, List<IndexedFile>> pending = new HashMap<>();
        private final Consumer<List<IndexedFile>> sink;

        Joiner(Linkage.Groups groups, Consumer<List<IndexedFile>> sink) {
            this.joined = groups.joined();
            this.sink = sink;
            joined.values().forEach(c -> membersLeft.merge(c, 1, Integer::sum));
        }

        void run(String key, List<IndexedFile> g) {
            String c = joined.get(key);
            if (c == null) {
                sink.accept(g);
                return;
            }
            pending.computeIfAbsent(c, k -> new ArrayList<>()).addAll(g);
            if (membersLeft.merge(c, -1, Integer::sum) == 0) {
                sink.accept(pending.remove(c));
            }
        }

        /** A joined member with no row left (cannot happen on one connection): its component is still linked. */
        void finish() {
            new TreeMap<>(pending).values().forEach(sink);
        }
    }

    /**
     * The row as this index reads it back (what {@link #forEachGroup} would hand out after {@link #write}):
     * empty text values read back as none, repeated values are shared through {@code shared}, and a slice
     * position reads back as SQLite stores it (NaN as NULL, -0.0 as 0.0). Null when the index could not
     * read the row back ({@link #forEachGroup} refuses a text value holding the record separator).
     */
    static IndexedFile asStored(IndexedFile f, Map<String, String> shared) {
        String[] t = {f.sopClass(), f.sopInstance(), f.modality(), f.patientId(), f.studyUid(), f.seriesUid(),
            f.frameOfReference(), f.doseSummationType(), f.doseGrid(), f.contentKey()};
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) {
                t[i] = "";
            } else if (t[i].indexOf('\u001e') >= 0) {
                return null;
            }
        }
        Double position = f.slicePosition();
        if (position != null && position.isNaN()) {
            position = null;
        } else if (position != null && position == 0.0) {
            position = 0.0;
        }
        return new IndexedFile(f.path(), f.size(), f.mtime(), f.status(), f.reason(), f.hasMeta(), share(shared, t[0]),
                emptyToNull(t[1]), share(shared, t[2]), share(shared, t[3]), share(shared, t[4]), share(shared, t[5]),
                share(shared, t[6]), f.instanceNumber(), position, share(shared, t[7]), share(shared, t[8]),
                f.fractions(), emptyToNull(t[9]), f.refs());
    }

    /**
     * Runs a query of {@link #ROW_SQL} rows (a file's row repeated once per reference, consecutively) and
     * hands each run of files with one key to {@code group}; repeated text values are shared within a run.
     */
    private void stream(String sql, Function<IndexedFile, String> key,
                        BiConsumer<String, List<IndexedFile>> group) {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            Map<String, String> shared = new HashMap<>();
            List<IndexedFile> run = new ArrayList<>();
            String runKey = null;
            long id = -1;
            String[] t = null;
            Object[] row = null;
            Map<RefKind, List<String>> refs = new EnumMap<>(RefKind.class);
            while (true) {
                boolean more = rs.next();
                long next = more ? rs.getLong(1) : -1;
                if (row != null && (!more || next != id)) {
                    IndexedFile f = decode(row, t, shared, refs);
                    String k = key.apply(f);
                    if (runKey != null && !runKey.equals(k)) {
                        group.accept(runKey, run);
                        run = new ArrayList<>();
                        shared = new HashMap<>();
                        f = decode(row, t, shared, refs);
                    }
                    runKey = k;
                    run.add(f);
                    refs = new EnumMap<>(RefKind.class);
                    row = null;
                }
                if (!more) {
                    break;
                }
                if (row == null) {
                    id = next;
                    row = new Object[] {rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                        rs.getInt(7), rs.getObject(8), rs.getObject(9), rs.getObject(10)};
                    t = rs.getString(11).split("\u001e", -1);
                    if (t.length != 10) {
                        throw new RtsiteException("index " + file + ": row " + id + " has a text value holding a"
                                + " record separator; delete the index to rebuild it");
                    }
                }
                String kind = rs.getString(12);
                if (kind != null) {
                    refs.computeIfAbsent(RefKind.valueOf(kind), k -> new ArrayList<>()).add(rs.getString(13));
                }
            }
            if (runKey != null) {
                group.accept(runKey, run);
            }
            conn.commit();
        } catch (SQLException e) {
            throw fail("read the index", e);
        }
    }

    private static IndexedFile decode(Object[] row, String[] t, Map<String, String> shared,
                                      Map<RefKind, List<String>> refs) {
        Object n = row[6];
        Object pos = row[7];
        Object fr = row[8];
        return new IndexedFile((String) row[0], (Long) row[1], (Long) row[2], FileStatus.valueOf((String) row[3]),
                (String) row[4], (Integer) row[5] == 1, share(shared, t[0]), emptyToNull(t[1]), share(shared, t[2]),
                share(shared, t[3]), share(shared, t[4]), share(shared, t[5]), share(shared, t[6]),
                n == null ? null : ((Number) n).intValue(), pos == null ? null : ((Number) pos).doubleValue(),
                share(shared, t[7]), share(shared, t[8]), fr == null ? null : ((Number) fr).intValue(),
                emptyToNull(t[9]), refs.isEmpty() ? Map.of() : refs);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String share(Map<String, String> shared, String s) {
        return s.isEmpty() ? null : shared.computeIfAbsent(s, k -> k);
    }

    long count(String sql) {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            long n = rs.next() ? rs.getLong(1) : 0;
            conn.commit();
            return n;
        } catch (SQLException e) {
            throw fail(sql, e);
        }
    }

    private void rollback() {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }

    private RtsiteException fail(String what, SQLException e) {
        return new RtsiteException("index " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw fail("close", e);
        }
    }
}
