package org.rtsite.archive;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The archive scanner's header reading, for engines that walk an archive themselves (rtsite-spark
 * reads headers on its executors and keeps the index as Parquet): the same tags, the same content
 * key and the same reasons for files that are not DICOM, so that their rows link exactly as the
 * SQLite index's do.
 */
public final class HeaderReader {

    private HeaderReader() {
    }

    /**
     * Reads the header of one file, never throwing for its content: a file that is not DICOM, cannot
     * be read or was written by rtsite becomes a row with that status and the reason.
     *
     * @param file  the file, as it should appear in the index (absolute and normalised, as the scanner's walk gives it)
     * @param size  its size in bytes (from the listing)
     * @param mtime its last modification, milliseconds since the epoch (from the listing)
     */
    public static IndexedFile read(Path file, long size, long mtime) {
        Objects.requireNonNull(file, "file");
        return HeaderExtractor.read(file, size, mtime);
    }

    /**
     * The row of a path that could not even be listed or stat-ed (an unreadable folder), as the
     * scanner records one: status {@link FileStatus#UNREADABLE}, size and mtime 0.
     */
    public static IndexedFile unreadable(String path, String reason) {
        Objects.requireNonNull(path, "path");
        return HeaderExtractor.failed(path, 0, 0, FileStatus.UNREADABLE, reason);
    }
}
