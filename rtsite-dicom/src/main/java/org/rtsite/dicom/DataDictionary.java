package org.rtsite.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * Tag → VR and keyword, from the resource {@code dictionary.tsv} generated from dcmtk's
 * {@code dicom.dic} by {@code rtsite-dicom/scripts/gen-dictionary.py}. Implicit VR files carry no
 * VRs, so this is what tells the reader that (3006,0039) is a sequence and (3006,0050) decimal strings.
 */
public final class DataDictionary {

    /** One dictionary entry. */
    public record Entry(int tag, VR vr, String keyword, String vm, boolean retired) {
    }

    private static final Map<Integer, Entry> EXACT = new HashMap<>(8192);
    private static final Map<Integer, Entry> REPEATING = new HashMap<>(128);
    private static final Map<String, Entry> BY_KEYWORD = new HashMap<>(8192);

    static {
        try (InputStream in = DataDictionary.class.getResourceAsStream("dictionary.tsv")) {
            if (in == null) {
                throw new RtsiteException("resource org/rtsite/dicom/dictionary.tsv missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                boolean repeating = f[0].contains("xx");
                int tag = (int) Long.parseLong(f[0].replace("xx", "00"), 16);
                Entry e = new Entry(tag, VR.valueOf(f[1]), f[2], f[3], "R".equals(f[4]));
                (repeating ? REPEATING : EXACT).putIfAbsent(tag, e);
                BY_KEYWORD.putIfAbsent(e.keyword(), e);
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read the DICOM data dictionary resource", e);
        }
    }

    private DataDictionary() {
    }

    /** The entry for a tag, or null for unknown and private tags. */
    public static Entry lookup(int tag) {
        Entry e = EXACT.get(tag);
        if (e != null) {
            return e;
        }
        int group = Tag.group(tag);
        if ((group & 1) == 0 && (group >>> 8 == 0x50 || group >>> 8 == 0x60 || group >>> 8 == 0x7F)) {
            return REPEATING.get(tag & 0xFF00FFFF);
        }
        return null;
    }

    /** VR to assume in implicit VR data: the dictionary's, UL for group lengths, LO for private creators, else UN. */
    public static VR vrOf(int tag) {
        Entry e = lookup(tag);
        if (e != null) {
            return e.vr();
        }
        int element = Tag.element(tag);
        if (element == 0) {
            return VR.UL;
        }
        if (Tag.isPrivate(tag) && element >= 0x10 && element <= 0xFF) {
            return VR.LO;
        }
        return VR.UN;
    }

    /** Keyword for a tag; group lengths and private creators get dcmtk's generic names; unknown: empty. */
    public static String keywordOf(int tag) {
        Entry e = lookup(tag);
        if (e != null) {
            return e.keyword();
        }
        int element = Tag.element(tag);
        if (Tag.isPrivate(tag)) {
            if (element == 0) {
                return "PrivateGroupLength";
            }
            return element >= 0x10 && element <= 0xFF ? "PrivateCreator" : "PrivateTag";
        }
        return element == 0 ? "GenericGroupLength" : "Unknown";
    }

    /**
     * Pixel-value attributes whose VR is "US or SS" (dcmtk's {@code xs}, pydicom's {@code _us_ss_tags}
     * without the LUT descriptors, whose first and third values are always unsigned): in implicit VR
     * data their VR follows PixelRepresentation (PS3.5 6.2, 0 = US, 1 = SS).
     */
    private static final java.util.Set<Integer> US_OR_SS_PIXEL_VALUES = java.util.Set.of(
            0x00189810, 0x00221452, 0x00280071, 0x00280104, 0x00280105, 0x00280106, 0x00280107, 0x00280108,
            0x00280109, 0x00280110, 0x00280111, 0x00280120, 0x00280121, 0x00409211, 0x00409216, 0x00603004,
            0x00603006);

    /** Whether the tag is a "US or SS" pixel value whose VR PixelRepresentation decides. */
    public static boolean isUsOrSsPixelValue(int tag) {
        return US_OR_SS_PIXEL_VALUES.contains(tag);
    }

    /** The tag with this keyword, or -1. */
    public static int tagOf(String keyword) {
        Entry e = BY_KEYWORD.get(keyword);
        return e == null ? -1 : e.tag();
    }
}
