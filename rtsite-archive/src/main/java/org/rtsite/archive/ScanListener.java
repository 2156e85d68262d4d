package org.rtsite.archive;

/** Progress of a scan, reported from the database writer after each committed batch. */
@FunctionalInterface
public interface ScanListener {
    /**
     * @param filesSeen  files found so far
     * @param filesRead  headers read so far (new or changed files)
     * @param committed  rows committed so far in this scan
     */
    void progress(long filesSeen, long filesRead, long committed);

    ScanListener NONE = (seen, read, committed) -> { };
}
