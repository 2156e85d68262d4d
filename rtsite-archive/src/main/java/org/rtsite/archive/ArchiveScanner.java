package org.rtsite.archive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicom.DicomReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan: the calling thread walks the roots and hands new or changed files to reader threads;
 * one writer thread commits their rows in batches. Unchanged files (same size and mtime as
 * indexed) are not opened, except those indexed as UNREADABLE: an I/O error, a permission or an NFS
 * hiccup leaves size and mtime as they were, so such files are read again on every scan. NOT_DICOM
 * files are not: their content is what made them so, and it did not change.
 *
 * <p>What is unchanged is found by a merge, not a lookup: each folder's entries are walked in the
 * index's path order and compared with the root's rows read in that order a chunk at a time
 * ({@link StampCursor}); rows the walk passes without meeting their file are dropped. The heap holds one
 * chunk of stamps and the entries of the folders on the current path, whatever the index's size. A
 * scan into an empty index writes without the secondary indexes and builds them at the end.
 */
final class ArchiveScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveScanner.class);

    /** The index; for a new index file, set by the writer thread once {@link #opening} has opened it. */
    private IndexDatabase db;

    /** A new index file being opened on a thread of its own while the walk starts; null when {@link #db} is given. */
    private final Future<IndexDatabase> opening;
    private final ArchiveOptions options;
    private final ScanListener listener;
    private final long holdBytes;

    ArchiveScanner(IndexDatabase db, ArchiveOptions options, ScanListener listener) {
        // a quarter of the heap at most: a JVM run with a small -Xmx indexes as it did before rows were held
        this(db, options, listener, Math.min(HOLD_BYTES, Runtime.getRuntime().maxMemory() / 4));
    }

    /** @param holdBytes about how much heap the rows held for the first linkage may take ({@link #held}) */
    ArchiveScanner(IndexDatabase db, ArchiveOptions options, ScanListener listener, long holdBytes) {
        this(db, null, options, listener, holdBytes);
    }

    /**
     * A scan into an index file that did not exist (so holds no row), being opened by {@code opening} meanwhile:
     * the walk and the reads start at once, and the writer thread waits for the index before its first write
     * (opening it, loading SQLite's native library and creating the schema took a tenth of a 21 k-file run, with
     * one core idle: docs/PERFORMANCE.md, "Indexing, fifth round").
     */
    ArchiveScanner(Future<IndexDatabase> opening, ArchiveOptions options, ScanListener listener) {
        this(null, opening, options, listener, Math.min(HOLD_BYTES, Runtime.getRuntime().maxMemory() / 4));
    }

    private ArchiveScanner(IndexDatabase db, Future<IndexDatabase> opening, ArchiveOptions options,
                           ScanListener listener, long holdBytes) {
        this.db = db;
        this.opening = opening;
        this.options = options;
        this.listener = listener;
        this.holdBytes = holdBytes;
    }

    /** The index this scan wrote (after {@link #scan}; for a new index, null when the scan failed before it opened). */
    IndexDatabase database() {
        return db;
    }

    /**
     * The new index {@link #opening} opened, checked to be still empty, its secondary indexes dropped: what a
     * first scan does before it writes (on the writer thread).
     */
    private IndexDatabase opened() throws InterruptedException {
        IndexDatabase d;
        try {
            d = opening.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            } else if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new RtsiteException("cannot open the index database " + options.database() + ": " + e.getCause(),
                    e.getCause());
        }
        db = d;
        if (!d.empty()) {
            throw new RtsiteException("index " + d.file() + " was created and written by another process while this"
                    + " scan started; run the scan again");
        }
        d.dropSecondaryIndexes();
        return d;
    }

    /** File rows to write, or the path of a vanished file whose row to drop. */
    private record Work(List<IndexedFile> files, String gone) {
    }

    /** A file the walk hands to a reader: its size and mtime as listed. */
    private record Listed(Path path, long size, long mtime) {
    }

    /**
     * Files handed to a reader thread at a time, at most: one task, one wait for a parsing slot and one row
     * hand-off per chunk instead of per file (each hand-off between threads is a futex call; per file they
     * were three: docs/PERFORMANCE.md, "Indexing, fourth round"). A reader holds its chunk's files open
     * between its reads and its parse, so chunks shrink as readers grow ({@link #OPEN_FILES}).
     */
    static final int CHUNK = 16;

    /** Files the readers hold open at once, at most (or one per reader, where they are more). */
    static final int OPEN_FILES = 512;

    /** Files per reader task for these options. */
    static int chunk(ArchiveOptions options) {
        return Math.max(1, Math.min(CHUNK, OPEN_FILES / options.readsInFlight()));
    }

    /**
     * Reader threads when reads are batched ({@link HeadReads}): each reads a batch of files at once, then parses
     * it, so at least one per parsing thread, and enough batches to keep {@code readsInFlight} files in flight.
     */
    static int batchedReaders(ArchiveOptions options) {
        return Math.max(options.threads(), (options.readsInFlight() + CHUNK - 1) / CHUNK);
    }

    /** Files per batch when reads are batched: {@link #batchedReaders} batches hold at most readsInFlight files. */
    static int readBatch(ArchiveOptions options) {
        return Math.max(1, Math.min(CHUNK, options.readsInFlight() / batchedReaders(options)));
    }

    private static final Work END = new Work(null, null);

    /**
     * A reader thread's read buffers, one per file of its chunk: each file is read into one and parsed before
     * the thread's next chunk, so a scan allocates {@code readsInFlight × chunk} buffers (8 MiB by default)
     * instead of one per file (docs/PERFORMANCE.md, "Indexing, sixth round"). Gone with the scan's threads.
     */
    private static final ThreadLocal<byte[][]> BUFFERS = ThreadLocal.withInitial(() -> new byte[CHUNK][]);

    ScanStats scan(List<Path> roots) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        for (Path r : roots) {
            if (!Files.isDirectory(r) && !Files.isRegularFile(r)) {
                throw new RtsiteException("archive root " + r + " is neither a folder nor a file");
            }
        }
        // A first scan fills the table without its secondary indexes and builds them once at the end.
        boolean fresh = opening != null;
        boolean bulk = fresh || db.empty();
        if (bulk) {
            if (!fresh) { // a new index drops them on the writer thread, once it is open
                db.dropSecondaryIndexes();
            }
            held = new ArrayList<>();
            heldShared = new HashMap<>();
        }
        long before = fresh ? 1 : db.nextId();
        long tWalk = 0;
        long tRead = 0;
        long tWrite = 0;
        AtomicLong seen = new AtomicLong();
        AtomicLong read = new AtomicLong();
        AtomicLong unchanged = new AtomicLong();
        AtomicLong notDicom = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicLong removed = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        // About one batch of files waiting for the writer, at most: the readers wait when it falls behind, so that
        // the reads do not end with a backlog that the writer works off alone while the other core idles (21 k
        // files under load: 7,000-11,000 files and 0.2-0.3 s with room for 4,000 chunks; "Indexing, fifth round")
        BlockingQueue<Work> results = new ArrayBlockingQueue<>(Math.max(16, options.batchSize() / chunk(options)));
        Semaphore inFlight = new Semaphore(Math.max(256, options.threads() * 512));
        Semaphore parsing = new Semaphore(options.threads());

        Thread writer = new Thread(() -> {
            List<IndexedFile> batch = new ArrayList<>(options.batchSize());
            List<String> drop = new ArrayList<>();
            try {
                if (fresh) {
                    opened();
                }
                while (true) {
                    Work w = results.take();
                    if (w == END) {
                        break;
                    }
                    if (w.files() != null) {
                        batch.addAll(w.files());
                        if (!bulk) {
                            for (IndexedFile f : w.files()) {
                                drop.add(f.path()); // its old row, if any (an empty index has none)
                            }
                        }
                    } else {
                        drop.add(w.gone());
                    }
                    // files (with their old rows) and vanished paths: at most batchSize of them per transaction
                    if (Math.max(batch.size(), drop.size()) >= options.batchSize()) {
                        commit(batch, drop, committed);
                        listener.progress(seen.get(), read.get(), committed.get());
                    }
                }
                commit(batch, drop, committed);
                listener.progress(seen.get(), read.get(), committed.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                writerFailure.compareAndSet(null, e);
            } catch (RuntimeException | Error e) {
                // (an Error too: SQLite's native library fails to load on the writer thread when it opens a new index)
                writerFailure.compareAndSet(null, e);
                results.clear();
                // keep draining so readers never block on a dead writer
                try {
                    while (results.take() != END) {
                        results.clear();
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "rtsite-index-writer");
        writer.start();

        // Reader threads open and read files, a chunk at a time, then parse it; at most `threads` of them parse at
        // a time (the CPU part). Batched, a reader's chunk is read in one submission to the kernel; otherwise one
        // file after the other, by readsInFlight threads.
        HeadReads heads = options.ioUring() ? HeadReads.open(batchedReaders(options), readBatch(options),
                DicomReader.HEADER_READ_BYTES) : null;
        int readerThreads = heads == null ? options.readsInFlight() : batchedReaders(options);
        int chunkSize = heads == null ? chunk(options) : heads.batch();
        ExecutorService readers = Executors.newFixedThreadPool(readerThreads, r -> {
            Thread t = new Thread(r, "rtsite-index-reader");
            t.setDaemon(true);
            return t;
        });
        List<String> prefixes = roots.stream().map(r -> r.toAbsolutePath().normalize().toString()).toList();
        // The walk visits each folder's entries in the index's path order and merges them with the index's
        // rows of the root, read in that order a chunk at a time: the heap holds one chunk of stamps and
        // the entries of the folders on the current path, not every row's stamp.
        try (StampCursor stamps = fresh ? StampCursor.none(options.database()) : new StampCursor(db.file(), before)) {
            var walk = new Object() {
                /** Files listed and not yet handed to a reader (at most chunkSize: a batch, or {@link #chunk}). */
                List<Listed> chunk = new ArrayList<>(chunkSize);

                /** Consumes the rows before {@code path} (gone) and returns the row of {@code path}, if any. */
                StampCursor.Stamp match(String path) throws InterruptedException {
                    StampCursor.Stamp s;
                    while ((s = stamps.peek()) != null && StampCursor.compare(s.path(), path) < 0) {
                        gone(stamps.poll());
                    }
                    return s != null && s.path().equals(path) ? stamps.poll() : null;
                }

                void gone(StampCursor.Stamp s) throws InterruptedException {
                    // A regular file there means the walk and the index disagreed on order: it was walked
                    // (and indexed anew), so its row stays.
                    if (!Files.isRegularFile(Path.of(s.path()), LinkOption.NOFOLLOW_LINKS)) {
                        removed.incrementAndGet();
                        results.put(new Work(null, s.path()));
                    }
                }

                void root(Path root) throws InterruptedException {
                    String p = root.toString();
                    BasicFileAttributes attrs;
                    try {
                        attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        stamps.range(p, p + '\u0001');
                        failed(root, e);
                        drain();
                        return;
                    }
                    if (attrs.isDirectory()) {
                        String prefix = p.endsWith(SEPARATOR) ? p : p + SEPARATOR;
                        stamps.range(prefix, prefix.substring(0, prefix.length() - 1) + (char) (SEP + 1));
                        folder(root);
                    } else {
                        stamps.range(p, p + '\u0001');
                        file(root, attrs);
                    }
                    drain();
                }

                /** Rows of the root the walk did not meet: their files are gone. */
                void drain() throws InterruptedException {
                    StampCursor.Stamp s;
                    while ((s = stamps.poll()) != null) {
                        gone(s);
                    }
                }

                void folder(Path dir) throws InterruptedException {
                    List<Entry> entries = new ArrayList<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                        // Each entry stat-ed by its name relative to the open folder (fstatat on its descriptor,
                        // where the platform's stream offers one) rather than by its whole path: the kernel's walk
                        // of the path's folders was about half of the scan's 21 k stat calls (docs/PERFORMANCE.md,
                        // "Indexing, sixth round"). Same attributes, same errors.
                        SecureDirectoryStream<Path> sds = ds instanceof SecureDirectoryStream<Path> x ? x : null;
                        for (Path c : ds) {
                            Path leaf = c.getFileName();
                            String name = leaf.toString();
                            try {
                                BasicFileAttributes a = sds == null ? null : relative(sds, leaf);
                                if (a == null) { // (a failure is asked again by the whole path: its message names it)
                                    a = Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                                }
                                entries.add(new Entry(c, a.isDirectory() ? name + SEPARATOR : name, a, null));
                            } catch (IOException e) {
                                entries.add(new Entry(c, name, null, e));
                            }
                        }
                    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                        // an unlistable folder is recorded, never fatal; rows under it are gone
                        failed(dir, e instanceof IOException io ? io : ((java.nio.file.DirectoryIteratorException) e)
                                .getCause());
                        return;
                    }
                    entries.sort((a, b) -> StampCursor.compare(a.key(), b.key()));
                    for (Entry e : entries) {
                        if (writerFailure.get() != null) {
                            return;
                        }
                        if (e.failure() != null) {
                            failed(e.path(), e.failure());
                        } else if (e.attrs().isDirectory()) {
                            folder(e.path());
                        } else if (e.attrs().isRegularFile()) {
                            file(e.path(), e.attrs());
                        }
                    }
                }

                void file(Path file, BasicFileAttributes attrs) throws InterruptedException {
                    seen.incrementAndGet();
                    long size = attrs.size();
                    long mtime = attrs.lastModifiedTime().toMillis();
                    StampCursor.Stamp old = match(file.toString());
                    if (old != null && !old.unreadable() && old.size() == size && old.mtime() == mtime) {
                        unchanged.incrementAndGet();
                        return;
                    }
                    chunk.add(new Listed(file, size, mtime));
                    if (chunk.size() >= chunkSize) {
                        flush();
                    }
                }

                /** Hands the listed files to a reader: it reads them all, then parses them in one parsing slot. */
                void flush() throws InterruptedException {
                    if (chunk.isEmpty()) {
                        return;
                    }
                    List<Listed> files = chunk;
                    chunk = new ArrayList<>(chunkSize);
                    inFlight.acquire(files.size());
                    readers.execute(() -> {
                        HeaderExtractor.Fetched[] fetched = new HeaderExtractor.Fetched[files.size()];
                        byte[][] buffers = BUFFERS.get();
                        try {
                            for (int i = 0; i < fetched.length; i++) {
                                if (buffers[i] == null) {
                                    buffers[i] = new byte[DicomReader.HEADER_READ_BYTES];
                                }
                            }
                            int[] got = heads == null ? null : readBatched(heads, files, buffers);
                            for (int i = 0; i < fetched.length; i++) {
                                Listed l = files.get(i);
                                // a file the batch could not read is read the ordinary way: its error is the usual one
                                fetched[i] = got != null && got[i] >= 0
                                        ? HeaderExtractor.prefetched(l.path(), l.size(), buffers[i], got[i])
                                        : HeaderExtractor.prefetch(l.path(), l.size(), buffers[i]);
                            }
                            List<IndexedFile> rows = new ArrayList<>(fetched.length);
                            parsing.acquire();
                            try {
                                for (int i = 0; i < fetched.length; i++) {
                                    Listed l = files.get(i);
                                    HeaderExtractor.Fetched f = fetched[i];
                                    fetched[i] = null; // parse closes it
                                    rows.add(HeaderExtractor.parse(l.path(), l.size(), l.mtime(), f));
                                }
                            } finally {
                                parsing.release();
                            }
                            for (IndexedFile f : rows) {
                                read.incrementAndGet();
                                if (f.status() == FileStatus.NOT_DICOM) {
                                    notDicom.incrementAndGet();
                                } else if (f.status() == FileStatus.UNREADABLE) {
                                    unreadable.incrementAndGet();
                                }
                            }
                            results.put(new Work(rows, null));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            for (HeaderExtractor.Fetched f : fetched) {
                                if (f != null && f.file() != null) {
                                    f.file().close();
                                }
                            }
                            inFlight.release(files.size());
                        }
                    });
                }

                /** An unlistable folder or unstat-able file is recorded, never fatal. */
                void failed(Path path, IOException e) throws InterruptedException {
                    seen.incrementAndGet();
                    unreadable.incrementAndGet();
                    match(path.toString());
                    results.put(new Work(List.of(HeaderExtractor.failed(path.toString(), 0, 0, FileStatus.UNREADABLE,
                            "cannot access: " + e)), null));
                }
            };
            try {
                for (String root : prefixes) {
                    if (writerFailure.get() == null) {
                        walk.root(Path.of(root));
                    }
                }
                if (writerFailure.get() == null) {
                    walk.flush();
                }
            } finally {
                tWalk = System.nanoTime();
                readers.shutdown();
                while (!readers.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.debug("waiting for header readers");
                }
                if (heads != null) {
                    heads.close();
                }
                tRead = System.nanoTime();
                results.put(END);
                writer.join();
                tWrite = System.nanoTime();
            }
        } catch (InterruptedException e) {
            readers.shutdownNow();
            if (heads != null) {
                heads.close(); // once the readers' batches in progress end
            }
            writer.interrupt();
            Thread.currentThread().interrupt();
            throw new RtsiteException("index scan interrupted", e);
        } catch (RuntimeException | Error e) {
            if (heads != null) {
                heads.close(); // (a no-op where the walk's finally closed it; not so where the index could not be read)
            }
            throw e;
        }
        heldShared = null;
        if (writerFailure.get() != null) {
            held = null;
            Throwable t = writerFailure.get();
            throw t instanceof RtsiteException re ? re : new RtsiteException("index writer failed: " + t, t);
        }
        LOG.debug("scan phases: walk {} ms, readers done {} ms, writer done {} ms; rows held for the linkage: {}"
                        + " (~{} bytes)", (tWalk - t0) / 1_000_000, (tRead - t0) / 1_000_000, (tWrite - t0) / 1_000_000,
                held == null ? "none" : held.size(), heldBytes);
        String finished = Instant.now().toString();
        long files = seen.get();
        long filesRead = read.get();
        long filesRemoved = removed.get();
        Runnable finish = () -> {
            long i0 = System.nanoTime();
            if (bulk) {
                db.createSecondaryIndexes();
            }
            // the scan's record last: an index without it was not finished (a killed build leaves the
            // secondary indexes to the next open, as before)
            db.recordScan(start.toString(), finished, String.join(java.io.File.pathSeparator, prefixes), files,
                    filesRead, filesRemoved);
            LOG.debug("secondary indexes{} and scan record: {} ms", bulk ? "" : " (none dropped)",
                    (System.nanoTime() - i0) / 1_000_000);
        };
        if (held != null) {
            // the first linkage links the held rows without reading the index: the index is finished beside it
            // and its write-ahead log copied into the database file there, which closing it did after the report
            deferred = () -> {
                finish.run();
                db.checkpoint();
            };
        } else {
            finish.run();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        ScanStats stats = new ScanStats(seen.get(), read.get(), unchanged.get(), removed.get(), notDicom.get(),
                unreadable.get(), elapsed);
        LOG.debug("indexed {}: {}", prefixes, stats);
        return stats;
    }

    /**
     * Reads the heads of a chunk's files in one batch: per file the bytes read, or a negative value where it must be
     * read the ordinary way; null where the batch failed as a whole.
     */
    private static int[] readBatched(HeadReads heads, List<Listed> files, byte[][] buffers) throws InterruptedException {
        int n = files.size();
        List<Path> paths = new ArrayList<>(n);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            Listed l = files.get(i);
            paths.add(l.path());
            lengths[i] = HeaderExtractor.firstRead(l.size());
        }
        return heads.read(paths, lengths, buffers);
    }

    /** The attributes of a folder's entry by its name, not following a link; null where that fails. */
    private static BasicFileAttributes relative(SecureDirectoryStream<Path> folder, Path name) {
        try {
            return folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final String SEPARATOR = java.io.File.separator;
    private static final char SEP = java.io.File.separatorChar;

    /** A folder entry; {@code key} orders it as its paths sort in the index (a folder's name ends with the separator). */
    private record Entry(Path path, String key, BasicFileAttributes attrs, IOException failure) {
    }

    /**
     * Rows of a first scan kept for the first linkage, as the index reads them back: linking from them
     * saves reading back what was just written (and the patient index that read needs), a third of a
     * linkage. Held up to about {@value #HOLD_BYTES} bytes of heap (a quarter of the heap if that is
     * less), then dropped (the linkage then reads the index, as after any re-scan): bounded, whatever
     * the archive's size.
     */
    static final long HOLD_BYTES = 64L << 20;
    private List<IndexedFile> held;
    private Map<String, String> heldShared;
    private long heldBytes;

    private Runnable deferred;

    /**
     * What is left of the scan when it holds its rows for the first linkage ({@link #held}): building the
     * secondary indexes the scan dropped, and recording the scan, on the index's connection; null when
     * nothing is left. The caller runs it before the index is used again, and may run it beside a linkage of
     * the held rows, which does not use the index. Until it has run, the index lacks its secondary indexes
     * (the next open builds them) and its scan record, as after a scan killed before its end.
     */
    Runnable deferred() {
        return deferred;
    }

    /**
     * The rows this scan wrote into an empty index, in id order and {@link IndexDatabase#asStored as stored},
     * or null (the index held rows before, or they would not fit {@value #HOLD_BYTES} bytes).
     */
    List<IndexedFile> held() {
        return held;
    }

    private void hold(List<IndexedFile> batch) {
        if (held == null) {
            return;
        }
        for (IndexedFile f : batch) {
            IndexedFile row = IndexDatabase.asStored(f, heldShared);
            // ~ a row's record, boxed numbers and strings' headers, plus its path, SOP UID, key and references
            // at 1 byte a char (the other texts are mostly shared): 430 bytes a synthetic CT slice
            heldBytes += 260 + f.path().length() + (f.sopInstance() == null ? 0 : f.sopInstance().length())
                    + (f.contentKey() == null ? 0 : f.contentKey().length()) + 60L * f.refs().size()
                    + (f.reason() == null ? 0 : f.reason().length());
            for (List<String> uids : f.refs().values()) {
                heldBytes += 90L * uids.size();
            }
            if (row == null || heldBytes > holdBytes) {
                held = null;
                heldShared = null;
                LOG.debug("the scan's rows are not held for linkage ({})", row == null ? "a text holds U+001E"
                        : "more than " + holdBytes + " bytes");
                return;
            }
            held.add(row);
        }
    }

    private void commit(List<IndexedFile> batch, List<String> drop, AtomicLong committed) {
        if (!batch.isEmpty() || !drop.isEmpty()) {
            db.write(batch, drop);
            hold(batch);
            committed.addAndGet(batch.size());
            batch.clear();
            drop.clear();
        }
    }
}
