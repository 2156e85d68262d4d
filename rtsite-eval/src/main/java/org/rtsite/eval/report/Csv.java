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
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new InvalidInputException(source + " line " + lineNo + ": unterminated quote in '" + line + "'");
        }
        cells.add(cell.toString());
        return cells;
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
