package org.rtsite.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;

/**
 * The pixel data of a file, frame by frame, as native little endian bytes whatever the transfer
 * syntax: native data is sliced, RLE Lossless decoded here, JPEG via {@link JpegCodecs}. Other
 * compressed syntaxes raise {@link UnsupportedTransferSyntaxException} naming the syntax and file.
 */
public final class PixelData {
    private final DicomFile file;
    private final DicomElement element;
    private final int rows;
    private final int columns;
    private final int samplesPerPixel;
    private final int bitsAllocated;
    private final int numberOfFrames;
    private final int planarConfiguration;

    PixelData(DicomFile file) {
        this.file = file;
        DicomDataset ds = file.dataset();
        DicomElement e = ds.get(Tag.PixelData);
        if (e == null) {
            e = ds.get(Tag.FloatPixelData);
        }
        if (e == null) {
            e = ds.get(Tag.DoubleFloatPixelData);
        }
        if (e == null) {
            throw new DicomFormatException(file.source(), DicomFormatException.NO_OFFSET, Tag.PixelData,
                    "no Pixel Data (was the file read header-only?)");
        }
        this.element = e;
        this.rows = positive(ds, Tag.Rows, ds.requireInt(Tag.Rows));
        this.columns = positive(ds, Tag.Columns, ds.requireInt(Tag.Columns));
        this.samplesPerPixel = positive(ds, Tag.SamplesPerPixel, ds.getInt(Tag.SamplesPerPixel, 1));
        int bits = e.tag() == Tag.FloatPixelData ? 32 : e.tag() == Tag.DoubleFloatPixelData ? 64
                : ds.requireInt(Tag.BitsAllocated);
        if (bits != 1 && bits != 8 && bits != 16 && bits != 32 && bits != 64) {
            throw new DicomFormatException(file.source(), ds.get(Tag.BitsAllocated).offset(), Tag.BitsAllocated,
                    "Bits Allocated " + bits + " is not 1, 8, 16, 32 or 64");
        }
        this.bitsAllocated = bits;
        this.numberOfFrames = positive(ds, Tag.NumberOfFrames, ds.getInt(Tag.NumberOfFrames, 1));
        this.planarConfiguration = ds.getInt(Tag.PlanarConfiguration, 0);
    }

    private int positive(DicomDataset ds, int tag, int v) {
        if (v <= 0 || v > 1 << 20) {
            throw new DicomFormatException(file.source(), ds.get(tag) == null ? -1 : ds.get(tag).offset(), tag,
                    DataDictionary.keywordOf(tag) + " " + v + " is not a plausible positive count");
        }
        return v;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public int samplesPerPixel() {
        return samplesPerPixel;
    }

    public int bitsAllocated() {
        return bitsAllocated;
    }

    public int numberOfFrames() {
        return numberOfFrames;
    }

    public boolean isEncapsulated() {
        return element.isEncapsulated();
    }

    /** Bytes of one decoded frame. */
    public int frameLength() {
        long bitsPerFrame = (long) rows * columns * samplesPerPixel * bitsAllocated;
        long n = (bitsPerFrame + 7) / 8;
        if (n > Integer.MAX_VALUE - 8) {
            throw new DicomFormatException(file.source(), element.offset(), element.tag(),
                    "a frame of " + rows + "x" + columns + "x" + samplesPerPixel + " at " + bitsAllocated
                            + " bits is too large");
        }
        return (int) n;
    }

    /** Frame {@code index} (0-based), decoded, little endian, samples interleaved unless planar configuration 1. */
    public byte[] frame(int index) {
        if (index < 0 || index >= numberOfFrames) {
            throw new InvalidInputException("frame " + index + " of " + numberOfFrames + " in " + file.source());
        }
        int len = frameLength();
        if (!element.isEncapsulated()) {
            byte[] v = element.rawValue();
            long need = (long) len * numberOfFrames;
            if (bitsAllocated == 1) {
                need = ((long) rows * columns * samplesPerPixel * numberOfFrames + 7) / 8;
            }
            if (v.length < need) {
                throw new DicomFormatException(file.source(), element.offset(), element.tag(), "Pixel Data holds "
                        + v.length + " bytes but " + numberOfFrames + " frame(s) of " + rows + "x" + columns + "x"
                        + samplesPerPixel + " at " + bitsAllocated + " bits need " + need);
            }
            if (bitsAllocated == 1 && numberOfFrames > 1 && ((long) rows * columns * samplesPerPixel) % 8 != 0) {
                throw new DicomFormatException(file.source(), element.offset(), element.tag(),
                        "1-bit frames that do not end on a byte boundary are not supported");
            }
            byte[] out = new byte[len];
            System.arraycopy(v, index * len, out, 0, len);
            return out;
        }
        byte[] compressed = compressedFrame(index);
        String ts = file.transferSyntaxUid();
        byte[] out;
        if (TransferSyntax.RLE_LOSSLESS.equals(ts)) {
            out = decodeRle(compressed, index);
        } else {
            out = JpegCodecs.decode(ts, compressed, this, file.source(), index);
        }
        if (out.length < len) {
            throw new DicomFormatException(file.source(), element.offset(), element.tag(), "frame " + index
                    + " decodes to " + out.length + " bytes, expected " + len);
        }
        return out.length == len ? out : java.util.Arrays.copyOf(out, len);
    }

    /**
     * Frame {@code index} as a read-only little endian buffer: for native pixel data a view of the
     * element's bytes (no copy, for bulk volume loading), else the decoded frame.
     */
    public ByteBuffer frameBuffer(int index) {
        if (element.isEncapsulated() || bitsAllocated == 1) {
            return ByteBuffer.wrap(frame(index)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (index < 0 || index >= numberOfFrames) {
            throw new InvalidInputException("frame " + index + " of " + numberOfFrames + " in " + file.source());
        }
        int len = frameLength();
        byte[] v = element.rawValue();
        if ((long) len * numberOfFrames > v.length) {
            frame(index); // throws the explanatory DicomFormatException
        }
        return ByteBuffer.wrap(v, index * len, len).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The compressed bytes of one frame, from its fragments (PS3.5 A.4: a frame may span several
     * fragments, a fragment never holds two frames). Frames are found by the Basic Offset Table when
     * it has one entry per frame pointing at fragment starts; with an empty (or unusable) table and
     * more fragments than frames, by where each frame's codestream begins, as dcmtk, gdcm and pydicom
     * do: a JPEG / JPEG-LS SOI marker (FFD8) or a JPEG 2000 SOC+SIZ (FF4F FF51) or JP2 signature at
     * the start of a fragment.
     */
    public byte[] compressedFrame(int index) {
        if (!element.isEncapsulated()) {
            throw new RtsiteException(file.source() + ": pixel data is not encapsulated");
        }
        List<byte[]> f = element.rawFragments();
        int fragments = f.size() - 1;
        if (fragments == numberOfFrames) {
            return f.get(index + 1);
        }
        if (numberOfFrames == 1) {
            return concat(f, 1, f.size());
        }
        int[] starts;
        try {
            starts = frameStartsFromOffsetTable(f);
        } catch (DicomFormatException badTable) {
            // a table that does not match the fragments: the codestreams' own markers may still tell
            try {
                starts = frameStartsFromMarkers(f);
            } catch (DicomFormatException noMarkers) {
                badTable.addSuppressed(noMarkers);
                throw badTable;
            }
        }
        if (starts == null) {
            starts = frameStartsFromMarkers(f);
        }
        return concat(f, starts[index], starts[index + 1]);
    }

    private static byte[] concat(List<byte[]> f, int from, int to) {
        if (to - from == 1) {
            return f.get(from);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            all.writeBytes(f.get(i));
        }
        return all.toByteArray();
    }

    /**
     * Index (into the fragment list, 1 = first fragment) of each frame's first fragment, plus the end;
     * null when the table is empty. A table with entries that are not ascending fragment starts is an error.
     */
    private int[] frameStartsFromOffsetTable(List<byte[]> f) {
        byte[] bot = f.get(0);
        if (bot.length == 0) {
            return null;
        }
        if (bot.length / 4 != numberOfFrames || bot.length % 4 != 0) {
            throw new DicomFormatException(file.source(), element.offset(), element.tag(), "cannot map "
                    + (f.size() - 1) + " fragments to " + numberOfFrames + " frames: Basic Offset Table has "
                    + bot.length / 4 + " entries");
        }
        ByteBuffer b = ByteBuffer.wrap(bot).order(ByteOrder.LITTLE_ENDIAN);
        int[] starts = new int[numberOfFrames + 1];
        int fragment = 1;
        long pos = 0;
        for (int frame = 0; frame < numberOfFrames; frame++) {
            long offset = b.getInt(frame * 4) & 0xFFFFFFFFL;
            while (fragment < f.size() && pos < offset) {
                pos += 8 + f.get(fragment).length;
                fragment++;
            }
            if (pos != offset || fragment >= f.size() || frame > 0 && fragment <= starts[frame - 1]) {
                throw new DicomFormatException(file.source(), element.offset(), element.tag(), "Basic Offset Table entry "
                        + frame + " (" + offset + ") is not the start of a fragment after the previous frame's");
            }
            starts[frame] = fragment;
        }
        starts[numberOfFrames] = f.size();
        return starts;
    }

    private int[] frameStartsFromMarkers(List<byte[]> f) {
        String ts = file.transferSyntaxUid();
        boolean jpeg = TransferSyntax.JPEG_BASELINE.equals(ts) || TransferSyntax.JPEG_EXTENDED.equals(ts)
                || TransferSyntax.JPEG_LOSSLESS.equals(ts) || TransferSyntax.JPEG_LOSSLESS_SV1.equals(ts)
                || TransferSyntax.JPEG_LS_LOSSLESS.equals(ts) || TransferSyntax.JPEG_LS_NEAR_LOSSLESS.equals(ts);
        boolean j2k = TransferSyntax.JPEG_2000_LOSSLESS.equals(ts) || TransferSyntax.JPEG_2000.equals(ts);
        int fragments = f.size() - 1;
        if (!jpeg && !j2k) {
            throw new DicomFormatException(file.source(), element.offset(), element.tag(), "cannot map " + fragments
                    + " fragments to " + numberOfFrames + " frames: the Basic Offset Table is empty and "
                    + TransferSyntax.name(ts) + " frames have no start marker to find them by"
                    + (TransferSyntax.RLE_LOSSLESS.equals(ts) ? " (RLE needs one fragment per frame, PS3.5 A.4.2)" : ""));
        }
        int[] starts = new int[numberOfFrames + 1];
        int found = 0;
        for (int i = 1; i < f.size(); i++) {
            byte[] d = f.get(i);
            boolean start = i == 1 || (jpeg ? isJpegStart(d) : isJ2kStart(d));
            if (start) {
                if (found == numberOfFrames) {
                    found++;
                    break;
                }
                starts[found++] = i;
            }
        }
        if (found != numberOfFrames) {
            throw new DicomFormatException(file.source(), element.offset(), element.tag(), "cannot map " + fragments
                    + " fragments to " + numberOfFrames + " frames: the Basic Offset Table is empty and "
                    + (found > numberOfFrames ? "more than " + numberOfFrames : String.valueOf(found))
                    + " fragment(s) begin a " + (jpeg ? "JPEG" : "JPEG 2000") + " codestream");
        }
        starts[numberOfFrames] = f.size();
        return starts;
    }

    private static boolean isJpegStart(byte[] d) {
        return d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF;
    }

    private static boolean isJ2kStart(byte[] d) {
        boolean codestream = d.length >= 4 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0x4F
                && (d[2] & 0xFF) == 0xFF && (d[3] & 0xFF) == 0x51;
        boolean jp2 = d.length >= 8 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0x0C && d[4] == 'j'
                && d[5] == 'P' && d[6] == ' ' && d[7] == ' ';
        return codestream || jp2;
    }

    /** PS3.5 Annex G: a 64-byte header of segment offsets, then one PackBits segment per byte plane. */
    private byte[] decodeRle(byte[] data, int index) {
        if (data.length < 64) {
            throw rleError(index, "RLE frame shorter than its 64-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int segments = h.getInt(0);
        int bytesPerSample = bitsAllocated / 8;
        if (bitsAllocated == 1 || segments != samplesPerPixel * bytesPerSample || segments < 1 || segments > 15) {
            throw rleError(index, "RLE header has " + segments + " segments, expected " + samplesPerPixel
                    + " sample(s) x " + bytesPerSample + " byte(s)");
        }
        int pixels = rows * columns;
        byte[] out = new byte[frameLength()];
        byte[] plane = new byte[pixels];
        for (int s = 0; s < segments; s++) {
            long start = h.getInt(4 + 4 * s) & 0xFFFFFFFFL;
            long end = s + 1 < segments ? h.getInt(8 + 4 * s) & 0xFFFFFFFFL : data.length;
            if (start < 64 || end > data.length || start > end) {
                throw rleError(index, "RLE segment " + s + " offsets " + start + ".." + end + " outside the "
                        + data.length + "-byte frame");
            }
            unpackBits(data, (int) start, (int) end, plane, index, s);
            int sample = s / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segments are most significant first
            for (int p = 0; p < pixels; p++) {
                int pos = planarConfiguration == 1
                        ? (sample * pixels + p) * bytesPerSample + byteInSample
                        : (p * samplesPerPixel + sample) * bytesPerSample + byteInSample;
                out[pos] = plane[p];
            }
        }
        return out;
    }

    private void unpackBits(byte[] d, int from, int to, byte[] out, int frame, int segment) {
        int o = 0;
        int i = from;
        while (o < out.length && i < to) {
            int n = d[i++];
            if (n >= 0) {
                int count = n + 1;
                if (i + count > to || o + count > out.length) {
                    throw rleError(frame, "RLE segment " + segment + " literal run overruns its segment or the frame");
                }
                System.arraycopy(d, i, out, o, count);
                i += count;
                o += count;
            } else if (n != -128) {
                int count = 1 - n;
                if (i >= to || o + count > out.length) {
                    throw rleError(frame, "RLE segment " + segment + " replicate run overruns its segment or the frame");
                }
                byte v = d[i++];
                java.util.Arrays.fill(out, o, o + count, v);
                o += count;
            }
        }
        if (o < out.length) {
            throw rleError(frame, "RLE segment " + segment + " decodes to " + o + " bytes, expected " + out.length);
        }
    }

    private DicomFormatException rleError(int frame, String why) {
        return new DicomFormatException(file.source(), element.offset(), element.tag(), "frame " + frame + ": " + why);
    }
}
