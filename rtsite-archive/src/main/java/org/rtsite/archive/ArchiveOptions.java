package org.rtsite.archive;

import java.nio.file.Path;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;

/**
 * How {@link DicomArchive} indexes.
 *
 * @param database  the SQLite index file; created if absent, reused (only new or changed files
 *                  are read) if present
 * @param threads   header-reading threads (the database writer is one more thread)
 * @param batchSize files per database transaction; a killed scan loses at most one batch of work,
 *                  never rows already committed
 */
public record ArchiveOptions(Path database, int threads, int batchSize) {

    public ArchiveOptions {
        Objects.requireNonNull(database, "database");
        if (threads < 1 || threads > 256) {
            throw new InvalidInputException("threads must be in 1..256, got " + threads);
        }
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new InvalidInputException("batchSize must be in 1..1000000, got " + batchSize);
        }
    }

    /** One thread per available processor, 2,000 files per transaction. */
    public static ArchiveOptions of(Path database) {
        return new ArchiveOptions(database, Runtime.getRuntime().availableProcessors(), 2000);
    }

    public ArchiveOptions withThreads(int n) {
        return new ArchiveOptions(database, n, batchSize);
    }

    public ArchiveOptions withBatchSize(int n) {
        return new ArchiveOptions(database, threads, n);
    }
}
