package org.rtsite.dicom;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.rtsite.core.InvalidInputException;
import org.slf4j.LoggerFactory;

/**
 * Reads DICOM Part 10 files, with or without preamble and file meta group, in implicit VR little
 * endian, explicit VR little and big endian and deflated explicit VR little endian; pixel data of
 * the other (compressed) syntaxes is kept as fragments for {@link PixelData} to decode.
 *
 * <p>Options (immutable; each {@code with…} returns a new reader):
 * <ul>
 *   <li>{@link #withStopBeforePixelData(boolean)}: header-only, stops at (7FE0,0008/0009/0010), the (float) pixel
 *       data, without reading it;</li>
 *   <li>{@link #withOnlyTags(int...)}: keep only these top-level elements (values of others are skipped,
 *       reading stops after the highest), for fast indexing;</li>
 *   <li>{@link #withPrivateElements(boolean)}: keep private (odd group) elements, skipped by default.</li>
 * </ul>
 * Malformed input raises {@link DicomFormatException} with file, offset and tag; reading takes
 * time and memory bounded by the file's size. Deflated data sets have no size until inflated, so
 * they are bounded by an inflation limit ({@link #maxInflatedBytes(long)}, by default the larger of
 * {@link #MIN_INFLATION_LIMIT} and {@link #INFLATION_RATIO} times the compressed size, or
 * {@code -Drtsite.dicom.maxInflatedBytes}); every file by a count of data elements, items and
 * fragments ({@link #maxElements(int)}, default {@link #DEFAULT_MAX_ELEMENTS} or
 * {@code -Drtsite.dicom.maxElements}), since each costs far more heap than its 8 bytes of header.
 */
public final class DicomReader {
    /** Sequences nested deeper than this are refused (real RT objects nest 4–5 deep). */
    public static final int MAX_DEPTH = 64;
    private static final int UNDEFINED = -1;
    /** Read buffer bounds: the parser peeks at most 132 bytes ahead; larger values are read past the buffer. */
    private static final int MIN_BUFFER = 256;
    private static final int HEADER_BUFFER = 16 * 1024;
    /**
     * The largest first read of a header-only reader ({@link #withStopBeforePixelData}, {@link #withOnlyTags}):
     * a buffer of this size given to {@link #prefetch(Path, long, byte[])} is always large enough.
     */
    public static final int HEADER_READ_BYTES = HEADER_BUFFER;
    private static final int FULL_BUFFER = 64 * 1024;

    /** A deflated data set may always inflate to this many bytes (64 MiB)... */
    public static final long MIN_INFLATION_LIMIT = 64L << 20;
    /** ...and to this many times its compressed size when that is more (zlib reaches ~1000×, real DICOM ~2–20×). */
    public static final int INFLATION_RATIO = 64;
    /**
     * Heap an element, item or fragment costs beyond its value (measured: ~76 bytes for one-element items),
     * charged with the inflated bytes against the inflation limit, so that floods of tiny elements in a
     * deflated file stay within about the limit's size in memory too.
     */
    static final int HELD_BYTES_PER_ELEMENT = 64;
    /**
     * Data elements, items and fragments one file may hold (4 Mi): the largest real RTSTRUCTs have a few
     * hundred thousand; 4 Mi small ones take about 300 MB of heap.
     */
    public static final int DEFAULT_MAX_ELEMENTS = 1 << 22;
    static final String MAX_INFLATED_PROPERTY = "rtsite.dicom.maxInflatedBytes";
    static final String MAX_ELEMENTS_PROPERTY = "rtsite.dicom.maxElements";

    private static final DicomReader DEFAULT = new DicomReader(false, null, false,
            Math.max(-1L, Long.getLong(MAX_INFLATED_PROPERTY, -1L)),
            Math.max(1, Integer.getInteger(MAX_ELEMENTS_PROPERTY, DEFAULT_MAX_ELEMENTS)));

    private final boolean stopBeforePixelData;
    private final int[] onlyTags;
    private final boolean includePrivate;
    private final long[] onlyTagsUnsigned;
    /** Fixed inflation limit, or -1 for the default rule (minimum or ratio × compressed size). */
    private final long maxInflated;
    private final int maxElements;

    private DicomReader(boolean stopBeforePixelData, int[] onlyTags, boolean includePrivate, long maxInflated,
                        int maxElements) {
        this.stopBeforePixelData = stopBeforePixelData;
        this.onlyTags = onlyTags;
        this.includePrivate = includePrivate;
        this.maxInflated = maxInflated;
        this.maxElements = maxElements;
        if (onlyTags == null) {
            this.onlyTagsUnsigned = null;
        } else {
            this.onlyTagsUnsigned = new long[onlyTags.length];
            for (int i = 0; i < onlyTags.length; i++) {
                onlyTagsUnsigned[i] = onlyTags[i] & 0xFFFFFFFFL;
            }
        }
    }

    /** Reads everything except private elements. */
    public static DicomReader defaults() {
        return DEFAULT;
    }

    /** A reader that stops before Pixel Data ({@code true}) or reads it (the default). */
    public DicomReader withStopBeforePixelData(boolean stop) {
        return new DicomReader(stop, onlyTags, includePrivate, maxInflated, maxElements);
    }

    /** A reader that keeps only these top-level tags (plus Specific Character Set, needed to decode text). */
    public DicomReader withOnlyTags(int... tags) {
        int[] t = Arrays.copyOf(tags, tags.length + 1);
        t[tags.length] = Tag.SpecificCharacterSet;
        long[] unsigned = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            unsigned[i] = t[i] & 0xFFFFFFFFL;
        }
        Arrays.sort(unsigned);
        int[] sorted = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            sorted[i] = (int) unsigned[i];
        }
        return new DicomReader(stopBeforePixelData, sorted, includePrivate, maxInflated, maxElements);
    }

    /** A reader that keeps private elements ({@code true}) or drops them (the default). */
    public DicomReader withPrivateElements(boolean include) {
        return new DicomReader(stopBeforePixelData, onlyTags, include, maxInflated, maxElements);
    }

    /**
     * A reader that lets a deflated data set inflate to at most {@code bytes}, whatever its compressed size.
     *
     * @throws InvalidInputException if {@code bytes} is not positive
     */
    public DicomReader withMaxInflatedBytes(long bytes) {
        if (bytes < 1) {
            throw new InvalidInputException("inflation limit must be positive, got " + bytes);
        }
        return new DicomReader(stopBeforePixelData, onlyTags, includePrivate, bytes, maxElements);
    }

    /**
     * A reader that refuses files with more than {@code count} data elements, items and fragments in all.
     *
     * @throws InvalidInputException if {@code count} is not positive
     */
    public DicomReader withMaxElements(int count) {
        if (count < 1) {
            throw new InvalidInputException("element limit must be positive, got " + count);
        }
        return new DicomReader(stopBeforePixelData, onlyTags, includePrivate, maxInflated, count);
    }

    /** @deprecated use {@link #withStopBeforePixelData(boolean) withStopBeforePixelData(true)} */
    @Deprecated
    public DicomReader stopBeforePixelData() {
        return withStopBeforePixelData(true);
    }

    /** @deprecated use {@link #withOnlyTags(int...)} */
    @Deprecated
    public DicomReader onlyTags(int... tags) {
        return withOnlyTags(tags);
    }

    /** @deprecated use {@link #withPrivateElements(boolean) withPrivateElements(true)} */
    @Deprecated
    public DicomReader includePrivate() {
        return withPrivateElements(true);
    }

    /** @deprecated use {@link #withMaxInflatedBytes(long)} */
    @Deprecated
    public DicomReader maxInflatedBytes(long bytes) {
        return withMaxInflatedBytes(bytes);
    }

    /** @deprecated use {@link #withMaxElements(int)} */
    @Deprecated
    public DicomReader maxElements(int count) {
        return withMaxElements(count);
    }

    /** The inflation limit for a deflated data set of {@code compressed} bytes (-1: unknown). */
    long inflationLimit(long compressed) {
        if (maxInflated > 0) {
            return maxInflated;
        }
        if (compressed < 0 || compressed > Long.MAX_VALUE / INFLATION_RATIO) {
            return compressed < 0 ? MIN_INFLATION_LIMIT : Long.MAX_VALUE;
        }
        return Math.max(MIN_INFLATION_LIMIT, INFLATION_RATIO * compressed);
    }

    private String inflationLimitText(long limit, long compressed) {
        String rule = maxInflated > 0 ? "set by -D" + MAX_INFLATED_PROPERTY + " or DicomReader.withMaxInflatedBytes"
                : "the larger of " + (MIN_INFLATION_LIMIT >> 20) + " MiB and " + INFLATION_RATIO + " × "
                        + (compressed < 0 ? "the compressed size (unknown for a stream)" : compressed + " compressed bytes");
        return "rtsite's inflation limit of " + limit + " bytes for a deflated data set (" + rule + "; -D"
                + MAX_INFLATED_PROPERTY + "=BYTES raises it)";
    }

    /**
     * Reads a file, streaming it; the file is opened once and closed before returning.
     *
     * @throws DicomFormatException for a missing or unreadable file (the {@code IOException} as cause),
     *                              a file that is not DICOM, or an encoding rtsite cannot follow;
     *                              the message names the file, the byte offset and the tag
     */
    public DicomFile read(Path path) {
        return read(path, -1);
    }

    /**
     * As {@link #read(Path)}, for a caller that has just listed the file with its attributes (an archive
     * scan): {@code size} is its size then, which saves a second {@code stat} per file; -1 asks the file
     * system.
     *
     * @throws DicomFormatException as {@link #read(Path)}
     */
    public DicomFile read(Path path, long size) {
        return read(prefetch(path, size));
    }

    /**
     * Opens a file and reads its first bytes (as much as this reader's buffer holds: 16 KiB at most for a
     * header-only reader, never more than the file), without parsing: the I/O half of {@link #read(Path,
     * long)}, for a caller that keeps many reads in flight on a cold or network disk while parsing on as
     * many threads as there are cores. {@link #read(Prefetched)} parses it; the two calls read exactly
     * the bytes, and give exactly the result, of {@code read(path, size)}. Close a prefetched file that
     * is not parsed.
     *
     * @param size the file's size as just listed, or -1 to ask the file system
     * @throws DicomFormatException for a missing file or one that cannot be opened (the cause kept)
     */
    public Prefetched prefetch(Path path, long size) {
        return prefetch(path, size, null);
    }

    /**
     * As {@link #prefetch(Path, long)}, into the caller's buffer where it is large enough for this file's first
     * read ({@link #HEADER_READ_BYTES} always is for a header-only reader), so that a scan of many small files
     * reuses a few buffers instead of allocating and zeroing one per file (as large as the file up to 16 KiB: 88 MB
     * for the 21 k files of the benchmark archive, a sixth of the run's allocation: docs/PERFORMANCE.md,
     * "Indexing, sixth round").
     * The bytes read, and the result of parsing, are those of {@code prefetch(path, size)}. The buffer belongs to
     * the prefetched file until it is parsed ({@link #read(Prefetched)}) or closed; nothing parsed from it keeps
     * a reference to it.
     *
     * @param buffer a buffer to read into, or null (or one too small) to allocate one
     * @throws DicomFormatException as {@link #prefetch(Path, long)}
     */
    public Prefetched prefetch(Path path, long size, byte[] buffer) {
        String source = path.toString();
        InputStream in;
        try {
            if (size < 0) {
                size = Files.size(path);
            }
            in = new FileInputStream(path.toFile());
        } catch (NoSuchFileException e) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, DicomFormatException.NO_TAG,
                    "no such file", e);
        } catch (IOException e) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, DicomFormatException.NO_TAG,
                    "cannot open: " + e.getMessage(), e);
        }
        int first = firstRead(size);
        if (buffer == null || buffer.length < first) {
            buffer = new byte[first];
        }
        int filled = 0;
        try {
            // the read the parser's first look at the buffer would make (until `first` bytes or the end)
            for (int r; filled < first && (r = in.read(buffer, filled, first - filled)) >= 0; ) {
                filled += r;
            }
        } catch (IOException e) {
            // left to the parse, which reads on from what was read and reports the failure at its offset
        }
        return new Prefetched(in, size, source, buffer, filled);
    }

    /**
     * How many bytes {@link #prefetch(Path, long, byte[])} reads first from a file of {@code size} bytes: as much as
     * this reader's buffer holds (16 KiB at most for a header-only reader), never more than the file, and at least
     * the 256 bytes the parser may look ahead. A caller that reads file heads itself ({@link #prefetched}) reads
     * this many.
     */
    public int firstRead(long size) {
        if (size < 0) {
            throw new InvalidInputException("size must be >= 0, got " + size);
        }
        // A buffer no larger than the file, and than a header read needs: allocating and zeroing 64 KiB per
        // file was the largest single cost of indexing archives of small files (docs/PERFORMANCE.md).
        return (int) Math.max(MIN_BUFFER, Math.min(size, headerOnly() ? HEADER_BUFFER : FULL_BUFFER));
    }

    /**
     * A file whose first bytes the caller has read itself into {@code buffer}, from the file's start: parsed by
     * {@link #read(Prefetched)} exactly as if {@link #prefetch(Path, long, byte[])} had read them. For a scan that
     * reads the heads of many files at once (rtsite-archive submits them to the kernel in batches). The file is
     * opened again only if the parse needs bytes past {@code filled}, and read no further than {@code size} bytes:
     * the size the caller listed, as the bytes it read were.
     *
     * @param size   the file's size as listed
     * @param buffer at least {@link #firstRead firstRead(size)} bytes long; belongs to the file until it is parsed
     * @param filled the bytes read into {@code buffer}: {@code firstRead(size)}, or fewer where the file ended first
     */
    public Prefetched prefetched(Path path, long size, byte[] buffer, int filled) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(buffer, "buffer");
        int first = firstRead(size);
        if (buffer.length < first) {
            throw new InvalidInputException("buffer of " + buffer.length + " bytes for " + path + ": the first read of "
                    + size + " bytes needs " + first);
        }
        if (filled < 0 || filled > first) {
            throw new InvalidInputException("filled must be in 0.." + first + " for " + path + ", got " + filled);
        }
        return new Prefetched(new RestOfFile(path, filled, size), size, path.toString(), buffer, filled);
    }

    /**
     * A file's bytes from {@code offset} to {@code size}, opened at the first read: what a parse reads past the
     * head a caller read itself. At the listed size it ends without opening the file (a small file read whole
     * would otherwise be opened again for its end).
     */
    private static final class RestOfFile extends InputStream {
        private final Path path;
        private long offset;
        private final long size;
        private FileInputStream in;

        RestOfFile(Path path, long offset, long size) {
            this.path = path;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (offset >= size) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (in == null) {
                FileInputStream f = new FileInputStream(path.toFile());
                try {
                    f.getChannel().position(offset);
                } catch (IOException e) {
                    f.close();
                    throw e;
                }
                in = f;
            }
            int r = in.read(b, off, (int) Math.min(len, size - offset));
            if (r > 0) {
                offset += r;
            }
            return r;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    /**
     * Parses a file {@link #prefetch prefetched} by this reader (or any reader with the same buffer needs),
     * and closes it.
     *
     * @throws DicomFormatException as {@link #read(Path)}
     */
    public DicomFile read(Prefetched file) {
        try (DicomInput din = new DicomInput(file.in, file.size, file.source, file.buffer, file.filled)) {
            return new Parser(din).readFile();
        }
    }

    /** A file opened and its first bytes read by {@link #prefetch}, not yet parsed. */
    public static final class Prefetched implements AutoCloseable {
        private final InputStream in;
        private final long size;
        private final String source;
        private final byte[] buffer;
        private final int filled;

        private Prefetched(InputStream in, long size, String source, byte[] buffer, int filled) {
            this.in = in;
            this.size = size;
            this.source = source;
            this.buffer = buffer;
            this.filled = filled;
        }

        /** Closes the file (for one that will not be parsed; parsing closes it too). */
        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
    }

    /**
     * Reads from a stream of unknown length (not closed here); {@code source} names it in messages.
     *
     * @throws DicomFormatException as {@link #read(Path)}
     */
    public DicomFile read(InputStream in, String source) {
        return new Parser(new DicomInput(in, -1, source, 64 * 1024)).readFile();
    }

    /**
     * Reads from bytes in memory.
     *
     * @throws DicomFormatException as {@link #read(Path)}
     */
    public DicomFile read(byte[] bytes, String source) {
        return new Parser(new DicomInput(new java.io.ByteArrayInputStream(bytes), bytes.length, source,
                Math.max(256, Math.min(bytes.length, 64 * 1024)))).readFile();
    }

    /** Whether reading stops before Pixel Data or after the highest wanted tag, i.e. at the header's end. */
    private boolean headerOnly() {
        return stopBeforePixelData || onlyTags != null;
    }

    private boolean wanted(int tag) {
        if (!includePrivate && Tag.isPrivate(tag)) {
            return false;
        }
        return onlyTags == null || Arrays.binarySearch(onlyTagsUnsigned, tag & 0xFFFFFFFFL) >= 0;
    }

    /** State of one read. */
    private final class Parser {
        private DicomInput in;
        private final String source;
        private boolean implicit;
        /** Data elements, items and fragments seen so far, against {@link #maxElements}. */
        private long counted;
        private DicomDataset emptyItem;
        /** For deflated data sets: inflated bytes plus a per-element charge may not pass this. */
        private long heldLimit = Long.MAX_VALUE;
        private String heldLimitText;
        /** Set by readElement: the element's VR is "US or SS" and came from the dictionary, not the file. */
        private boolean ambiguousVr;

        Parser(DicomInput in) {
            this.in = in;
            this.source = in.source();
        }

        DicomFile readFile() {
            boolean preamble = false;
            int avail = in.peekAvailable(132);
            if (avail >= 132 && in.peekByte(128) == 'D' && in.peekByte(129) == 'I' && in.peekByte(130) == 'C'
                    && in.peekByte(131) == 'M') {
                preamble = true;
                in.skip(132, DicomFormatException.NO_TAG);
            } else if (avail >= 4 && in.peekByte(0) == 'D' && in.peekByte(1) == 'I' && in.peekByte(2) == 'C'
                    && in.peekByte(3) == 'M') {
                in.skip(4, DicomFormatException.NO_TAG);
            }
            DicomDataset meta = DicomDataset.empty();
            String ts = null;
            if (in.peekAvailable(8) >= 8 && in.peekByte(0) == 0x02 && in.peekByte(1) == 0x00) {
                meta = readMeta();
                ts = meta.getString(Tag.TransferSyntaxUID);
                if (ts == null) {
                    throw new DicomFormatException(source, in.position(), Tag.TransferSyntaxUID,
                            "file meta group has no Transfer Syntax UID");
                }
            } else if (preamble && in.peekAvailable(1) == 0) {
                throw new DicomFormatException(source, in.position(), DicomFormatException.NO_TAG,
                        "file ends after the DICM prefix");
            }
            if (ts == null) {
                ts = guessTransferSyntax(preamble);
            }
            implicit = TransferSyntax.isImplicitVr(ts);
            in.bigEndian = TransferSyntax.isBigEndian(ts);
            if (!in.bigEndian && !TransferSyntax.isDeflated(ts)) {
                correctVrEncoding(ts);
            }
            Inflater inflater = null;
            if (TransferSyntax.isDeflated(ts)) {
                inflater = new Inflater(true);
                long compressed = in.remaining() == Long.MAX_VALUE ? -1 : in.remaining();
                long limit = inflationLimit(compressed);
                String limitText = inflationLimitText(limit, compressed);
                String inflatedSource = source + " (inflated)";
                // The inflater is bounded twice: declared lengths are checked against the limit before
                // anything is read, and the stream itself stops at the limit (floods of small elements).
                in = new DicomInput(new BoundedStream(new InflaterInputStream(in.rest(), inflater, 16 * 1024), limit,
                        inflatedSource, limitText), -1, inflatedSource, 64 * 1024, limit, limitText);
                heldLimit = limit;
                heldLimitText = limitText;
            }
            try {
                DicomDataset data = readDataset(UNDEFINED, 0, CharacterSets.DEFAULT, true, -1);
                return new DicomFile(source, preamble, meta, ts, data);
            } finally {
                if (inflater != null) {
                    inflater.end(); // native zlib memory; the caller closes the file itself
                }
            }
        }

        /**
         * Real files sometimes declare one VR encoding in the meta group and use the other (pydicom
         * and dcmtk detect this too): look at the first data set element and follow the data.
         */
        private void correctVrEncoding(String ts) {
            if (in.peekAvailable(6) < 6) {
                return;
            }
            int tag = peekTag();
            VR vr = VR.of(in.peekByte(4), in.peekByte(5));
            VR known = DataDictionary.knownVr(tag);
            // The declared encoding wins unless the data clearly contradicts it: declared explicit, only two
            // bytes that are no VR at all mean implicit (as pydicom decides); a valid but unexpected VR is a
            // malformed element to report, not a reason to re-read the file as implicit, which can parse
            // garbage into a plausible data set (dcmtk refuses such a file too)
            boolean looksExplicit = implicit
                    ? vr != null && (known == null || known == vr || vr == VR.UN)
                    : vr != null;
            if (implicit == looksExplicit) {
                LoggerFactory.getLogger(DicomReader.class).warn("{}: transfer syntax {} says {} VR but the data set is"
                        + " encoded with {} VR; reading it as encoded", source, ts, implicit ? "implicit" : "explicit",
                        looksExplicit ? "explicit" : "implicit");
                implicit = !looksExplicit;
            }
        }

        private DicomDataset readMeta() {
            List<DicomElement> list = new ArrayList<>();
            implicit = false;
            in.bigEndian = false;
            // The group length is not trusted: files in the wild get it wrong; the group ends where group 2 does.
            while (in.peekAvailable(2) == 2 && in.peekByte(0) == 0x02 && in.peekByte(1) == 0x00) {
                DicomElement e = readElement(0, CharacterSets.DEFAULT, false, -1);
                if (e != null) {
                    list.add(e);
                }
            }
            return new DicomDataset(list, CharacterSets.DEFAULT, source);
        }

        /** No meta group: decide from the first element header, as dcmtk and pydicom do when forced. */
        private String guessTransferSyntax(boolean preamble) {
            long at = in.position();
            if (in.peekAvailable(8) < 8) {
                throw notDicom(at, preamble, "shorter than one data element");
            }
            int g = in.peekByte(0) | in.peekByte(1) << 8;
            int gBig = in.peekByte(0) << 8 | in.peekByte(1);
            boolean explicitVr = VR.of(in.peekByte(4), in.peekByte(5)) != null;
            boolean bigEndian = g > 0xFF && gBig <= 0xFF && gBig != 0;
            int group = bigEndian ? gBig : g;
            if ((group & 1) != 0 || group > 0x7FE0 || group < 0x0002 && !(group == 0 && g == 0)) {
                throw notDicom(at, preamble, String.format("first group 0x%04X is not a plausible DICOM group", group));
            }
            if (!explicitVr) {
                // implicit VR: the 32-bit length must fit in the file
                long len = (in.peekByte(4) | in.peekByte(5) << 8 | in.peekByte(6) << 16 | (long) in.peekByte(7) << 24);
                if (len != 0xFFFFFFFFL && len > in.remaining()) {
                    throw notDicom(at, preamble, "first element's length " + len + " exceeds the file");
                }
                return TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
            }
            return bigEndian ? TransferSyntax.EXPLICIT_VR_BIG_ENDIAN : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        }

        private DicomFormatException notDicom(long at, boolean preamble, String why) {
            return new DicomFormatException(source, at, DicomFormatException.NO_TAG, "not a DICOM file: "
                    + (preamble ? "" : "no DICM prefix at offset 128 and ") + why);
        }

        /**
         * Reads elements until {@code end} (an absolute position) or, for undefined length, an item
         * delimitation (or the end of the file at top level).
         */
        private DicomDataset readDataset(long end, int depth, Charset inherited, boolean top, int inheritedPixelRep) {
            List<DicomElement> list = new ArrayList<>();
            List<Integer> ambiguous = null;
            Charset cs = inherited;
            int pixelRep = inheritedPixelRep;
            int ownPixelRep = -1;
            int lastTag = 0;
            while (true) {
                if (end != UNDEFINED) {
                    long p = in.position();
                    if (p == end) {
                        break;
                    }
                    if (p > end) {
                        throw new DicomFormatException(source, p, lastTag,
                                "element overruns the end of its item (item ends at " + end + ")");
                    }
                }
                int avail = in.peekAvailable(4);
                if (avail == 0 && top) {
                    break;
                }
                if (avail < 4) {
                    if (top && avail > 0 && allZeroTail(avail)) {
                        break; // a few pad bytes after the last element; seen in the wild
                    }
                    throw new DicomFormatException(source, in.position(), lastTag,
                            "file truncated inside " + (top ? "the data set" : "a sequence item"));
                }
                int tag = peekTag();
                if (tag == Tag.ItemDelimitationItem) {
                    if (top || end != UNDEFINED) {
                        throw new DicomFormatException(source, in.position(), tag,
                                "item delimitation outside an item of undefined length");
                    }
                    in.need(8, tag, "item delimitation");
                    in.u32();
                    in.u32();
                    break;
                }
                if (top) {
                    if (stopBeforePixelData && Integer.compareUnsigned(tag, Tag.FloatPixelData) >= 0) {
                        break;
                    }
                    if (onlyTags != null && Integer.compareUnsigned(tag, onlyTags[onlyTags.length - 1]) > 0) {
                        break;
                    }
                }
                // Out-of-order tags are tolerated (some writers do it): the list is sorted at the end,
                // and a repeated tag is kept once.
                DicomElement e = readElement(depth, cs, top, pixelRep);
                lastTag = tag;
                if (e != null) {
                    if (e.tag() == Tag.SpecificCharacterSet) {
                        cs = CharacterSets.forSpecificCharacterSet(
                                new DicomDataset(List.of(e), CharacterSets.DEFAULT, source).getStrings(e.tag()));
                    } else if (e.tag() == Tag.PixelRepresentation && e.length() >= 2) {
                        ownPixelRep = e.buffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xFFFF;
                        pixelRep = ownPixelRep;
                    }
                    if (ambiguousVr && !e.isSequence() && e.vr() == VR.US) {
                        if (ambiguous == null) {
                            ambiguous = new ArrayList<>();
                        }
                        ambiguous.add(list.size());
                    }
                    list.add(e);
                }
            }
            if (ambiguous != null && (ownPixelRep >= 0 ? ownPixelRep : inheritedPixelRep) == 1) {
                // PS3.5 6.2 "US or SS": signed pixel data (PixelRepresentation 1 in this data set or,
                // as pydicom looks it up, an enclosing one) makes them SS, as dcmtk and pydicom read them.
                for (int i : ambiguous) {
                    DicomElement e = list.get(i);
                    list.set(i, DicomElement.ofValue(e.tag(), VR.SS, e.rawValue(), e.offset()));
                }
            }
            if (list.isEmpty() && !top) {
                // empty items are common (and, in hostile files, millions): one instance per character set
                if (emptyItem == null || emptyItem.charset() != cs) {
                    emptyItem = new DicomDataset(list, cs, source);
                }
                return emptyItem;
            }
            list.sort((a, b) -> Integer.compareUnsigned(a.tag(), b.tag()));
            dedupe(list);
            return new DicomDataset(list, cs, source);
        }

        private boolean allZeroTail(int avail) {
            for (int i = 0; i < avail; i++) {
                if (in.peekByte(i) != 0) {
                    return false;
                }
            }
            return in.remaining() == avail;
        }

        private void dedupe(List<DicomElement> list) {
            for (int i = list.size() - 1; i > 0; i--) {
                if (list.get(i).tag() == list.get(i - 1).tag()) {
                    list.remove(i);
                }
            }
        }

        private int peekTag() {
            int g;
            int e;
            if (in.bigEndian) {
                g = in.peekByte(0) << 8 | in.peekByte(1);
                e = in.peekByte(2) << 8 | in.peekByte(3);
            } else {
                g = in.peekByte(1) << 8 | in.peekByte(0);
                e = in.peekByte(3) << 8 | in.peekByte(2);
            }
            return g << 16 | e;
        }

        private void count(long at, int tag) {
            if (++counted > maxElements) {
                throw new DicomFormatException(source, at, tag, "more than " + maxElements
                        + " data elements, items and fragments, rtsite's limit for one file (-D"
                        + MAX_ELEMENTS_PROPERTY + "=N raises it)");
            }
            if (heldLimit != Long.MAX_VALUE && at + counted * HELD_BYTES_PER_ELEMENT > heldLimit) {
                throw new DicomFormatException(in.source(), at, tag, counted + " data elements, items and fragments in "
                        + at + " inflated bytes would take more memory (" + HELD_BYTES_PER_ELEMENT
                        + " bytes each plus their values) than " + heldLimitText);
            }
        }

        /** Reads one element; null if it was skipped (not wanted). */
        private DicomElement readElement(int depth, Charset cs, boolean top, int pixelRep) {
            long at = in.position();
            in.need(8, DicomFormatException.NO_TAG, "element header");
            int group = in.u16();
            int element = in.u16();
            int tag = group << 16 | element;
            ambiguousVr = false;
            count(at, tag);
            VR vr;
            long length;
            if (group == 0xFFFE) {
                throw new DicomFormatException(source, at, tag, "item tag where a data element was expected");
            }
            if (implicit) {
                vr = DataDictionary.vrOf(tag);
                length = in.u32() & 0xFFFFFFFFL;
                ambiguousVr = DataDictionary.isUsOrSsPixelValue(tag);
            } else {
                int b0 = in.u8();
                int b1 = in.u8();
                vr = VR.of(b0, b1);
                if (vr == null) {
                    throw new DicomFormatException(source, at, tag, String.format(
                            "invalid VR bytes 0x%02X 0x%02X in explicit VR data", b0, b1));
                }
                if (vr.hasLongLength()) {
                    in.u16(); // reserved
                    in.need(4, tag, "element length");
                    length = in.u32() & 0xFFFFFFFFL;
                } else {
                    length = in.u16();
                }
            }
            boolean keep = !top || wanted(tag);
            if (vr == VR.UN && !implicit && !Tag.isPrivate(tag) && length != 0xFFFFFFFFL) {
                // Some writers label known elements UN in explicit VR files (pydicom's RLE test dose
                // does); like pydicom, give them the dictionary's VR so that typed access works.
                VR known = DataDictionary.vrOf(tag);
                if (known == VR.SQ) {
                    boolean wasBig = in.bigEndian;
                    implicit = true; // PS3.5 6.2.2: a UN sequence is encoded in implicit VR little endian
                    in.bigEndian = false;
                    try {
                        List<DicomDataset> items = readItems(tag, length, depth + 1, cs, pixelRep);
                        return keep ? DicomElement.ofSequence(tag, items, at) : null;
                    } finally {
                        implicit = false;
                        in.bigEndian = wasBig;
                    }
                }
                if (known != VR.UN) {
                    vr = known;
                    ambiguousVr = DataDictionary.isUsOrSsPixelValue(tag);
                }
            }
            if (tag == Tag.PixelData && length == 0xFFFFFFFFL) {
                List<byte[]> fragments = readFragments(tag, keep);
                return keep ? DicomElement.ofFragments(tag, vr == VR.UN ? VR.OB : vr, fragments, at) : null;
            }
            if (vr == VR.SQ || length == 0xFFFFFFFFL) {
                if (vr != VR.SQ && vr != VR.UN) {
                    throw new DicomFormatException(source, at, tag, "undefined length on VR " + vr
                            + " (only sequences, UN and encapsulated Pixel Data may have it)");
                }
                boolean wasImplicit = implicit;
                boolean wasBig = in.bigEndian;
                if (vr == VR.UN) {
                    // PS3.5 6.2.2: UN of undefined length is a sequence in implicit VR little endian.
                    implicit = true;
                    in.bigEndian = false;
                }
                List<DicomDataset> items = readItems(tag, length, depth + 1, cs, pixelRep);
                ambiguousVr = false;
                implicit = wasImplicit;
                in.bigEndian = wasBig;
                return keep ? DicomElement.ofSequence(tag, items, at) : null;
            }
            if (!keep) {
                in.skip(length, tag);
                ambiguousVr = false;
                return null;
            }
            byte[] value = in.read(length, tag);
            if (in.bigEndian && vr.unitSize() > 1) {
                // PS3.5 6.2: OW swaps within 16-bit words, whatever Bits Allocated says (as dcmtk does;
                // pydicom instead swaps 32-bit pixels whole, see docs/dicom.md).
                swap(value, vr.unitSize());
            }
            return DicomElement.ofValue(tag, vr, value, at);
        }

        private List<DicomDataset> readItems(int seqTag, long length, int depth, Charset cs, int pixelRep) {
            long seqStart = in.position();
            if (depth > MAX_DEPTH) {
                throw new DicomFormatException(source, seqStart, seqTag, "sequences nested deeper than " + MAX_DEPTH);
            }
            long end = UNDEFINED;
            if (length != 0xFFFFFFFFL) {
                if (length > in.room()) {
                    throw in.beyond(seqStart, seqTag, "sequence length", length);
                }
                end = seqStart + length;
            }
            List<DicomDataset> items = new ArrayList<>();
            while (true) {
                long p = in.position();
                if (end != UNDEFINED) {
                    if (p == end) {
                        break;
                    }
                    if (p > end) {
                        throw new DicomFormatException(source, p, seqTag, "item overruns the end of its sequence");
                    }
                }
                in.need(8, seqTag, "item header in sequence");
                int tag = in.u16() << 16;
                tag |= in.u16();
                long itemLength = in.u32() & 0xFFFFFFFFL;
                count(p, seqTag);
                if (tag == Tag.SequenceDelimitationItem) {
                    if (end != UNDEFINED) {
                        throw new DicomFormatException(source, p, seqTag,
                                "sequence delimitation in a sequence of defined length");
                    }
                    break;
                }
                if (tag != Tag.Item) {
                    throw new DicomFormatException(source, p, seqTag, "expected an item tag (FFFE,E000) in sequence,"
                            + " found " + Tag.toString(tag));
                }
                long itemEnd = UNDEFINED;
                if (itemLength != 0xFFFFFFFFL) {
                    if (end != UNDEFINED && in.position() + itemLength > end) {
                        throw new DicomFormatException(source, p, seqTag, "item length " + itemLength
                                + " goes beyond the end of its sequence");
                    }
                    if (itemLength > in.room()) {
                        throw in.beyond(p, seqTag, "item length", itemLength);
                    }
                    itemEnd = in.position() + itemLength;
                }
                items.add(readDataset(itemEnd, depth, cs, false, pixelRep));
            }
            return items;
        }

        private List<byte[]> readFragments(int tag, boolean keep) {
            List<byte[]> fragments = new ArrayList<>();
            while (true) {
                long p = in.position();
                in.need(8, tag, "pixel data item header");
                int itemTag = in.u16() << 16;
                itemTag |= in.u16();
                long len = in.u32() & 0xFFFFFFFFL;
                count(p, tag);
                if (itemTag == Tag.SequenceDelimitationItem) {
                    break;
                }
                if (itemTag != Tag.Item) {
                    throw new DicomFormatException(source, p, tag, "expected a pixel data fragment item (FFFE,E000),"
                            + " found " + Tag.toString(itemTag));
                }
                if (len == 0xFFFFFFFFL) {
                    throw new DicomFormatException(source, p, tag, "pixel data fragment of undefined length");
                }
                if (keep) {
                    fragments.add(in.read(len, tag));
                } else {
                    in.skip(len, tag);
                }
            }
            if (keep && fragments.isEmpty()) {
                throw new DicomFormatException(source, in.position(), tag,
                        "encapsulated pixel data without a Basic Offset Table item");
            }
            return fragments;
        }
    }

    /** An inflating stream that stops, naming the file and the limit, once it has produced {@code limit} bytes. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private final long limit;
        private final String source;
        private final String limitText;
        private long produced;

        BoundedStream(InputStream in, long limit, String source, String limitText) {
            super(in);
            this.limit = limit;
            this.source = source;
            this.limitText = limitText;
        }

        private void check() {
            if (produced > limit) {
                throw new DicomFormatException(source, limit, DicomFormatException.NO_TAG,
                        "the data set inflates past " + limitText);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                produced++;
                check();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // ask for at most one byte past the limit: enough to tell that it was passed
            int r = super.read(b, off, (int) Math.min(len, Math.max(1, limit - produced + 1)));
            if (r > 0) {
                produced += r;
                check();
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, Math.max(1, limit - produced + 1)));
            if (s > 0) {
                produced += s;
                check();
            }
            return s;
        }
    }

    static void swap(byte[] b, int unit) {
        for (int i = 0; i + unit <= b.length; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }
}
