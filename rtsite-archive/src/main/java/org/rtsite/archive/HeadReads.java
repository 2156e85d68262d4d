package org.rtsite.archive;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rtsite.core.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the first bytes of many files at once through Linux io_uring (a small native library of rtsite's own,
 * {@code src/main/c/rtsite_reads.c}, built with the module where a C compiler is found).
 *
 * <p>Why: a cold scan of small files makes one block request per file, and on a virtual disk every request the
 * kernel submits alone costs the guest a notification of the device and an interrupt: ≈ 30–40 µs of a core per
 * file, most of what a cold scan costs beyond a warm one (docs/PERFORMANCE.md, "Indexing, eighth round"). Reads
 * submitted together are plugged together: one notification a batch, adjacent blocks merged, one wake-up a batch
 * ("Indexing, thirteenth round"). Java 17 has no such call.
 *
 * <p>Where the library is absent (not Linux x86-64 or aarch64, built without a C compiler, a temporary folder
 * mounted noexec) or the kernel refuses a ring (before 5.6, io_uring disabled by {@code kernel.io_uring_disabled}
 * or a container's seccomp profile), {@link #open} returns null and the scan reads with threads, as before. A file
 * this class cannot read (a failed open or read, a name not encodable in the platform's file name charset) is
 * reported as such, and the scan reads it the ordinary way, so its error, if any, is the ordinary one.
 */
final class HeadReads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeadReads.class);

    /** A file's result when it was not handed to the kernel (its name cannot be passed): read it the ordinary way. */
    static final int NOT_READ = Integer.MIN_VALUE;

    /** The longest name passed, NUL included (Linux's PATH_MAX); longer ones are {@link #NOT_READ}. */
    private static final int MAX_NAME_BYTES = 4096;

    private static final String UNAVAILABLE = loadLibrary();

    /** Rings whose batch failed in the kernel: kept for the process's life, with their buffers (a rare case). */
    private static final List<Ring> ABANDONED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final BlockingQueue<Ring> rings;
    private final int batch;
    private final int stride;
    private final int count;
    private volatile String broken;
    private volatile boolean closed;

    private HeadReads(BlockingQueue<Ring> rings, int batch, int stride) {
        this.rings = rings;
        this.count = rings.size();
        this.batch = batch;
        this.stride = stride;
    }

    /** Why batched reads are not available in this process, or null when they are (the library loaded). */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * {@code count} rings, each reading up to {@code batch} files of up to {@code stride} bytes at a time; null
     * (logged, at debug level, with the reason) where batched reads are not available here.
     */
    static HeadReads open(int count, int batch, int stride) {
        if (count < 1 || batch < 1 || stride < 1) {
            throw new InvalidInputException("count, batch and stride must be positive, got " + count + ", " + batch
                    + ", " + stride);
        }
        if (UNAVAILABLE != null) {
            LOG.debug("reading file heads with threads: {}", UNAVAILABLE);
            return null;
        }
        BlockingQueue<Ring> rings = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            long address = openRing(batch);
            if (address < 0) {
                rings.forEach(Ring::close);
                LOG.debug("reading file heads with threads: the kernel refused an io_uring ring (errno {})",
                        -address);
                return null;
            }
            rings.add(new Ring(address, batch, stride));
        }
        return new HeadReads(rings, batch, stride);
    }

    /** The most files one {@link #read} takes. */
    int batch() {
        return batch;
    }

    /**
     * Reads the first {@code lengths[i]} bytes of each file into {@code buffers[i]}, all in one batch.
     *
     * @return per file, the bytes read (fewer than asked only where the file ended), {@code -errno} where the open
     *         or the read failed, or {@link #NOT_READ}; null where the ring failed (nothing was read, and this object
     *         reads nothing more: read these files the ordinary way)
     */
    int[] read(List<Path> files, int[] lengths, byte[][] buffers) throws InterruptedException {
        int n = files.size();
        if (n > batch || lengths.length < n || buffers.length < n) {
            throw new InvalidInputException(n + " files for a batch of " + batch + ", " + lengths.length
                    + " lengths, " + buffers.length + " buffers");
        }
        if (broken != null || closed) {
            return null;
        }
        int[] results = new int[n];
        Ring ring;
        while ((ring = rings.poll(10, TimeUnit.MILLISECONDS)) == null) {
            if (closed) {
                return null;
            }
        }
        try {
            int[] index = ring.index;
            int m = 0;
            ring.names.clear();
            for (int i = 0; i < n; i++) {
                if (lengths[i] < 0 || lengths[i] > stride || lengths[i] > buffers[i].length) {
                    throw new InvalidInputException("a read of " + lengths[i] + " bytes into " + buffers[i].length
                            + " (stride " + stride + ") for " + files.get(i));
                }
                if (ring.name(files.get(i))) {
                    ring.lengths[m] = lengths[i];
                    index[m++] = i;
                } else {
                    results[i] = NOT_READ;
                }
            }
            if (m > 0) {
                int status = readHeads(ring.address, ring.names, m, ring.out, stride, ring.lengths, ring.results);
                if (status < 0) {
                    broken = "io_uring_enter failed (errno " + -status + ")";
                    LOG.debug("reading file heads with threads from now on: {}", broken);
                    // reads may still be in flight into its buffers: the ring and its buffers are kept, never freed
                    ring.abandoned = true;
                    ABANDONED.add(ring);
                    return null;
                }
                for (int k = 0; k < m; k++) {
                    int i = index[k];
                    int r = ring.results[k];
                    results[i] = r;
                    if (r > 0) {
                        ring.out.get(k * stride, buffers[i], 0, r);
                    }
                }
            }
            return results;
        } finally {
            rings.add(ring);
        }
    }

    /**
     * Closes the rings, each once no {@link #read} uses it (a read in progress ends: the kernel's reads of one batch
     * are not interruptible, nor long); later reads return null.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        for (int i = 0; i < count; i++) {
            while (true) {
                try {
                    rings.take().close();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One ring and its buffers: the files' names, the bytes read, the lengths asked and the results. */
    private static final class Ring {
        final long address;
        final ByteBuffer names;
        final ByteBuffer out;
        final int[] lengths;
        final int[] results;
        final int[] index;
        final CharsetEncoder encoder = nameEncoder();
        boolean closed;
        /** Failed with reads possibly in flight: never closed, its buffers kept ({@link #ABANDONED}). */
        boolean abandoned;

        Ring(long address, int batch, int stride) {
            this.address = address;
            this.names = ByteBuffer.allocateDirect(batch * MAX_NAME_BYTES);
            this.out = ByteBuffer.allocateDirect(batch * stride);
            this.lengths = new int[batch];
            this.results = new int[batch];
            this.index = new int[batch];
        }

        boolean name(Path file) {
            return appendName(names, file, encoder);
        }

        void close() {
            if (!closed && !abandoned) {
                closed = true;
                closeRing(address);
            }
        }
    }

    /**
     * Appends the file's name to {@code names}, NUL-terminated, as the JDK passes it to {@code open(2)}: in the
     * platform's file name charset. False, with nothing appended, where it cannot be passed so (a NUL in it, a
     * character the charset lacks, {@value #MAX_NAME_BYTES} bytes or more).
     */
    static boolean appendName(ByteBuffer names, Path file, CharsetEncoder encoder) {
        String s = file.toString();
        int start = names.position();
        boolean ascii = s.length() < MAX_NAME_BYTES;
        for (int i = 0; i < s.length() && ascii; i++) {
            char c = s.charAt(i);
            ascii = c > 0 && c < 0x80;
        }
        if (ascii) { // (nearly every archive: no encoder needed)
            for (int i = 0; i < s.length(); i++) {
                names.put((byte) s.charAt(i));
            }
        } else {
            if (s.indexOf('\0') >= 0) {
                return false;
            }
            encoder.reset();
            ByteBuffer slot = names.slice(start, Math.min(MAX_NAME_BYTES - 1, names.remaining() - 1));
            if (!encoder.encode(CharBuffer.wrap(s), slot, true).isUnderflow() || !encoder.flush(slot).isUnderflow()) {
                return false; // unencodable, or too long
            }
            names.position(start + slot.position());
        }
        names.put((byte) 0);
        return true;
    }

    /** A new encoder of file names ({@link #appendName}); one per thread. */
    static CharsetEncoder nameEncoder() {
        return NAME_CHARSET.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The charset the JDK encodes file names in for system calls (sun.jnu.encoding), as {@code open(2)} gets them. */
    private static final Charset NAME_CHARSET = nameCharset();

    private static Charset nameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** Loads the library for this platform: null when loaded, else why not. */
    private static String loadLibrary() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return "not Linux (" + os + ")";
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (arch == null) {
            return "no native reads for " + System.getProperty("os.arch");
        }
        String resource = "native/linux-" + arch + "/librtsite_reads.so";
        URL url = HeadReads.class.getResource(resource);
        if (url == null) {
            return "rtsite-archive was built without its native reads (no C compiler at build time)";
        }
        try {
            if ("file".equals(url.getProtocol())) {
                System.load(Path.of(url.toURI()).toString());
            } else {
                // a library inside a jar is loaded from a copy; removing the copy once loaded leaves no file behind
                Path copy = Files.createTempFile("rtsite_reads", ".so");
                try (InputStream in = url.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                    System.load(copy.toString());
                } finally {
                    Files.deleteIfExists(copy);
                }
            }
            return null;
        } catch (IOException | java.net.URISyntaxException | RuntimeException | UnsatisfiedLinkError e) {
            return "cannot load " + resource + ": " + e;
        }
    }

    private static native long openRing(int entries);

    private static native void closeRing(long address);

    private static native int readHeads(long address, ByteBuffer names, int count, ByteBuffer out, int stride,
                                        int[] lengths, int[] results);
}
