package org.rtsite.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses dcmtk's {@code dcmdump -Un +L} output (recorded next to each corpus file) into a tree of
 * elements, so that tests can compare it with what rtsite reads. Text is taken as ISO 8859-1 bytes
 * (dcmdump prints values' raw bytes).
 */
final class DcmdumpOracle {
    private DcmdumpOracle() {
    }

    /** One dumped element: tag, VR, value text (between VR and '#'), and items for sequences/pixel sequences. */
    record Node(int tag, String vr, String value, List<List<Node>> items) {
    }

    /** Meta group and data set. */
    record Dump(List<Node> meta, List<Node> dataset) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^( *)\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (\\w\\w) (.*?) *# *(u/l|\\d+), (\\d+) (\\S+).*$", Pattern.DOTALL);

    private record Line(int depth, int tag, String vr, String value) {
    }

    static Dump parse(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Line> meta = new ArrayList<>();
        List<Line> data = new ArrayList<>();
        List<Line> current = null;
        StringBuilder pending = null;
        List<String> raw = new ArrayList<>();
        // values with CR/LF (LT, ST) continue on the next physical line: join them back
        for (String l : text.split("\n", -1)) {
            if (l.startsWith("#") || l.isEmpty() || l.matches("(?s)^ *\\([0-9a-f]{4},[0-9a-f]{4}\\) .*")) {
                if (pending != null) {
                    raw.add(pending.toString());
                }
                pending = new StringBuilder(l);
            } else if (pending != null) {
                pending.append('\n').append(l);
            }
        }
        if (pending != null) {
            raw.add(pending.toString());
        }
        for (String l : raw) {
            if (l.startsWith("# Dicom-Meta-Information-Header")) {
                current = meta;
            } else if (l.startsWith("# Dicom-Data-Set")) {
                current = data;
            } else if (!l.startsWith("#") && !l.isEmpty()) {
                Matcher m = LINE.matcher(l);
                if (!m.matches()) {
                    throw new IllegalStateException("unparsed dcmdump line in " + file + ": " + l);
                }
                int tag = Integer.parseInt(m.group(2), 16) << 16 | Integer.parseInt(m.group(3), 16);
                current.add(new Line(m.group(1).length() / 2, tag, m.group(4), m.group(5)));
            }
        }
        return new Dump(tree(meta, new int[] {0}, 0), tree(data, new int[] {0}, 0));
    }

    private static List<Node> tree(List<Line> lines, int[] i, int depth) {
        List<Node> out = new ArrayList<>();
        while (i[0] < lines.size()) {
            Line l = lines.get(i[0]);
            if (l.depth() < depth) {
                break;
            }
            i[0]++;
            if (l.tag() == Tag.ItemDelimitationItem || l.tag() == Tag.SequenceDelimitationItem) {
                continue;
            }
            if (l.vr().equals("SQ") || l.value().startsWith("(PixelSequence")) {
                List<List<Node>> items = new ArrayList<>();
                while (i[0] < lines.size() && lines.get(i[0]).depth() == depth + 1
                        && lines.get(i[0]).tag() == Tag.Item) {
                    Line item = lines.get(i[0]++);
                    if (item.vr().equals("pi")) {
                        items.add(List.of(new Node(Tag.Item, "pi", item.value(), List.of())));
                    } else {
                        items.add(tree(lines, i, depth + 2));
                    }
                    while (i[0] < lines.size() && lines.get(i[0]).tag() == Tag.ItemDelimitationItem) {
                        i[0]++;
                    }
                }
                out.add(new Node(l.tag(), l.vr(), l.value(), items));
            } else {
                out.add(new Node(l.tag(), l.vr(), l.value(), List.of()));
            }
        }
        return out;
    }
}
