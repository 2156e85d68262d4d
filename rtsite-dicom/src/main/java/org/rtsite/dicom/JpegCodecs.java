package org.rtsite.dicom;

import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import ome.codecs.CodecException;
import ome.codecs.CodecOptions;
import ome.codecs.JPEG2000Codec;
import ome.codecs.JPEG2000CodecOptions;
import ome.codecs.LosslessJPEGCodec;
import org.rtsite.core.RtsiteException;
import org.slf4j.LoggerFactory;

/**
 * Decoders for the JPEG family: baseline and 8-bit extended JPEG with the JDK's ImageIO, JPEG
 * Lossless (process 14, both syntaxes) and JPEG 2000 with OME's pure-Java ome-codecs. Anything
 * else (JPEG-LS, 12-bit extended, HTJ2K, MPEG) is an {@link UnsupportedTransferSyntaxException}.
 */
final class JpegCodecs {
    private JpegCodecs() {
    }

    /**
     * Third-party decoders can spin on corrupt streams (jj2000's packet decoder does), so they run
     * on a daemon thread and the caller gets an exception after this many milliseconds.
     */
    static final long TIMEOUT_MILLIS = Long.getLong("rtsite.dicom.codecTimeoutMillis", 10_000L);

    private static final ExecutorService DECODERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rtsite-dicom-codec");
        t.setDaemon(true);
        return t;
    });

    static byte[] decode(String ts, byte[] compressed, PixelData pd, String source, int frame) {
        if (TransferSyntax.JPEG_2000_LOSSLESS.equals(ts) || TransferSyntax.JPEG_2000.equals(ts)) {
            checkJ2kHeader(compressed, pd, source, frame);
        }
        AtomicReference<Thread> worker = new AtomicReference<>();
        Future<byte[]> f = DECODERS.submit(() -> {
            worker.set(Thread.currentThread());
            try {
                return decodeNow(ts, compressed, pd, source, frame);
            } finally {
                worker.set(null);
            }
        });
        try {
            return f.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            stopSpinningDecoder(worker.get(), source);
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, "frame " + frame
                    + ": " + TransferSyntax.name(ts) + " decoder did not finish within " + TIMEOUT_MILLIS
                    + " ms (corrupt stream?)", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData,
                    "interrupted while decoding frame " + frame, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof DicomFormatException d) {
                throw d;
            }
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, "frame " + frame
                    + ": " + TransferSyntax.name(ts) + " decoding failed: " + c, c);
        }
    }

    /**
     * jj2000 ignores interrupts. Its decoder state is private to this call, so stopping its thread
     * loses nothing; Thread.stop exists up to Java 19 and is looked up reflectively so that later
     * JDKs (where it throws) leave a logged, daemon thread behind instead.
     */
    private static void stopSpinningDecoder(Thread t, String source) {
        if (t == null) {
            return;
        }
        try {
            Thread.class.getMethod("stop").invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(JpegCodecs.class).warn("{}: cannot stop a spinning pixel data decoder thread ({});"
                    + " it keeps running as a daemon", source, e.toString());
        }
    }

    /**
     * Refuses JPEG 2000 main headers that disagree with the DICOM image or are out of the
     * standard's range (ISO 15444-1 A.5.1, A.6.1) before jj2000 sees them.
     */
    static void checkJ2kHeader(byte[] b, PixelData pd, String source, int frame) {
        String where = "frame " + frame + ": JPEG 2000 ";
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0x4F) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData,
                    where + "codestream does not start with SOC (FF4F)");
        }
        int i = 2;
        boolean sawSiz = false;
        boolean sawCod = false;
        while (i + 4 <= b.length) {
            int marker = (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
            if (marker == 0xFF90 || marker == 0xFFD9) { // SOT: main header done
                break;
            }
            int len = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
            if ((marker & 0xFF00) != 0xFF00 || len < 2 || i + 2 + len > b.length) {
                throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData,
                        where + String.format("main header broken at byte %d (marker %04X, length %d)", i, marker, len));
            }
            int p = i + 4;
            if (marker == 0xFF51 && len >= 41) { // SIZ
                long xsiz = u32(b, p + 2);
                long ysiz = u32(b, p + 6);
                long xo = u32(b, p + 10);
                long yo = u32(b, p + 14);
                long xt = u32(b, p + 18);
                long yt = u32(b, p + 22);
                int csiz = (b[p + 34] & 0xFF) << 8 | (b[p + 35] & 0xFF);
                if (xsiz - xo != pd.columns() || ysiz - yo != pd.rows() || csiz != pd.samplesPerPixel() || xt == 0
                        || yt == 0 || len != 38 + 3 * csiz) {
                    throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, where
                            + "SIZ says " + (xsiz - xo) + "x" + (ysiz - yo) + "x" + csiz + " (tiles " + xt + "x" + yt
                            + "), the data set " + pd.columns() + "x" + pd.rows() + "x" + pd.samplesPerPixel());
                }
                for (int c = 0; c < csiz; c++) {
                    int precision = (b[p + 36 + 3 * c] & 0x7F) + 1;
                    if (precision > pd.bitsAllocated() || b[p + 37 + 3 * c] == 0 || b[p + 38 + 3 * c] == 0) {
                        throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, where
                                + "component " + c + " has precision " + precision + " or zero subsampling");
                    }
                }
                sawSiz = true;
            } else if (marker == 0xFF52 && len >= 12) { // COD
                int layers = (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
                int levels = b[p + 5] & 0xFF;
                int xcb = (b[p + 6] & 0xFF) + 2;
                int ycb = (b[p + 7] & 0xFF) + 2;
                if (layers == 0 || layers > 64 || levels > 32 || xcb > 10 || ycb > 10 || xcb + ycb > 12
                        || (b[p + 1] & 0xFF) > 4) {
                    throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, where
                            + "COD out of range: " + layers + " layers, " + levels + " levels, code-blocks 2^" + xcb
                            + " x 2^" + ycb);
                }
                sawCod = true;
            }
            i += 2 + len;
        }
        if (!sawSiz || !sawCod) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData,
                    where + "main header lacks " + (sawSiz ? "COD" : "SIZ"));
        }
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFFL) << 16 | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL);
    }

    private static byte[] decodeNow(String ts, byte[] compressed, PixelData pd, String source, int frame) {
        try {
            return switch (ts) {
                case TransferSyntax.JPEG_BASELINE, TransferSyntax.JPEG_EXTENDED -> imageIo(ts, compressed, pd, source);
                case TransferSyntax.JPEG_LOSSLESS, TransferSyntax.JPEG_LOSSLESS_SV1 ->
                        new LosslessJPEGCodec().decompress(compressed, options(pd, new CodecOptions()));
                case TransferSyntax.JPEG_2000_LOSSLESS, TransferSyntax.JPEG_2000 ->
                        new JPEG2000Codec().decompress(compressed, options(pd, JPEG2000CodecOptions.getDefaultOptions()));
                default -> throw new UnsupportedTransferSyntaxException(source, ts, "no pure-Java decoder for it in rtsite");
            };
        } catch (DicomFormatException e) {
            throw e;
        } catch (CodecException | IOException | RuntimeException e) {
            // Corrupt streams make the codecs throw anything from IOException to ArrayIndexOutOfBounds.
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, Tag.PixelData, "frame " + frame
                    + ": " + TransferSyntax.name(ts) + " decoding failed: " + e, e);
        }
    }

    private static CodecOptions options(PixelData pd, CodecOptions o) {
        o.width = pd.columns();
        o.height = pd.rows();
        o.channels = pd.samplesPerPixel();
        o.bitsPerSample = pd.bitsAllocated();
        o.littleEndian = true;
        o.interleaved = true;
        o.maxBytes = pd.frameLength();
        return o;
    }

    private static byte[] imageIo(String ts, byte[] compressed, PixelData pd, String source) throws IOException {
        if (pd.bitsAllocated() != 8) {
            throw new UnsupportedTransferSyntaxException(source, ts, "the JDK decodes 8-bit JPEG only, this is "
                    + pd.bitsAllocated() + "-bit");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(compressed))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            if (!readers.hasNext()) {
                throw new UnsupportedTransferSyntaxException(source, ts, "no JPEG reader in this JDK");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                // The raster, not the image: no colour conversion; DICOM says what the samples mean.
                Raster r = reader.readRaster(0, null);
                return rasterBytes(r);
            } finally {
                reader.dispose();
            }
        }
    }

    private static byte[] rasterBytes(Raster r) {
        int w = r.getWidth();
        int h = r.getHeight();
        int bands = r.getNumBands();
        DataBuffer db = r.getDataBuffer();
        if (db instanceof DataBufferByte && r.getSampleModel().getNumBands() == bands) {
            byte[] out = new byte[w * h * bands];
            int i = 0;
            int[] px = new int[bands];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.getPixel(x + r.getMinX(), y + r.getMinY(), px);
                    for (int b = 0; b < bands; b++) {
                        out[i++] = (byte) px[b];
                    }
                }
            }
            return out;
        }
        if (db instanceof DataBufferUShort) {
            byte[] out = new byte[w * h * bands * 2];
            int i = 0;
            int[] px = new int[bands];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.getPixel(x + r.getMinX(), y + r.getMinY(), px);
                    for (int b = 0; b < bands; b++) {
                        out[i++] = (byte) px[b];
                        out[i++] = (byte) (px[b] >>> 8);
                    }
                }
            }
            return out;
        }
        throw new RtsiteException("unexpected JPEG raster type " + db.getClass().getSimpleName());
    }

}
