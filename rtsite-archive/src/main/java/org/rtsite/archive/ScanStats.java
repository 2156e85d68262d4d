package org.rtsite.archive;

import java.time.Duration;

/**
 * What one scan did.
 *
 * @param filesSeen  regular files found under the roots
 * @param filesRead  new or changed files whose header was read
 * @param unchanged  files skipped because size and modification time matched the index
 * @param removed    index rows dropped because their file no longer exists under a scanned root
 * @param notDicom   files read this scan that are not DICOM
 * @param unreadable files read this scan that could not be read (I/O error, malformed DICOM)
 * @param elapsed    wall time of the scan
 */
public record ScanStats(long filesSeen, long filesRead, long unchanged, long removed, long notDicom,
                        long unreadable, Duration elapsed) {

    /** Files seen per second of wall time. */
    public double filesPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : filesSeen / s;
    }

    @Override
    public String toString() {
        return String.format("%d files (%d read, %d unchanged, %d removed, %d not DICOM, %d unreadable) in %.1f s",
                filesSeen, filesRead, unchanged, removed, notDicom, unreadable, elapsed.toNanos() / 1e9);
    }
}
