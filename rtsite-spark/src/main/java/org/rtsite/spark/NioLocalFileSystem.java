package org.rtsite.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:} paths) that sets permissions through Java instead of a {@code chmod}
 * process. Without Hadoop's native library, which no Maven artifact ships, {@link RawLocalFileSystem} starts
 * {@code chmod} (through the JVM's spawn helper) for every file and folder it creates: 97 processes in a
 * 16-plan run, 30 of them in the classify stage's table writes, each a few milliseconds of a thread that waits
 * (docs/PERFORMANCE.md, "Spark, ninth round"). The permissions and checksum files are Hadoop's as before;
 * a mode Java cannot set (sticky or set-id bits) or a file system without POSIX permissions goes Hadoop's way.
 * {@code rtsite spark classify} in local mode sets {@code spark.hadoop.fs.file.impl} to this class unless it is set;
 * on a cluster, {@code --conf spark.hadoop.fs.file.impl=org.rtsite.spark.NioLocalFileSystem} (docs/spark.md).
 */
public final class NioLocalFileSystem extends LocalFileSystem {
    /** What {@code spark.hadoop.fs.file.impl} names. */
    public static final String CONF = "spark.hadoop.fs.file.impl";

    public NioLocalFileSystem() {
        super(new Raw());
    }

    /** The permissions of a {@code chmod} mode of at most 0777 (POSIX's bit order is the enum's). */
    static Set<PosixFilePermission> posix(short mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    private static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            short mode = permission.toShort();
            if ((mode & ~0777) == 0) {
                try {
                    Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
                    return;
                } catch (UnsupportedOperationException e) {
                    // no POSIX permissions here: Hadoop's own way below
                }
            }
            super.setPermission(p, permission);
        }
    }
}
