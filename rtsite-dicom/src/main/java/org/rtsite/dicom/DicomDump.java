package org.rtsite.dicom;

import java.util.Locale;
import org.rtsite.core.InvalidInputException;

/**
 * Text rendering of a file, one element per line in the manner of dcmtk's dcmdump:
 * <pre>
 * (0008,0060) CS Modality                           [RTSTRUCT]
 * (3006,0020) SQ StructureSetROISequence            (10 items)
 *   (FFFE,E000) item 1
 *     (3006,0022) IS ROINumber                      [1]
 * </pre>
 * Strings are shown in brackets, numbers as decimal, long binary values shortened.
 */
public final class DicomDump {
    private final int maxValues;

    private DicomDump(int maxValues) {
        this.maxValues = maxValues;
    }

    /** A dump that shows at most {@code maxValues} values of a multi-valued element (then "..."). */
    public static DicomDump withMaxValues(int maxValues) {
        if (maxValues < 1) {
            throw new InvalidInputException("maxValues must be at least 1, was " + maxValues);
        }
        return new DicomDump(maxValues);
    }

    public String dump(DicomFile file) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(file.source()).append('\n');
        sb.append("# transfer syntax ").append(file.transferSyntaxUid()).append(" (")
                .append(TransferSyntax.name(file.transferSyntaxUid())).append(")")
                .append(file.hasMeta() ? "" : ", no file meta group").append('\n');
        if (file.hasMeta()) {
            sb.append("# file meta group\n");
            dataset(sb, file.meta(), 0);
            sb.append("# data set\n");
        }
        dataset(sb, file.dataset(), 0);
        return sb.toString();
    }

    public String dump(DicomDataset ds) {
        StringBuilder sb = new StringBuilder();
        dataset(sb, ds, 0);
        return sb.toString();
    }

    private void dataset(StringBuilder sb, DicomDataset ds, int depth) {
        for (DicomElement e : ds.elements()) {
            element(sb, ds, e, depth);
        }
    }

    private void element(StringBuilder sb, DicomDataset ds, DicomElement e, int depth) {
        int start = sb.length();
        indent(sb, depth);
        sb.append(Tag.toString(e.tag())).append(' ').append(e.vr()).append(' ').append(DataDictionary.keywordOf(e.tag()));
        int pad = 2 * depth + 52 - (sb.length() - start);
        sb.append(" ".repeat(Math.max(1, pad)));
        if (e.isSequence()) {
            sb.append('(').append(e.items().size()).append(e.items().size() == 1 ? " item)" : " items)").append('\n');
            int n = 0;
            for (DicomDataset item : e.items()) {
                indent(sb, depth + 1);
                sb.append("(FFFE,E000) item ").append(++n).append('\n');
                dataset(sb, item, depth + 2);
            }
            return;
        }
        if (e.isEncapsulated()) {
            sb.append("(encapsulated: ").append(e.fragmentCount()).append(" fragment(s), offset table ")
                    .append(e.basicOffsetTable().length / 4).append(" entries)\n");
            return;
        }
        sb.append(value(ds, e)).append('\n');
    }

    private String value(DicomDataset ds, DicomElement e) {
        VR vr = e.vr();
        if (e.length() == 0) {
            return "(no value)";
        }
        if (vr.isString()) {
            String[] v = ds.getStrings(e.tag());
            return '[' + join(v, true) + ']';
        }
        switch (vr) {
            case US, SS, UL, SL, SV, UV, FL, FD, AT -> {
                return join(ds.getStrings(e.tag()), false);
            }
            default -> {
                byte[] b = e.bytes();
                StringBuilder sb = new StringBuilder();
                int n = Math.min(b.length, 16);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : "\\").append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
                }
                if (b.length > n) {
                    sb.append("...");
                }
                return sb.append(" (").append(b.length).append(" bytes)").toString();
            }
        }
    }

    private String join(String[] v, boolean escape) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(v.length, maxValues);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('\\');
            }
            sb.append(escape ? printable(v[i]) : v[i]);
        }
        if (v.length > n) {
            sb.append("\\... (").append(v.length).append(" values)");
        }
        return sb.toString();
    }

    /** Control characters would break the one-line-per-element promise. */
    private static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static void indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append("  ");
        }
    }
}
