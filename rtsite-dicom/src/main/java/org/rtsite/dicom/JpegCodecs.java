package org.rtsite.dicom;

import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import ome.codecs.CodecException;
import ome.codecs.CodecOptions;
import ome.codecs.JPEG2000Codec;
import ome.codecs.JPEG2000CodecOptions;
import ome.codecs.LosslessJPEGCodec;

/**
 * Decoders for the JPEG family: baseline and 8-bit extended JPEG with the JDK's ImageIO, JPEG
 * Lossless (process 14, both syntaxes) and JPEG 2000 with OME's pure-Java ome-codecs. Anything
 * else (JPEG-LS, 12-bit extended, HTJ2K, MPEG) is an {@link UnsupportedTransferSyntaxException}.
 */
final class JpegCodecs {
    private JpegCodecs() {
    }

    static byte[] decode(String ts, byte[] compressed, PixelData pd, String source, int frame) {
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
        throw new IllegalStateException("unexpected JPEG raster type " + db.getClass().getSimpleName());
    }

}
