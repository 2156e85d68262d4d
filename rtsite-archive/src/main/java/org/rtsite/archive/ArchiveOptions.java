package org.rtsite.archive;

import java.nio.file.Path;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;

/**
 * How {@link DicomArchive} indexes.
 *
 * @param database      the SQLite index file; created if absent, reused (only new or changed files
 *                      are read) if present
 * @param threads       header-parsing threads (the database writer is one more thread)
 * @param batchSize     files per database transaction; a killed scan loses at most one batch of work,
 *                      never rows already committed
 * @param readsInFlight files being opened and read at once, ahead of the parsing threads (at least
 *                      {@code threads}): a cold local or network disk answers many reads at once, so a
 *                      scan that waited on one read per core left it idle (docs/PERFORMANCE.md)
 * @param ioUring       submit the reads of files' heads to the kernel in batches through Linux io_uring where
 *                      available (rtsite-archive's native reads, built where a C compiler is found; Linux 5.6 or
 *                      later, io_uring not disabled): on a cold disk a batch costs the kernel one request
 *                      submission instead of one a file (docs/PERFORMANCE.md, "Indexing, thirteenth round"). Where
 *                      not available, or false, reader threads read one file at a time. The index is the same.
 */
public record ArchiveOptions(Path database, int threads, int batchSize, int readsInFlight, boolean ioUring) {

    /**
     * Reads in flight by default: enough to keep a cold disk busy (a cold scan of 100 k files was ~10 % faster
     * with 64 than with 16, a warm one the same: docs/PERFORMANCE.md, "Indexing, fourth round"); each reader
     * holds at most 8 files of 16 KiB at a time.
     */
    public static final int DEFAULT_READS_IN_FLIGHT = 64;

    public ArchiveOptions {
        Objects.requireNonNull(database, "database");
        if (threads < 1 || threads > 256) {
            throw new InvalidInputException("threads must be in 1..256, got " + threads);
        }
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new InvalidInputException("batchSize must be in 1..1000000, got " + batchSize);
        }
        if (readsInFlight < threads || readsInFlight > 1024) {
            throw new InvalidInputException("readsInFlight must be in threads (" + threads + ")..1024, got "
                    + readsInFlight);
        }
    }

    /** As before reads in flight were an option: {@code max(threads, }{@value #DEFAULT_READS_IN_FLIGHT}{@code )}. */
    public ArchiveOptions(Path database, int threads, int batchSize) {
        this(database, threads, batchSize, defaultReads(threads), true);
    }

    private static int defaultReads(int threads) {
        return Math.max(threads, DEFAULT_READS_IN_FLIGHT);
    }

    /**
     * One thread per available processor, 2,000 files per transaction, {@value #DEFAULT_READS_IN_FLIGHT} reads in
     * flight, batched through io_uring where available.
     */
    public static ArchiveOptions of(Path database) {
        return new ArchiveOptions(database, Runtime.getRuntime().availableProcessors(), 2000);
    }

    /** These parsing threads; reads in flight at least as many. */
    public ArchiveOptions withThreads(int n) {
        return new ArchiveOptions(database, n, batchSize, Math.max(n, readsInFlight), ioUring);
    }

    public ArchiveOptions withBatchSize(int n) {
        return new ArchiveOptions(database, threads, n, readsInFlight, ioUring);
    }

    /** At most {@code n} files opened and read ahead of the parsing threads (n ≥ threads). */
    public ArchiveOptions withReadsInFlight(int n) {
        return new ArchiveOptions(database, threads, batchSize, n, ioUring);
    }

    /** Reads batched through io_uring where available (true, the default), or one file at a time per reader thread. */
    public ArchiveOptions withIoUring(boolean on) {
        return new ArchiveOptions(database, threads, batchSize, readsInFlight, on);
    }
}
