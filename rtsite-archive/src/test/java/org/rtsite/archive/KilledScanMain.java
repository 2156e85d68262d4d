package org.rtsite.archive;

import java.nio.file.Path;

/**
 * Child process of {@link KilledScanResumeTest}: indexes in small batches, prints a line after each
 * committed batch and, after the {@code stopAfter}-th, stalls until it is killed.
 */
public final class KilledScanMain {
    private KilledScanMain() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path root = Path.of(args[1]);
        int stopAfter = Integer.parseInt(args[2]);
        int[] batches = {0};
        DicomArchive.index(ArchiveOptions.of(db).withThreads(2).withBatchSize(40), (seen, read, committed) -> {
            System.out.println("committed " + committed);
            System.out.flush();
            if (++batches[0] >= stopAfter) {
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, root);
    }
}
