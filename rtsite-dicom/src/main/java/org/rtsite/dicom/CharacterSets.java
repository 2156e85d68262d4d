package org.rtsite.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.rtsite.core.InvalidInputException;

/**
 * Specific Character Set (0008,0005) → Java charset for SH, LO, ST, LT, UT, UC and PN. The
 * default repertoire is decoded as ISO 8859-1 (a superset of ASCII) because real files put Latin-1
 * names in files that declare nothing. ISO 2022 code extensions are not switched: their first
 * (single-byte) repertoire is used.
 */
public final class CharacterSets {
    private CharacterSets() {
    }

    public static final Charset DEFAULT = StandardCharsets.ISO_8859_1;

    /** The charset for the values of (0008,0005); unknown terms fall back to the default. */
    public static Charset forSpecificCharacterSet(String[] terms) {
        if (terms == null) {
            return DEFAULT;
        }
        for (String t : terms) {
            Charset cs = forTerm(t.trim());
            if (cs != null) {
                return cs;
            }
        }
        return DEFAULT;
    }

    static Charset forTerm(String term) {
        String t = term.replace("ISO 2022 ", "ISO_");
        return switch (t) {
            case "ISO_IR 192" -> StandardCharsets.UTF_8;
            case "ISO_IR 100", "ISO_IR 6", "ISO_IR6", "" -> StandardCharsets.ISO_8859_1;
            case "ISO_IR 101" -> Charset.forName("ISO-8859-2");
            case "ISO_IR 109" -> Charset.forName("ISO-8859-3");
            case "ISO_IR 110" -> Charset.forName("ISO-8859-4");
            case "ISO_IR 144" -> Charset.forName("ISO-8859-5");
            case "ISO_IR 127" -> Charset.forName("ISO-8859-6");
            case "ISO_IR 126" -> Charset.forName("ISO-8859-7");
            case "ISO_IR 138" -> Charset.forName("ISO-8859-8");
            case "ISO_IR 148" -> Charset.forName("ISO-8859-9");
            case "ISO_IR 203" -> Charset.forName("ISO-8859-15");
            case "ISO_IR 166" -> Charset.forName("x-IBM874");
            case "ISO_IR 13" -> Charset.forName("Shift_JIS");
            case "GB18030" -> Charset.forName("GB18030");
            case "GBK" -> Charset.forName("GBK");
            default -> null;
        };
    }

    /** The term to write in (0008,0005) for a charset rtsite writes with. */
    public static String termFor(Charset cs) {
        if (cs.equals(StandardCharsets.UTF_8)) {
            return "ISO_IR 192";
        }
        if (cs.equals(StandardCharsets.ISO_8859_1)) {
            return "ISO_IR 100";
        }
        throw new InvalidInputException("rtsite writes only UTF-8 or ISO 8859-1, not " + cs);
    }
}
