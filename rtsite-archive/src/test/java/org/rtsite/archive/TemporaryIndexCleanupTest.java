package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.RtsiteException;

/** Issue 15: {@link DicomArchive#index(Path...)} owns its temporary database, also when the scan fails. */
class TemporaryIndexCleanupTest {
    @TempDir
    Path dir;

    @Test
    void aFailedScanLeavesNoTemporaryDatabase() throws IOException {
        Set<Path> before = temporaryIndexes();
        assertThrows(RtsiteException.class, () -> DicomArchive.index(dir.resolve("no such folder")));
        Set<Path> left = temporaryIndexes();
        left.removeAll(before);
        assertEquals(Set.of(), left, "temporary index files left behind by the failed scan");
    }

    @Test
    void aSuccessfulScanDeletesItsDatabaseOnClose() throws IOException {
        Set<Path> before = temporaryIndexes();
        try (DicomArchive archive = DicomArchive.index(dir)) {
            assertEquals(0, archive.plans().count());
        }
        Set<Path> left = temporaryIndexes();
        left.removeAll(before);
        assertEquals(Set.of(), left);
    }

    private static Set<Path> temporaryIndexes() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return new HashSet<>(s.filter(p -> p.getFileName().toString().startsWith("rtsite-index")).toList());
        }
    }
}
