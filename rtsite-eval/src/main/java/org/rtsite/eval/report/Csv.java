package org.rtsite.eval.report;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.core.InvalidInputException;

/** RFC 4180 style CSV cells: enough for label and case tables, no dependency for what a loop does. */
public final class Csv {

    private Csv() {
    }

    /** Splits one line into cells, honouring double quotes ({@code ""} inside quotes is a quote). */
    public static List<String> parseLine(String line, String source, int lineNo) {
        List<List<String>> rows = parse(line, source + " line " + lineNo, line);
        return rows.isEmpty() ? List.of("") : rows.get(0);
    }

    /**
     * Every row of a whole CSV text; a quoted cell may hold commas, quotes ({@code ""}) and line breaks,
     * CR LF and LF both end a row.
     */
    public static List<List<String>> read(String text, String source) {
        return parse(text, source, null);
    }

    private static List<List<String>> parse(String text, String where, String shown) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (c != '\r') {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new InvalidInputException(where + ": unterminated quote" + (shown == null ? "" : " in '" + shown + "'"));
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }

    /** One cell, quoted when it holds a comma, quote or line break. */
    public static String cell(Object value) {
        String s = value == null ? "" : value.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** A line of cells joined by commas (no line terminator). */
    public static String line(Object... values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(cell(values[i]));
        }
        return b.toString();
    }
}
