package org.rtsite.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * Entry point of archive indexing and RT linkage: scan folders of DICOM files (any layout, any
 * names) into a persistent SQLite index, then link every plan to its structure set, image series
 * and dose.
 *
 * <pre>{@code
 * try (DicomArchive archive = DicomArchive.index(ArchiveOptions.of(Path.of("index.db")), root)) {
 *     archive.plans().filter(PlanBundle::complete).forEach(...);
 *     archive.report().writeJson(Path.of("linkage.json"));
 * }
 * }</pre>
 *
 * Re-indexing with the same database reads only new or changed files. Not thread-safe: use one
 * archive from one thread.
 */
public final class DicomArchive implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DicomArchive.class);
    private final IndexDatabase db;
    private final ScanStats lastScan;
    private final Path temporary;
    private LinkageReport report;
    private LinkageReport.Summary summary;

    /** The first scan's rows, for the first linkage only ({@link ArchiveScanner#held}); null after it. */
    private List<IndexedFile> held;

    /**
     * What is left of that scan ({@link ArchiveScanner#deferred}: the secondary indexes and the scan's record),
     * run beside the first linkage, which links {@link #held} without the index; null once run or started.
     */
    private Runnable unfinished;

    /** {@link #unfinished} running on its own thread during the first linkage; null when not running. */
    private FutureTask<Void> finishing;

    private DicomArchive(IndexDatabase db, ScanStats lastScan, Path temporary, List<IndexedFile> held,
                         Runnable unfinished) {
        this.db = db;
        this.lastScan = lastScan;
        this.temporary = temporary;
        this.held = held;
        this.unfinished = unfinished;
    }

    /**
     * Indexes {@code roots} into a temporary database, deleted on {@link #close()}.
     *
     * @throws InvalidInputException when no root is given
     * @throws RtsiteIOException     when the temporary database cannot be created (a folder that cannot be
     *                               listed is an UNREADABLE row, not an error)
     * @throws RtsiteException       when the index database fails (SQLite's exception as cause); files that
     *                               are not DICOM or cannot be read are counted, not thrown
     */
    public static DicomArchive index(Path... roots) {
        Path tmp;
        try {
            tmp = Files.createTempFile("rtsite-index", ".db");
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create a temporary index database", e);
        }
        return index(ArchiveOptions.of(tmp), ScanListener.NONE, tmp, roots);
    }

    /**
     * Indexes {@code roots} into {@code options.database()}, reading only new or changed files. After a first
     * scan into an empty index, the index's secondary indexes and its record of the scan are written beside the
     * first linkage ({@link #writeReport}, {@link #spoolPlans}, {@link #report()}, {@link #summary()},
     * {@link #linkByGroup}), which returns when they are, or by {@link #close()}: another connection that reads
     * the database before then finds every row, without them.
     *
     * @throws InvalidInputException when no root is given
     * @throws RtsiteIOException     when the database's folder cannot be created
     * @throws RtsiteException       when the index database cannot be opened or written (cause kept)
     */
    public static DicomArchive index(ArchiveOptions options, Path... roots) {
        return index(options, ScanListener.NONE, null, roots);
    }

    /**
     * As {@link #index(ArchiveOptions, Path...)}, reporting progress after each committed batch.
     *
     * @throws RtsiteException as {@link #index(ArchiveOptions, Path...)}
     */
    public static DicomArchive index(ArchiveOptions options, ScanListener listener, Path... roots) {
        return index(options, listener, null, roots);
    }

    private static DicomArchive index(ArchiveOptions options, ScanListener listener, Path temporary, Path... roots) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (roots == null || roots.length == 0) {
            deleteTemporary(temporary);
            throw new InvalidInputException("no archive root given");
        }
        IndexDatabase db = null;
        FutureTask<IndexDatabase> opening = null;
        try {
            List<Path> unique = distinctRoots(roots);
            Path file = options.database();
            ArchiveScanner scanner;
            if (Files.notExists(file) && Files.notExists(Path.of(file + "-wal"))) {
                // a new index holds no row: the walk and the reads need nothing from it, so it is opened
                // (SQLite's native library loaded, the schema created) beside them
                opening = new FutureTask<>(() -> new IndexDatabase(file));
                Thread t = new Thread(opening, "rtsite-index-open");
                t.setDaemon(true);
                t.start();
                scanner = new ArchiveScanner(opening, options, listener);
            } else {
                db = new IndexDatabase(file);
                scanner = new ArchiveScanner(db, options, listener);
            }
            ScanStats stats = scanner.scan(unique);
            db = scanner.database();
            return new DicomArchive(db, stats, temporary, scanner.held(), scanner.deferred());
        } catch (RuntimeException | Error e) {
            if (db == null && opening != null) {
                db = openedAnyway(opening);
            }
            if (db != null) {
                db.close();
            }
            // nobody else knows the temporary database's name: a failed scan must not leave it behind
            deleteTemporary(temporary);
            throw e;
        }
    }

    /** The index a failed scan's opening thread opened (to be closed), or null where it failed as well. */
    private static IndexDatabase openedAnyway(FutureTask<IndexDatabase> opening) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return opening.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the connection must not be left open: wait on
                }
            }
        } catch (ExecutionException e) {
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Opens an existing index without scanning.
     *
     * @throws RtsiteException when {@code database} does not exist or cannot be opened (cause kept)
     */
    public static DicomArchive open(Path database) {
        if (!Files.isRegularFile(database)) {
            throw new RtsiteException("index database " + database + " does not exist");
        }
        return new DicomArchive(new IndexDatabase(database), null, null, null, null);
    }

    /** Roots normalised, duplicates and roots nested in another root dropped (each file is walked once). */
    static List<Path> distinctRoots(Path... roots) {
        Set<Path> norm = new LinkedHashSet<>();
        for (Path r : roots) {
            Objects.requireNonNull(r, "archive root");
            norm.add(r.toAbsolutePath().normalize());
        }
        List<Path> out = new ArrayList<>();
        for (Path r : norm) {
            boolean nested = norm.stream().anyMatch(o -> !o.equals(r) && r.startsWith(o));
            if (!nested) {
                out.add(r);
            }
        }
        return out;
    }

    /** What the scan that opened this archive did; null when opened with {@link #open(Path)}. */
    public ScanStats lastScan() {
        return lastScan;
    }

    /** The SQLite index file (a temporary one for {@code index(Path...)}, deleted on close). */
    public Path database() {
        return db.file();
    }

    /**
     * Every indexed file with its references, in path order (read from the database). Holds the whole
     * index: linkage does not use it ({@link #linkByGroup}).
     */
    public List<IndexedFile> files() {
        finishIndex();
        List<IndexedFile> all = new ArrayList<>();
        db.forEachFile(all::add);
        all.sort(Comparator.comparing(IndexedFile::path));
        return all;
    }

    /** One bundle per plan, in plan path order. Linkage runs once, on first use; the bundles are held. */
    public Stream<PlanBundle> plans() {
        return report().plans().stream();
    }

    /**
     * One bundle per dose that no plan claims (archives of CT + RTSTRUCT + RTDOSE without RTPLAN, or
     * whose plan is missing), keyed by its RTDOSE file, in path order. See docs/archive.md.
     */
    public Stream<PlanBundle> planlessDoses() {
        return report().planlessDoses().stream();
    }

    /**
     * Links the archive group by group ({@link #linkByGroup}) and parks every plan bundle, and every dose
     * without plan when {@code planlessDoses}, in a temporary file: the same bundles, in the same order, as
     * {@link #plans()} then {@link #planlessDoses()}, without holding them (what a bulk run over an archive
     * of any size walks). The caller closes the spool, which deletes its file; it stays readable after
     * this archive is closed.
     *
     * @throws RtsiteIOException when the temporary file cannot be created
     * @throws RtsiteException   when the index cannot be read or the spool written (cause kept)
     */
    public PlanSpool spoolPlans(boolean planlessDoses) {
        PlanSpool spool = new PlanSpool();
        try {
            if (report != null) {
                spool.add(report, planlessDoses);
                spool.finish(summary);
            } else {
                long t0 = System.nanoTime();
                LinkageReport.Summary s = linkByGroup(part -> spool.add(part, planlessDoses));
                summary = s;
                spool.finish(s);
                LOG.debug("spooled {} plan bundles of {} files in {} ms", spool.size(), s.files(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return spool;
        } catch (RuntimeException | Error e) {
            spool.close();
            throw e;
        }
    }

    /** The linkage report: every plan and every orphan, held in memory (see {@link #writeReport} for a bound). */
    public LinkageReport report() {
        if (report == null) {
            long t0 = System.nanoTime();
            Linkage.Merger m = new Linkage.Merger();
            linkByGroup(m::add);
            report = m.report();
            summary = report.summary();
            LOG.debug("linked {} plans of {} files in {} ms", summary.plans(), summary.files(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return report;
    }

    /** The linkage report's counts; links group by group without holding the bundles when no report is held. */
    public LinkageReport.Summary summary() {
        if (summary == null) {
            summary = linkByGroup(part -> { });
        }
        return summary;
    }

    /**
     * Links the index patient by patient ({@link Linkage}: patients that share UIDs together), reading it
     * ordered by patient, and hands each group's report to {@code sink}, in no particular order of plans;
     * {@link Linkage#merge} of them is {@link #report()}. The heap holds a few groups (the largest patient)
     * and the archive's unreadable files, plus what {@code sink} keeps. A helper thread reads and decodes
     * the next groups from SQLite while this thread links (and calls {@code sink}); the index's connection
     * is the helper's until this method returns.
     *
     * @return the whole archive's counts
     * @throws RtsiteException when the index cannot be read (cause kept)
     */
    public LinkageReport.Summary linkByGroup(Consumer<LinkageReport> sink) {
        boolean linked = false;
        try {
            LinkageReport.Summary s = link(sink);
            linked = true;
            return s;
        } finally {
            finishIndex(linked);
        }
    }

    /**
     * {@link #linkByGroup}, leaving the index to be finished ({@link #finishIndex}) by the caller: the first
     * linkage of a scan's held rows starts finishing it on a thread of its own.
     */
    private LinkageReport.Summary link(Consumer<LinkageReport> sink) {
        Objects.requireNonNull(sink, "sink");
        long t0 = System.nanoTime();
        // the rows a first scan just wrote serve the first linkage (the same groups, rows and order as read
        // back from the index); later ones read the index
        List<IndexedFile> rows = held;
        held = null;
        if (rows == null) {
            finishIndex();
        } else if (unfinished != null) {
            // the secondary indexes are built (SQLite, one core) while the held rows are linked and the report
            // is written, which do not touch the index; nothing else uses its connection meanwhile
            finishing = new FutureTask<>(unfinished, null);
            unfinished = null;
            Thread t = new Thread(finishing, "rtsite-index-finish");
            t.start();
        }
        Linkage.Groups groups = rows != null ? Linkage.groups(rows) : db.joins();
        long t1 = System.nanoTime();
        Map<String, List<IndexedFile>> unreadable = new HashMap<>();
        List<IndexedFile> unreadableRows;
        if (rows != null) {
            unreadableRows = new ArrayList<>();
            rows.stream().filter(Linkage::isContext).forEach(unreadableRows::add);
            unreadableRows.sort((a, b) -> StampCursor.compare(a.path(), b.path()));
        } else {
            unreadableRows = db.unreadable();
        }
        for (IndexedFile u : unreadableRows) {
            unreadable.computeIfAbsent(Linkage.besideKey(u), k -> new ArrayList<>()).add(u);
        }
        Linkage.Merger counts = new Linkage.Merger(false);
        long[] waited = {0};
        long[] sinking = {0};
        GroupSource source = rows != null ? new HeldGroups(rows, groups) : new GroupReader(groups);
        // groups are linked on every core and handed to the sink in the order they were read
        int workers = Math.max(1, Math.min(MAX_LINKERS, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "rtsite-linker");
            t.setDaemon(true);
            return t;
        });
        ArrayDeque<Future<LinkageReport>> linking = new ArrayDeque<>();
        Consumer<Future<LinkageReport>> deliver = f -> {
            long w0 = System.nanoTime();
            LinkageReport part = result(f);
            long w1 = System.nanoTime();
            counts.add(part);
            sink.accept(part);
            waited[0] += w1 - w0;
            sinking[0] += System.nanoTime() - w1;
        };
        try {
            for (List<IndexedFile> group = source.next(); group != null; group = source.next()) {
                List<IndexedFile> g = group;
                linking.add(pool.submit(() -> Linkage.link(g, Linkage.context(g, unreadable))));
                while (linking.size() > 2 * workers) {
                    deliver.accept(linking.poll());
                }
            }
            while (!linking.isEmpty()) {
                deliver.accept(linking.poll());
            }
        } finally {
            linking.forEach(f -> f.cancel(true));
            pool.shutdownNow();
            source.close();
        }
        LOG.debug("linked by group ({}): joins {} ms ({} groups joined), linking {} ms, waiting for links {} ms,"
                        + " sink {} ms", rows != null ? "the scan's rows" : "read from the index", (t1 - t0) / 1_000_000,
                groups.joined().size(), (System.nanoTime() - t1) / 1_000_000, waited[0] / 1_000_000,
                sinking[0] / 1_000_000);
        return counts.summary();
    }

    /** Link threads at most (a group takes milliseconds; more threads than this only wait for rows). */
    private static final int MAX_LINKERS = 4;

    private static LinkageReport result(Future<LinkageReport> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtsiteException("linkage interrupted", e);
        } catch (ExecutionException e) {
            throw rethrown(e, "linkage failed");
        }
    }

    /** What a task failed with, as thrown on the calling thread: unchecked ones as they were, others wrapped. */
    private static RuntimeException rethrown(ExecutionException e, String what) {
        Throwable t = e.getCause();
        if (t instanceof RuntimeException re) {
            return re;
        } else if (t instanceof Error err) {
            throw err;
        }
        return new RtsiteException(what + ": " + t, t);
    }

    /** Where {@link #linkByGroup} takes its groups from: the index, or the rows of the scan that just ran. */
    private interface GroupSource extends AutoCloseable {
        /** The next group, or null after the last. */
        List<IndexedFile> next();

        @Override
        void close();
    }

    /** The groups of rows held in memory, as {@link IndexDatabase#forEachGroup} would read them. */
    private static final class HeldGroups implements GroupSource {
        private final Iterator<List<IndexedFile>> groups;

        HeldGroups(List<IndexedFile> rows, Linkage.Groups joins) {
            List<List<IndexedFile>> all = new ArrayList<>();
            IndexDatabase.forEachGroup(rows, joins, FAILED_CHUNK, all::add);
            groups = all.iterator();
        }

        @Override
        public List<IndexedFile> next() {
            return groups.hasNext() ? groups.next() : null;
        }

        @Override
        public void close() {
            // nothing held beyond the rows
        }
    }

    /**
     * {@link IndexDatabase#forEachGroup} on a thread of its own, a few groups ahead of the linker: reading
     * and decoding rows was a third of the linkage's time, and the second core had nothing to do.
     */
    private final class GroupReader implements GroupSource {
        private static final List<IndexedFile> END = new ArrayList<>();
        private final BlockingQueue<List<IndexedFile>> queue =
                new ArrayBlockingQueue<>(2);
        private final AtomicReference<Throwable> failure =
                new AtomicReference<>();
        private volatile boolean stop;
        private boolean ended;
        private final Thread thread;

        GroupReader(Linkage.Groups groups) {
            thread = new Thread(() -> {
                try {
                    db.forEachGroup(groups, FAILED_CHUNK, g -> {
                        if (stop) {
                            throw new Stopped();
                        }
                        put(g);
                    });
                } catch (Stopped e) {
                    // the linker stopped reading (its sink failed): nothing to report
                } catch (RuntimeException | Error e) {
                    failure.set(e);
                } finally {
                    put(END);
                }
            }, "rtsite-link-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void put(List<IndexedFile> g) {
            try {
                while (!queue.offer(g, 50, TimeUnit.MILLISECONDS)) {
                    if (stop && g != END) {
                        throw new Stopped();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }

        /** The next group, or null after the last; throws what the reading thread failed with. */
        @Override
        public List<IndexedFile> next() {
            if (ended) {
                return null;
            }
            List<IndexedFile> g;
            try {
                g = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RtsiteException("linkage interrupted", e);
            }
            if (g != END) {
                return g;
            }
            ended = true;
            join();
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            } else if (t instanceof Error err) {
                throw err;
            }
            return null;
        }

        private void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RtsiteException("linkage interrupted", e);
            }
        }

        /** Stops the reading thread (when the linker failed) and waits until it has let go of the connection. */
        @Override
        public void close() {
            if (ended) {
                return;
            }
            stop = true;
            while (thread.isAlive()) {
                queue.poll(); // unblocks a put
                Thread.onSpinWait();
                try {
                    thread.join(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ended = true;
        }
    }

    /** Ends the reading thread's walk of the index when the linker no longer wants its groups (never escapes). */
    private static final class Stopped extends RtsiteException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("linkage stopped reading the index");
        }
    }

    /** Files that are not DICOM or unreadable meet no other file: linked this many at a time. */
    private static final int FAILED_CHUNK = 10_000;

    /**
     * Writes what {@code report().writeJson(json)} and {@code report().writeCsv(csvDir)} write, without
     * holding the report: groups are linked one at a time; their reports are held until they name
     * {@value #HOLD_STRINGS} paths and texts, then parked on disk, and written in order.
     *
     * @return the counts, and what the report says beyond them
     * @throws RtsiteIOException when a file cannot be written
     * @throws RtsiteException   when the index cannot be read (cause kept)
     */
    public LinkageReport.Totals writeReport(Path json, Path csvDir) {
        return writeReport(json, csvDir, HOLD_STRINGS);
    }

    /**
     * Group reports naming up to this many paths and texts (about 200 bytes each) are held in memory: parking
     * them on disk (serialized into a temporary SQLite file, read back) cost more than linking for the
     * archives most runs see; beyond it the heap stays bounded by the spool.
     */
    static final int HOLD_STRINGS = 200_000;

    /** {@link #writeReport(Path, Path)}, holding group reports up to {@code holdStrings} (0: park every one). */
    LinkageReport.Totals writeReport(Path json, Path csvDir, int holdStrings) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(csvDir, "csvDir");
        if (report != null) {
            report.writeJson(json);
            report.writeCsv(csvDir);
            return LinkageReport.Totals.of(report);
        }
        ReportSpool[] spool = {null};
        boolean written = false;
        try {
            List<LinkageReport> held = new ArrayList<>();
            long[] strings = {0};
            Map<Conflict.Type, Integer> byType = new TreeMap<>();
            int[] noMeta = {0};
            LinkageReport.Summary s = link(part -> {
                part.plans().forEach(p -> p.conflicts().forEach(c -> byType.merge(c.type(), 1, Integer::sum)));
                noMeta[0] += part.filesWithoutMetaHeader().size();
                if (spool[0] == null) {
                    held.add(part);
                    strings[0] += strings(part);
                    if (strings[0] <= holdStrings) {
                        return;
                    }
                    spool[0] = new ReportSpool();
                    held.forEach(spool[0]::add);
                    held.clear();
                } else {
                    spool[0].add(part);
                }
            });
            summary = s;
            long w0 = System.nanoTime();
            if (spool[0] != null) {
                LinkageReport.writeJson(json, s, spool[0]);
                LinkageReport.writeCsv(csvDir, spool[0]);
            } else {
                // the report in memory can be read by two threads: the CSVs are written beside the JSON
                LinkageReport.Parts parts = LinkageReport.parts(Linkage.merge(held));
                CompletableFuture<Void> csv = CompletableFuture.runAsync(
                        () -> LinkageReport.writeCsv(csvDir, parts), r -> {
                            Thread t = new Thread(r, "rtsite-report-csv");
                            t.setDaemon(true);
                            t.start();
                        });
                try {
                    LinkageReport.writeJson(json, s, parts);
                } catch (RuntimeException | Error e) {
                    try {
                        csv.join();
                    } catch (CompletionException ignored) {
                        // the JSON's failure is the one reported
                    }
                    throw e;
                }
                awaitCsv(csv);
            }
            LOG.debug("report written from {} in {} ms", spool[0] != null ? "the spool" : "memory",
                    (System.nanoTime() - w0) / 1_000_000);
            written = true;
            return new LinkageReport.Totals(s, byType, noMeta[0]);
        } finally {
            try {
                if (spool[0] != null) {
                    spool[0].close();
                }
            } finally {
                finishIndex(written);
            }
        }
    }

    /**
     * Finishes the index after its first scan, if that is left to do: runs what the scan left
     * ({@link #unfinished}) here, or waits for the thread running it. Every use of the index's connection
     * comes after this.
     *
     * @throws RtsiteException what finishing failed with (cause kept)
     */
    private void finishIndex() {
        finishIndex(true);
    }

    /** {@link #finishIndex()}; with {@code report} false (another failure is on its way) its own is dropped. */
    private void finishIndex(boolean report) {
        Runnable r = unfinished;
        FutureTask<Void> f = finishing;
        unfinished = null;
        finishing = null;
        try {
            if (r != null) {
                r.run();
            } else if (f != null) {
                waitFor(f);
            }
        } catch (RuntimeException | Error e) {
            if (report) {
                throw e;
            }
            // the caller's failure is the one reported; the next open builds the secondary indexes
            LOG.debug("finishing the index failed after another failure: {}", e.toString());
        }
    }

    private static void waitFor(FutureTask<Void> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    // the index's connection is the finishing thread's until it ends: wait on
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw rethrown(e, "finishing the index failed");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the CSV writer and throws what it failed with. */
    private static void awaitCsv(CompletableFuture<Void> csv) {
        try {
            csv.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            } else if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new RtsiteException("writing the linkage CSVs failed: " + e.getCause(), e.getCause());
        }
    }

    /** How many paths and texts a group report holds (the measure of {@link #HOLD_STRINGS}). */
    private static long strings(LinkageReport part) {
        long n = part.filesWithoutMetaHeader().size() + part.orphans().size();
        for (PlanBundle p : part.plans()) {
            n += 4 + p.ctFiles().size() + p.reasons().size() + p.conflicts().size() + p.fallbacks().size();
        }
        for (PlanBundle p : part.planlessDoses()) {
            n += 4 + p.ctFiles().size() + p.reasons().size() + p.conflicts().size() + p.fallbacks().size();
        }
        for (StructureSetLink l : part.structureSets()) {
            n += 4 + l.reasons().size() + l.conflicts().size() + l.fallbacks().size();
        }
        for (Conflict c : part.archiveConflicts()) {
            n += 1 + c.files().size();
        }
        return n;
    }

    /** Closes the index; a temporary index is deleted with its WAL files. */
    @Override
    public void close() {
        long c0 = System.nanoTime();
        try {
            try {
                finishIndex();
            } finally {
                db.close();
            }
            LOG.debug("index closed in {} ms", (System.nanoTime() - c0) / 1_000_000);
        } finally {
            deleteTemporary(temporary);
        }
    }

    private static void deleteTemporary(Path temporary) {
        if (temporary == null) {
            return;
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            try {
                Files.deleteIfExists(Path.of(temporary + suffix));
            } catch (IOException e) {
                LOG.warn("cannot delete the temporary index {}: {}", temporary + suffix, e.getMessage());
            }
        }
    }
}
