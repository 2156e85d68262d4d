package org.rtsite.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;

/**
 * An immutable DICOM data set (or sequence item): elements in ascending tag order with typed
 * accessors. Absent elements give {@code null}, empty arrays or the default asked for; the
 * {@code require*} forms throw a {@link DicomFormatException} naming the file and tag instead.
 * Strings are decoded with the Specific Character Set in force (inherited by sequence items).
 */
public final class DicomDataset {
    private static final int[] NO_INTS = new int[0];
    private static final double[] NO_DOUBLES = new double[0];
    private static final String[] NO_STRINGS = new String[0];

    private final int[] tags;
    private final DicomElement[] elements;
    private final Charset charset;
    private final String source;

    DicomDataset(List<DicomElement> sorted, Charset charset, String source) {
        this.elements = sorted.toArray(new DicomElement[0]);
        this.tags = new int[elements.length];
        for (int i = 0; i < elements.length; i++) {
            tags[i] = elements[i].tag();
        }
        this.charset = charset;
        this.source = source;
    }

    /** An empty data set. */
    public static DicomDataset empty() {
        return new DicomDataset(List.of(), CharacterSets.DEFAULT, null);
    }

    public static Builder builder() {
        return new Builder(CharacterSets.DEFAULT);
    }

    /** A builder holding this data set's elements, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(charset);
        for (DicomElement e : elements) {
            b.put(e);
        }
        return b;
    }

    /** The file this data set was read from (for messages), or null. */
    public String source() {
        return source;
    }

    /** Charset of the text VRs (from Specific Character Set, here or inherited). */
    public Charset charset() {
        return charset;
    }

    public int size() {
        return elements.length;
    }

    public boolean isEmpty() {
        return elements.length == 0;
    }

    /** All elements in ascending tag order. */
    public List<DicomElement> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    public boolean contains(int tag) {
        return Arrays.binarySearch(tags, tag) >= 0;
    }

    /** The element, or null if absent. */
    public DicomElement get(int tag) {
        int i = Arrays.binarySearch(tags, tag);
        return i >= 0 ? elements[i] : null;
    }

    /** The element, or a {@link DicomFormatException} naming file and tag. */
    public DicomElement require(int tag) {
        DicomElement e = get(tag);
        if (e == null) {
            throw new DicomFormatException(source, DicomFormatException.NO_OFFSET, tag,
                    "required attribute " + DataDictionary.keywordOf(tag) + " is missing");
        }
        return e;
    }

    // ---- strings ----

    /** First value as text, or null if absent or empty. */
    public String getString(int tag) {
        String[] v = getStrings(tag);
        return v.length == 0 || v[0].isEmpty() ? null : v[0];
    }

    public String getString(int tag, String defaultValue) {
        String s = getString(tag);
        return s == null ? defaultValue : s;
    }

    public String requireString(int tag) {
        String s = getString(require(tag).tag());
        if (s == null) {
            throw new DicomFormatException(source, get(tag).offset(), tag,
                    DataDictionary.keywordOf(tag) + " is present but empty");
        }
        return s;
    }

    /** All values of a string element (backslash-separated), trimmed; empty array if absent. */
    public String[] getStrings(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.isSequence() || e.isEncapsulated() || e.length() == 0) {
            return NO_STRINGS;
        }
        VR vr = e.vr();
        if (!vr.isString()) {
            if (vr == VR.UN) {
                vr = VR.LO; // implicit VR private or unknown text: best effort
            } else {
                return binaryAsStrings(e);
            }
        }
        Charset cs = vr.usesCharacterSet() ? charset : StandardCharsets.ISO_8859_1;
        String text = new String(e.rawValue(), cs);
        if (vr.isSingleValuedText()) {
            return new String[] {stripTrailing(text)};
        }
        if (text.indexOf('\\') < 0) {
            return new String[] {stripTrailing(text).stripLeading()}; // one value (most are): no split
        }
        String[] parts = text.split("\\\\", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = stripTrailing(parts[i]).stripLeading();
        }
        return parts;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return s.substring(0, end);
    }

    private String[] binaryAsStrings(DicomElement e) {
        if (e.vr() == VR.FD || e.vr() == VR.FL || e.vr() == VR.OD || e.vr() == VR.OF) {
            double[] d = getDoubles(e.tag());
            String[] s = new String[d.length];
            for (int i = 0; i < d.length; i++) {
                s[i] = e.vr() == VR.FL || e.vr() == VR.OF ? Float.toString((float) d[i]) : Double.toString(d[i]);
            }
            return s;
        }
        if (e.vr() == VR.AT) {
            int[] t = getInts(e.tag());
            String[] s = new String[t.length];
            for (int i = 0; i < t.length; i++) {
                s[i] = Tag.toString(t[i]);
            }
            return s;
        }
        if (e.vr() == VR.US || e.vr() == VR.SS || e.vr() == VR.UL || e.vr() == VR.SL
                || e.vr() == VR.SV || e.vr() == VR.UV) {
            long[] l = getLongs(e.tag());
            String[] s = new String[l.length];
            for (int i = 0; i < l.length; i++) {
                s[i] = e.vr() == VR.UV ? Long.toUnsignedString(l[i]) : Long.toString(l[i]);
            }
            return s;
        }
        return NO_STRINGS;
    }

    // ---- numbers ----

    /** First value as int (IS, DS with an integral value, US, SS, UL, SL, SV, UV), or the default if absent/empty. */
    public int getInt(int tag, int defaultValue) {
        long[] v = getLongs(tag);
        return v.length == 0 ? defaultValue : toInt(tag, v[0]);
    }

    public int requireInt(int tag) {
        long[] v = getLongs(require(tag).tag());
        if (v.length == 0) {
            throw new DicomFormatException(source, get(tag).offset(), tag,
                    DataDictionary.keywordOf(tag) + " is present but empty");
        }
        return toInt(tag, v[0]);
    }

    public int[] getInts(int tag) {
        long[] v = getLongs(tag);
        if (v.length == 0) {
            return NO_INTS;
        }
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = toInt(tag, v[i]);
        }
        return r;
    }

    private int toInt(int tag, long v) {
        if (v < Integer.MIN_VALUE || v > 0xFFFFFFFFL) {
            throw new DicomFormatException(source, get(tag).offset(), tag, "value " + v + " does not fit in an int");
        }
        return (int) v; // UL above 2^31 wraps, as unsigned ints do in Java
    }

    /** All values as longs: integer VRs; AT gives tags; IS/DS parsed (DS must be integral). */
    public long[] getLongs(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.length() == 0) {
            return new long[0];
        }
        ByteBuffer b = e.buffer();
        int n;
        switch (e.vr()) {
            case US, OW -> {
                n = b.remaining() / 2;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = b.getShort() & 0xFFFF;
                }
                return r;
            }
            case SS -> {
                n = b.remaining() / 2;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = b.getShort();
                }
                return r;
            }
            case UL, OL -> {
                n = b.remaining() / 4;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = b.getInt() & 0xFFFFFFFFL;
                }
                return r;
            }
            case SL -> {
                n = b.remaining() / 4;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = b.getInt();
                }
                return r;
            }
            case SV, UV, OV -> {
                n = b.remaining() / 8;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = b.getLong();
                }
                return r;
            }
            case AT -> {
                n = b.remaining() / 4;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    int g = b.getShort() & 0xFFFF;
                    int el = b.getShort() & 0xFFFF;
                    r[i] = (g << 16) | el;
                }
                return r;
            }
            case IS, DS -> {
                String[] s = getStrings(tag);
                long[] r = new long[s.length];
                for (int i = 0; i < s.length; i++) {
                    r[i] = parseInteger(e, s[i]);
                }
                return r;
            }
            default -> throw new DicomFormatException(source, e.offset(), tag,
                    "VR " + e.vr() + " cannot be read as integers");
        }
    }

    private long parseInteger(DicomElement e, String s) {
        try {
            if (e.vr() == VR.IS) {
                return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            }
            double d = Double.parseDouble(s);
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return (long) d;
        } catch (NumberFormatException ex) {
            throw new DicomFormatException(source, e.offset(), e.tag(),
                    "value '" + s + "' is not an integer (" + e.vr() + ")", ex);
        }
    }

    /** First value as double (DS, IS, FD, FL, OD, OF and integer VRs), or the default if absent/empty. */
    public double getDouble(int tag, double defaultValue) {
        double[] v = getDoubles(tag);
        return v.length == 0 ? defaultValue : v[0];
    }

    public double requireDouble(int tag) {
        double[] v = getDoubles(require(tag).tag());
        if (v.length == 0) {
            throw new DicomFormatException(source, get(tag).offset(), tag,
                    DataDictionary.keywordOf(tag) + " is present but empty");
        }
        return v[0];
    }

    /** {@link #getDoubles} that throws if absent or empty. */
    public double[] requireDoubles(int tag) {
        double[] v = getDoubles(require(tag).tag());
        if (v.length == 0) {
            throw new DicomFormatException(source, get(tag).offset(), tag,
                    DataDictionary.keywordOf(tag) + " is present but empty");
        }
        return v;
    }

    public double[] getDoubles(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.length() == 0) {
            return NO_DOUBLES;
        }
        ByteBuffer b = e.buffer();
        switch (e.vr()) {
            case FD, OD -> {
                double[] r = new double[b.remaining() / 8];
                b.asDoubleBuffer().get(r);
                return r;
            }
            case FL, OF -> {
                float[] f = new float[b.remaining() / 4];
                b.asFloatBuffer().get(f);
                double[] r = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    r[i] = f[i];
                }
                return r;
            }
            case DS, IS -> {
                String[] s = getStrings(tag);
                double[] r = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    try {
                        r[i] = Double.parseDouble(s[i]);
                    } catch (NumberFormatException ex) {
                        throw new DicomFormatException(source, e.offset(), tag,
                                "value '" + s[i] + "' is not a decimal number (" + e.vr() + ")", ex);
                    }
                }
                return r;
            }
            default -> {
                long[] l = getLongs(tag);
                double[] r = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    r[i] = l[i];
                }
                return r;
            }
        }
    }

    /** Raw value bytes (little endian), or null if absent. For OB, OW, UN and any other VR. */
    public byte[] getBytes(int tag) {
        DicomElement e = get(tag);
        return e == null ? null : e.bytes();
    }

    // ---- sequences ----

    /** Items of a sequence; empty if absent. */
    public List<DicomDataset> getSequence(int tag) {
        DicomElement e = get(tag);
        return e == null ? List.of() : e.items();
    }

    /** First item of a sequence, or null. */
    public DicomDataset getItem(int tag) {
        List<DicomDataset> items = getSequence(tag);
        return items.isEmpty() ? null : items.get(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DicomDataset d && Arrays.equals(d.elements, elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(elements);
    }

    @Override
    public String toString() {
        return "DicomDataset[" + elements.length + " elements" + (source == null ? "" : ", " + source) + "]";
    }

    /**
     * Builds data sets in memory (for writing). Text values are encoded when {@link #build()}
     * runs, with the Specific Character Set put here; if none is put and some text is not
     * ASCII, ISO_IR 192 (UTF-8) is added.
     */
    public static final class Builder {
        private final Map<Integer, Object> entries = new TreeMap<>(Integer::compareUnsigned);
        private final Charset inherited;
        private String source;

        private record PendingText(int tag, VR vr, String[] values) {
        }

        Builder(Charset inherited) {
            this.inherited = inherited;
        }

        Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder put(DicomElement e) {
            entries.put(e.tag(), e);
            return this;
        }

        public Builder remove(int tag) {
            entries.remove(tag);
            return this;
        }

        /** String values of a string VR (AE…UT), joined with backslashes. */
        public Builder putString(int tag, VR vr, String... values) {
            if (!vr.isString()) {
                throw new InvalidInputException("putString needs a string VR, not " + vr + " for " + Tag.toString(tag));
            }
            if (vr.isSingleValuedText() && values.length > 1) {
                throw new InvalidInputException(vr + " is single valued; got " + values.length + " values for "
                        + Tag.toString(tag));
            }
            entries.put(tag, new PendingText(tag, vr, values.clone()));
            return this;
        }

        /** Integers as IS, US, SS, UL, SL (range checked). */
        public Builder putInts(int tag, VR vr, int... values) {
            switch (vr) {
                case IS -> {
                    String[] s = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        s[i] = Integer.toString(values[i]);
                    }
                    return putString(tag, vr, s);
                }
                case US, SS -> {
                    ByteBuffer b = le(values.length * 2);
                    for (int v : values) {
                        if (vr == VR.US ? v < 0 || v > 0xFFFF : v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                            throw new InvalidInputException("value " + v + " out of range for " + vr + " in "
                                    + Tag.toString(tag));
                        }
                        b.putShort((short) v);
                    }
                    return put(DicomElement.ofValue(tag, vr, b.array(), -1));
                }
                case UL, SL, OL -> {
                    ByteBuffer b = le(values.length * 4);
                    for (int v : values) {
                        b.putInt(v);
                    }
                    return put(DicomElement.ofValue(tag, vr, b.array(), -1));
                }
                default -> throw new InvalidInputException("putInts cannot write VR " + vr + " for " + Tag.toString(tag));
            }
        }

        /** Decimals as DS (at most 16 characters each, per PS3.5), FD, FL, OD or OF. */
        public Builder putDoubles(int tag, VR vr, double... values) {
            switch (vr) {
                case DS -> {
                    String[] s = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        s[i] = formatDecimalString(tag, values[i]);
                    }
                    return putString(tag, vr, s);
                }
                case FD, OD -> {
                    ByteBuffer b = le(values.length * 8);
                    for (double v : values) {
                        b.putDouble(v);
                    }
                    return put(DicomElement.ofValue(tag, vr, b.array(), -1));
                }
                case FL, OF -> {
                    ByteBuffer b = le(values.length * 4);
                    for (double v : values) {
                        b.putFloat((float) v);
                    }
                    return put(DicomElement.ofValue(tag, vr, b.array(), -1));
                }
                default -> throw new InvalidInputException("putDoubles cannot write VR " + vr + " for " + Tag.toString(tag));
            }
        }

        /** Raw little endian bytes of a binary VR (OB, OW, UN, …); padded to even length when written. */
        public Builder putBytes(int tag, VR vr, byte[] value) {
            if (vr == VR.SQ) {
                throw new InvalidInputException("use putSequence for " + Tag.toString(tag));
            }
            return put(DicomElement.ofValue(tag, vr, value.clone(), -1));
        }

        public Builder putSequence(int tag, List<DicomDataset> items) {
            return put(DicomElement.ofSequence(tag, items, -1));
        }

        public DicomDataset build() {
            Charset cs = inherited;
            Object scs = entries.get(Tag.SpecificCharacterSet);
            if (scs instanceof PendingText p) {
                cs = CharacterSets.forSpecificCharacterSet(p.values());
            } else if (scs instanceof DicomElement e) {
                cs = CharacterSets.forSpecificCharacterSet(
                        new DicomDataset(List.of(e), CharacterSets.DEFAULT, null).getStrings(Tag.SpecificCharacterSet));
            } else if (needsUnicode()) {
                cs = StandardCharsets.UTF_8;
                entries.put(Tag.SpecificCharacterSet, new PendingText(Tag.SpecificCharacterSet, VR.CS,
                        new String[] {"ISO_IR 192"}));
            }
            List<DicomElement> list = new ArrayList<>(entries.size());
            for (Object o : entries.values()) {
                list.add(o instanceof PendingText p ? encode(p, cs) : (DicomElement) o);
            }
            return new DicomDataset(list, cs, source);
        }

        private boolean needsUnicode() {
            for (Object o : entries.values()) {
                if (o instanceof PendingText p && p.vr().usesCharacterSet()) {
                    for (String v : p.values()) {
                        for (int i = 0; i < v.length(); i++) {
                            if (v.charAt(i) > 0x7F) {
                                return inherited.equals(CharacterSets.DEFAULT);
                            }
                        }
                    }
                }
            }
            return false;
        }

        private static DicomElement encode(PendingText p, Charset cs) {
            String joined = String.join("\\", p.values());
            Charset use = p.vr().usesCharacterSet() ? cs : StandardCharsets.US_ASCII;
            if (!use.newEncoder().canEncode(joined)) {
                throw new InvalidInputException("value '" + joined + "' of " + Tag.toString(p.tag()) + " (" + p.vr()
                        + ") cannot be encoded in " + use);
            }
            byte[] b = joined.getBytes(use);
            if ((b.length & 1) == 1) {
                b = Arrays.copyOf(b, b.length + 1);
                b[b.length - 1] = p.vr().paddingByte();
            }
            return DicomElement.ofValue(p.tag(), p.vr(), b, -1);
        }

        private static ByteBuffer le(int n) {
            return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** A decimal string of at most 16 characters that parses back to the closest representable value. */
    static String formatDecimalString(int tag, double v) {
        if (!Double.isFinite(v)) {
            throw new InvalidInputException("DS cannot hold " + v + " (" + Tag.toString(tag) + ")");
        }
        String s = Double.toString(v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        for (int digits = 16; s.length() > 16 && digits > 0; digits--) {
            s = stripZeros(String.format(java.util.Locale.ROOT, "%." + digits + "G", v));
        }
        if (s.length() > 16) {
            throw new InvalidInputException("cannot write " + v + " in 16 characters as DS (" + Tag.toString(tag) + ")");
        }
        return s;
    }

    private static String stripZeros(String s) {
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + exponent;
    }
}
