package org.rtsite.dicom;

/** Decoders for the JPEG family of encapsulated transfer syntaxes. */
final class JpegCodecs {
    private JpegCodecs() {
    }

    static byte[] decode(String ts, byte[] compressed, PixelData pd, String source, int frame) {
        throw new UnsupportedTransferSyntaxException(source, ts, "no decoder for this transfer syntax");
    }
}
