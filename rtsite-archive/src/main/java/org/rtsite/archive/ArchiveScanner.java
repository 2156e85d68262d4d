package org.rtsite.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan: the calling thread walks the roots and hands new or changed files to reader threads;
 * one writer thread commits their rows in batches. Unchanged files (same size and mtime as
 * indexed) are not opened, except those indexed as UNREADABLE: an I/O error, a permission or an NFS
 * hiccup leaves size and mtime as they were, so such files are read again on every scan. NOT_DICOM
 * files are not: their content is what made them so, and it did not change.
 */
final class ArchiveScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveScanner.class);
    private static final IndexedFile END = endMarker();

    private final IndexDatabase db;
    private final ArchiveOptions options;
    private final ScanListener listener;

    ArchiveScanner(IndexDatabase db, ArchiveOptions options, ScanListener listener) {
        this.db = db;
        this.options = options;
        this.listener = listener;
    }

    private static IndexedFile endMarker() {
        return HeaderExtractor.failed("", 0, 0, FileStatus.UNREADABLE, "end of scan");
    }

    ScanStats scan(List<Path> roots) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        for (Path r : roots) {
            if (!Files.isDirectory(r) && !Files.isRegularFile(r)) {
                throw new RtsiteException("archive root " + r + " is neither a folder nor a file");
            }
        }
        // The index's stamps load while the walk starts (stat calls and SQLite reads overlap on a re-scan);
        // files walked before they arrive wait in a bounded buffer.
        java.util.concurrent.CompletableFuture<Map<String, IndexDatabase.Stamp>> stampsLoad = new java.util.concurrent
                .CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                stampsLoad.complete(db.stamps());
            } catch (RuntimeException e) {
                stampsLoad.completeExceptionally(e);
            }
        }, "rtsite-index-stamps");
        loader.start();
        List<Object[]> pending = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, IndexDatabase.Stamp>[] knownRef = new Map[1];
        AtomicLong seen = new AtomicLong();
        AtomicLong read = new AtomicLong();
        AtomicLong unchanged = new AtomicLong();
        AtomicLong notDicom = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        BlockingQueue<IndexedFile> results = new ArrayBlockingQueue<>(Math.max(1024, options.batchSize() * 2));
        Semaphore inFlight = new Semaphore(Math.max(256, options.threads() * 512));

        Thread writer = new Thread(() -> {
            List<IndexedFile> batch = new ArrayList<>(options.batchSize());
            try {
                while (true) {
                    IndexedFile f = results.take();
                    if (f == END) {
                        break;
                    }
                    batch.add(f);
                    if (batch.size() >= options.batchSize()) {
                        commit(batch, committed);
                        listener.progress(seen.get(), read.get(), committed.get());
                        batch.clear();
                    }
                }
                commit(batch, committed);
                listener.progress(seen.get(), read.get(), committed.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                writerFailure.compareAndSet(null, e);
            } catch (RuntimeException e) {
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

        ExecutorService readers = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "rtsite-index-reader");
            t.setDaemon(true);
            return t;
        });
        List<String> failedPaths = new ArrayList<>();
        var visitor = new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                seen.incrementAndGet();
                long size = attrs.size();
                long mtime = attrs.lastModifiedTime().toMillis();
                if (knownRef[0] == null) {
                    if (!stampsLoad.isDone() && pending.size() < 100_000) {
                        pending.add(new Object[] {file, size, mtime});
                        return FileVisitResult.CONTINUE;
                    }
                    knownRef[0] = stampsLoad.join();
                    for (Object[] p : pending) {
                        decide((Path) p[0], (Long) p[1], (Long) p[2]);
                    }
                    pending.clear();
                }
                return decide(file, size, mtime);
            }

            private FileVisitResult decide(Path file, long size, long mtime) {
                IndexDatabase.Stamp old = knownRef[0].remove(file.toString());
                if (old != null && !old.unreadable() && old.size() == size && old.mtime() == mtime) {
                    unchanged.incrementAndGet();
                    return FileVisitResult.CONTINUE;
                }
                if (writerFailure.get() != null) {
                    return FileVisitResult.TERMINATE;
                }
                inFlight.acquireUninterruptibly();
                readers.execute(() -> {
                    try {
                        IndexedFile f = HeaderExtractor.read(file, size, mtime);
                        read.incrementAndGet();
                        if (f.status() == FileStatus.NOT_DICOM) {
                            notDicom.incrementAndGet();
                        } else if (f.status() == FileStatus.UNREADABLE) {
                            unreadable.incrementAndGet();
                        }
                        results.put(f);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inFlight.release();
                    }
                });
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // an unlistable folder or unstat-able file is recorded, never fatal
                seen.incrementAndGet();
                failedPaths.add(file.toString());
                unreadable.incrementAndGet();
                try {
                    results.put(HeaderExtractor.failed(file.toString(), 0, 0, FileStatus.UNREADABLE,
                            "cannot access: " + e));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }

            /** Decides the files still waiting for the stamps. */
            void flush() {
                if (knownRef[0] == null) {
                    knownRef[0] = stampsLoad.join();
                    for (Object[] p : pending) {
                        decide((Path) p[0], (Long) p[1], (Long) p[2]);
                    }
                    pending.clear();
                }
            }
        };
        try {
            for (Path root : roots) {
                Files.walkFileTree(root.toAbsolutePath().normalize(), visitor);
            }
            visitor.flush();
        } catch (IOException e) {
            throw new RtsiteIOException("cannot walk the archive", e);
        } finally {
            try {
                loader.join(); // the loader uses the connection: it must be done before anything else does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            readers.shutdown();
            try {
                while (!readers.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.debug("waiting for header readers");
                }
                results.put(END);
                writer.join();
            } catch (InterruptedException e) {
                readers.shutdownNow();
                writer.interrupt();
                Thread.currentThread().interrupt();
            }
        }
        if (writerFailure.get() != null) {
            Throwable t = writerFailure.get();
            throw t instanceof RtsiteException re ? re : new RtsiteException("index writer failed: " + t, t);
        }
        // rows of files that vanished from a scanned root; rows under other roots stay
        List<String> gone = new ArrayList<>();
        List<String> prefixes = roots.stream().map(r -> r.toAbsolutePath().normalize().toString()).toList();
        Map<String, IndexDatabase.Stamp> known = knownRef[0];
        failedPaths.forEach(known::remove);
        for (String p : known.keySet()) {
            for (String prefix : prefixes) {
                if (p.equals(prefix) || p.startsWith(prefix.endsWith("/") ? prefix : prefix + java.io.File.separator)) {
                    gone.add(p);
                    break;
                }
            }
        }
        if (!gone.isEmpty()) {
            db.remove(gone);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        db.recordScan(start.toString(), Instant.now().toString(), String.join(java.io.File.pathSeparator, prefixes),
                seen.get(), read.get(), gone.size());
        ScanStats stats = new ScanStats(seen.get(), read.get(), unchanged.get(), gone.size(), notDicom.get(),
                unreadable.get(), elapsed);
        LOG.debug("indexed {}: {}", prefixes, stats);
        return stats;
    }

    private void commit(List<IndexedFile> batch, AtomicLong committed) {
        if (!batch.isEmpty()) {
            db.write(batch);
            committed.addAndGet(batch.size());
        }
    }
}
