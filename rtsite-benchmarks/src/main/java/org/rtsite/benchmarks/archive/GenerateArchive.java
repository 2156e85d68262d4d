package org.rtsite.benchmarks.archive;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rtsite.archive.SyntheticArchive;
import org.rtsite.core.InvalidInputException;

/**
 * Writes a synthetic archive for whole-process benchmarks ({@code scripts/index_vs_peers.sh}):
 * {@code GenerateArchive DIR PATIENTS [SLICES]} puts the files under DIR/data (seed 2026, as
 * {@link ArchiveBenchmarks} does) and their count in DIR/.complete; an archive already complete is kept.
 */
public final class GenerateArchive {
    private GenerateArchive() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            throw new InvalidInputException("usage: GenerateArchive DIR PATIENTS [SLICES], got " + args.length
                    + " argument(s)");
        }
        Path dir = Path.of(args[0]);
        int patients = Integer.parseInt(args[1]);
        int slices = args.length > 2 ? Integer.parseInt(args[2]) : 95;
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) {
            System.out.println(dir + ": " + Files.readString(done).trim() + " files (kept)");
            return;
        }
        if (Files.exists(dir.resolve("data"))) {
            throw new InvalidInputException(dir.resolve("data") + " exists but is incomplete; delete it first");
        }
        SyntheticArchive.GroundTruth t = SyntheticArchive.generate(dir.resolve("data"), patients, slices, 2026);
        Files.writeString(done, Integer.toString(t.files()));
        System.out.println(dir + ": " + t.files() + " files");
    }
}
