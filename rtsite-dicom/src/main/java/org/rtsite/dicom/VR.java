package org.rtsite.dicom;

/** Value representations of PS3.5 6.2, with what the codec needs to know about each. */
public enum VR {
    AE(Kind.STRING), AS(Kind.STRING), AT(Kind.BINARY, 2), CS(Kind.STRING), DA(Kind.STRING), DS(Kind.STRING),
    DT(Kind.STRING), FD(Kind.BINARY, 8), FL(Kind.BINARY, 4), IS(Kind.STRING), LO(Kind.TEXT), LT(Kind.TEXT),
    OB(Kind.BINARY, 1), OD(Kind.BINARY, 8), OF(Kind.BINARY, 4), OL(Kind.BINARY, 4), OV(Kind.BINARY, 8),
    OW(Kind.BINARY, 2), PN(Kind.TEXT), SH(Kind.TEXT), SL(Kind.BINARY, 4), SQ(Kind.SEQUENCE), SS(Kind.BINARY, 2),
    ST(Kind.TEXT), SV(Kind.BINARY, 8), TM(Kind.STRING), UC(Kind.TEXT), UI(Kind.STRING), UL(Kind.BINARY, 4),
    UN(Kind.BINARY, 1), UR(Kind.STRING), US(Kind.BINARY, 2), UT(Kind.TEXT), UV(Kind.BINARY, 8);

    enum Kind { STRING, TEXT, BINARY, SEQUENCE }

    private final Kind kind;
    private final int unitSize;

    VR(Kind kind) {
        this(kind, 1);
    }

    VR(Kind kind, int unitSize) {
        this.kind = kind;
        this.unitSize = unitSize;
    }

    /** Explicit VR encodings give these VRs 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    public boolean hasLongLength() {
        return switch (this) {
            case OB, OD, OF, OL, OV, OW, SQ, UC, UR, UT, UN, SV, UV -> true;
            default -> false;
        };
    }

    /** Character string VRs (values are text, multi-valued with backslash). */
    public boolean isString() {
        return kind == Kind.STRING || kind == Kind.TEXT;
    }

    /** String VRs whose bytes follow the Specific Character Set; the others are always ASCII. */
    public boolean usesCharacterSet() {
        return kind == Kind.TEXT;
    }

    /** ST, LT, UT, UR: a single value that may contain backslashes and keeps its leading spaces. */
    public boolean isSingleValuedText() {
        return this == ST || this == LT || this == UT || this == UR;
    }

    public boolean isBinary() {
        return kind == Kind.BINARY;
    }

    /** Byte size of one binary unit, for byte swapping of big endian data; 1 for strings. */
    public int unitSize() {
        return unitSize;
    }

    /** Padding byte to even length (PS3.5 6.2): NUL for UI and binary, space for text. */
    public byte paddingByte() {
        return (byte) ((this == UI || kind == Kind.BINARY) ? 0 : ' ');
    }

    private static final VR[] BY_CODE = new VR[26 * 26];

    static {
        for (VR vr : values()) {
            String n = vr.name();
            BY_CODE[(n.charAt(0) - 'A') * 26 + (n.charAt(1) - 'A')] = vr;
        }
    }

    /** The VR for the two code bytes of an explicit VR header, or null if they name none. */
    public static VR of(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        return BY_CODE[(b0 - 'A') * 26 + (b1 - 'A')];
    }
}
