package org.rtsite.dicom;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
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

    /**
     * Tag → VR of the exact entries (open addressing; a null VR marks a free slot) and of the repeating ones
     * (their tag with the repeated byte 00): all a reader needs of the dictionary, read straight from the
     * resource's bytes. Entries with their keywords are built only when asked for ({@link Names}): building
     * them all took 0.1-0.2 s of a scan's start, with the readers waiting (docs/PERFORMANCE.md, "Indexing,
     * sixth round").
     */
    private static final int SLOTS = 1 << 14;
    private static final int[] SLOT_TAGS = new int[SLOTS];
    private static final VR[] SLOT_VRS = new VR[SLOTS];
    private static final Map<Integer, VR> REPEATING_VRS = new HashMap<>(128);

    static {
        byte[] b = resource();
        int i = 0;
        int n = b.length;
        while (i < n) {
            int end = i;
            while (end < n && b[end] != '\n') {
                end++;
            }
            if (b[i] != '#' && end - i >= 11 && b[i + 8] == '\t') {
                boolean repeating = false;
                int tag = 0;
                for (int k = i; k < i + 8; k++) {
                    int c = b[k];
                    int digit;
                    if (c == 'x') {
                        repeating = true;
                        digit = 0;
                    } else {
                        digit = Character.digit(c, 16);
                        if (digit < 0) {
                            throw new RtsiteException("dictionary.tsv: bad tag in line at byte " + i);
                        }
                    }
                    tag = (tag << 4) | digit;
                }
                VR vr = VR.of(b[i + 9], b[i + 10]);
                if (vr == null) {
                    throw new RtsiteException("dictionary.tsv: bad VR in line at byte " + i);
                }
                if (repeating) {
                    REPEATING_VRS.putIfAbsent(tag, vr);
                } else {
                    int slot = slot(tag);
                    if (SLOT_VRS[slot] == null) { // the first entry of a tag wins, as it always did
                        SLOT_TAGS[slot] = tag;
                        SLOT_VRS[slot] = vr;
                    }
                }
            }
            i = end + 1;
        }
    }

    /** The slot of a tag in {@link #SLOT_TAGS}: its own, or the free one where it would go. */
    private static int slot(int tag) {
        int h = tag * 0x9E3779B9;
        int s = (h ^ (h >>> 16)) & (SLOTS - 1);
        while (SLOT_VRS[s] != null && SLOT_TAGS[s] != tag) {
            s = (s + 1) & (SLOTS - 1);
        }
        return s;
    }

    private static byte[] resource() {
        try (InputStream in = DataDictionary.class.getResourceAsStream("dictionary.tsv")) {
            if (in == null) {
                throw new RtsiteException("resource org/rtsite/dicom/dictionary.tsv missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read the DICOM data dictionary resource", e);
        }
    }

    /** Every entry with its keyword, built on first use (a dump, a message naming an attribute). */
    private static final class Names {
        private static final Map<Integer, Entry> EXACT = new HashMap<>(8192);
        private static final Map<Integer, Entry> REPEATING = new HashMap<>(128);
        private static final Map<String, Entry> BY_KEYWORD = new HashMap<>(8192);

        static {
            BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(resource()),
                    StandardCharsets.US_ASCII));
            try {
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

        private Names() {
        }
    }

    private DataDictionary() {
    }

    /** Whether the tag is one of the repeating groups' (50xx, 60xx, 7Fxx: even groups only). */
    private static boolean repeatingGroup(int tag) {
        int group = Tag.group(tag);
        return (group & 1) == 0 && (group >>> 8 == 0x50 || group >>> 8 == 0x60 || group >>> 8 == 0x7F);
    }

    /** The entry for a tag, or null for unknown and private tags. */
    public static Entry lookup(int tag) {
        Entry e = Names.EXACT.get(tag);
        if (e != null) {
            return e;
        }
        return repeatingGroup(tag) ? Names.REPEATING.get(tag & 0xFF00FFFF) : null;
    }

    /** The dictionary's VR of a tag ({@code lookup(tag).vr()}), or null for unknown and private tags. */
    static VR knownVr(int tag) {
        VR vr = SLOT_VRS[slot(tag)];
        if (vr != null) {
            return vr;
        }
        return repeatingGroup(tag) ? REPEATING_VRS.get(tag & 0xFF00FFFF) : null;
    }

    /** VR to assume in implicit VR data: the dictionary's, UL for group lengths, LO for private creators, else UN. */
    public static VR vrOf(int tag) {
        VR known = knownVr(tag);
        if (known != null) {
            return known;
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
        Entry e = Names.BY_KEYWORD.get(keyword);
        return e == null ? -1 : e.tag();
    }
}
