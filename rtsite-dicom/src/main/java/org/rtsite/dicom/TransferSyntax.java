package org.rtsite.dicom;

/** Transfer syntax UIDs (PS3.5 A, PS3.6 A) and what they mean for the codec. */
public final class TransferSyntax {
    private TransferSyntax() {
    }

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    public static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    public static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    public static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";
    public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";

    /** Native (unencapsulated) pixel data; every other syntax encapsulates it in fragments. */
    public static boolean isNative(String uid) {
        return IMPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_LITTLE_ENDIAN.equals(uid)
                || DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_BIG_ENDIAN.equals(uid);
    }

    public static boolean isImplicitVr(String uid) {
        return IMPLICIT_VR_LITTLE_ENDIAN.equals(uid);
    }

    public static boolean isBigEndian(String uid) {
        return EXPLICIT_VR_BIG_ENDIAN.equals(uid);
    }

    public static boolean isDeflated(String uid) {
        return DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(uid);
    }

    /** A human name for messages and the dump. */
    public static String name(String uid) {
        if (uid == null) {
            return "unknown";
        }
        return switch (uid) {
            case IMPLICIT_VR_LITTLE_ENDIAN -> "Implicit VR Little Endian";
            case EXPLICIT_VR_LITTLE_ENDIAN -> "Explicit VR Little Endian";
            case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN -> "Deflated Explicit VR Little Endian";
            case EXPLICIT_VR_BIG_ENDIAN -> "Explicit VR Big Endian";
            case JPEG_BASELINE -> "JPEG Baseline (Process 1)";
            case JPEG_EXTENDED -> "JPEG Extended (Process 2 & 4)";
            case JPEG_LOSSLESS -> "JPEG Lossless, Non-Hierarchical (Process 14)";
            case JPEG_LOSSLESS_SV1 -> "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])";
            case JPEG_LS_LOSSLESS -> "JPEG-LS Lossless";
            case JPEG_LS_NEAR_LOSSLESS -> "JPEG-LS Lossy (Near-Lossless)";
            case JPEG_2000_LOSSLESS -> "JPEG 2000 Image Compression (Lossless Only)";
            case JPEG_2000 -> "JPEG 2000 Image Compression";
            case RLE_LOSSLESS -> "RLE Lossless";
            default -> "unrecognised transfer syntax";
        };
    }
}
