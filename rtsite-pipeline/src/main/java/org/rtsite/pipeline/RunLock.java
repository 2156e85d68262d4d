package org.rtsite.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One classification run per results store at a time: an OS file lock on {@code <database>-classify.lock}
 * (released by the OS when the process dies, even by SIGKILL), plus a semaphore per file for runs
 * inside one JVM, where a second file lock would throw instead of waiting. Without it two runs would
 * read the same "finished" set and both classify every plan.
 */
final class RunLock implements AutoCloseable {
    private static final Map<Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();
    private final Semaphore local;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Semaphore local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    static Path lockFile(Path database) {
        Path abs = database.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + "-classify.lock");
    }

    static RunLock acquire(Path database, ArchiveClassifier.Progress progress) {
        Path file = lockFile(database);
        Semaphore local = IN_JVM.computeIfAbsent(file, f -> new Semaphore(1));
        String waiting = "another classify run holds " + file + "; waiting for it to finish";
        boolean told = false;
        try {
            if (!local.tryAcquire()) {
                progress.waiting(waiting);
                told = true;
                local.acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFaultException("interrupted while waiting for the classify lock " + file, e);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                if (!told) {
                    progress.waiting(waiting);
                }
                l = ch.lock();
            }
            return new RunLock(local, ch, l);
        } catch (IOException e) {
            local.release();
            closeQuietly(ch);
            throw new RunFaultException("cannot lock " + file + " (one classify run per database at a time): "
                    + RunFaultException.reason(e), e);
        } catch (RuntimeException e) {
            local.release();
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock failure is what is reported
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel drops the lock anyway
        } finally {
            local.release();
        }
    }
}
