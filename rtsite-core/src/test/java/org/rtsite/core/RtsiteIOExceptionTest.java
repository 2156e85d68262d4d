package org.rtsite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RtsiteIOExceptionTest {

    @Test
    void namesTheFileAndTheOsWordsAndKeepsTheIOException() {
        FileSystemException full = new FileSystemException("/out/p1.json", null, "No space left on device");
        RtsiteIOException e = new RtsiteIOException("cannot write /out/p1.json", full);
        assertEquals("cannot write /out/p1.json: No space left on device (/out/p1.json)", e.getMessage());
        assertSame(full, e.getCause());
        assertTrue(e instanceof RtsiteException);
    }

    @Test
    void saysWhatTheJdkLeavesUnsaid() {
        // NoSuchFileException and AccessDeniedException carry only the path
        assertEquals("cannot read a: No such file or directory (a)",
                new RtsiteIOException("cannot read a", new NoSuchFileException("a")).getMessage());
        assertEquals("cannot write b: Permission denied (b)",
                new RtsiteIOException("cannot write b", new AccessDeniedException("b")).getMessage());
        // the OS's words buried in a cause (ImageIO's "I/O error writing PNG file!") are brought up
        IOException wrapped = new IOException("I/O error writing PNG file!",
                new FileSystemException("q.png", null, "Read-only file system"));
        assertEquals("cannot write q.png: I/O error writing PNG file!: Read-only file system (q.png)",
                new RtsiteIOException("cannot write q.png", wrapped).getMessage());
    }

    @Test
    void doesNotRepeatWordsTheMessageHasAlready() {
        IOException io = new IOException("Stream closed");
        assertEquals("cannot read x: Stream closed", new RtsiteIOException("cannot read x: Stream closed", io).getMessage());
    }

    @Test
    void libraryReadsThrowItForFilesThatCannotBeRead(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("a-folder.json"));
        RtsiteException e = assertThrows(RtsiteException.class, () -> ClassifierSettings.defaults().write(folder, null));
        assertTrue(e instanceof RtsiteIOException, e.getClass().getName());
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().startsWith("cannot write classifier settings " + folder + ": "), e.getMessage());
    }
}
