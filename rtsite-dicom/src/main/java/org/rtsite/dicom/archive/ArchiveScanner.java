package org.rtsite.dicom.archive;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan: the calling thread walks the roots and hands new or changed files to reader threads;
 * one writer thread commits their rows in batches. Unchanged files (same size and mtime as
 * indexed) are not opened.
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
        Map<String, IndexDatabase.Stamp> known = db.stamps();
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
        try {
            for (Path root : roots) {
                Path abs = root.toAbsolutePath().normalize();
                Files.walkFileTree(abs, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile()) {
                            return FileVisitResult.CONTINUE;
                        }
                        seen.incrementAndGet();
                        String p = file.toString();
                        long size = attrs.size();
                        long mtime = attrs.lastModifiedTime().toMillis();
                        IndexDatabase.Stamp old = known.remove(p);
                        if (old != null && old.size() == size && old.mtime() == mtime) {
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
                        known.remove(file.toString());
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
                });
            }
        } catch (IOException e) {
            throw new RtsiteException("cannot walk the archive: " + e.getMessage(), e);
        } finally {
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
        LOG.info("indexed {}: {}", prefixes, stats);
        return stats;
    }

    private void commit(List<IndexedFile> batch, AtomicLong committed) {
        if (!batch.isEmpty()) {
            db.write(batch);
            committed.addAndGet(batch.size());
        }
    }
}
