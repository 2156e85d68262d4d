package org.rtsite.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * A synthetic archive with the faults a real one has beside its plans: a truncated copy of a DICOM file in a
 * plan's folder (unreadable, context of the plans beside it) and a file that is not DICOM.
 */
final class FaultyArchive {
    private FaultyArchive() {
    }

    /**
     * Writes the archive into {@code dir} ({@link SyntheticArchive#generate} with {@code patients}, 3 series, seed 5)
     * and returns the DICOM file whose truncated copy, {@code truncated.dcm}, lies beside it.
     */
    static Path generate(Path dir, int patients) throws IOException {
        SyntheticArchive.generate(dir, patients, 3, 5);
        Path some;
        try (Stream<Path> s = Files.walk(dir)) {
            some = s.filter(Files::isRegularFile).filter(p -> p.toString().contains("SYN")).sorted().findFirst()
                    .orElseThrow();
        }
        Files.write(some.resolveSibling("truncated.dcm"), Arrays.copyOf(Files.readAllBytes(some), 300));
        Files.writeString(dir.resolve("notes.txt"), "not DICOM");
        return some;
    }
}
