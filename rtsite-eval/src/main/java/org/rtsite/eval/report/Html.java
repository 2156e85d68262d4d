package org.rtsite.eval.report;

import java.util.Locale;

/** A small HTML writer: escaping, numbers, and the report's inline style (no external resources). */
final class Html {

    static final String STYLE = """
            body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1150px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}
            th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}
            th{background:#eef}td.l,th.l{text-align:left}
            td.hit{background:#cfe8cf}td.miss{background:#f6d0d0}
            p.note{font-size:12px;color:#555}
            svg{background:#fff;border:1px solid #ddd;margin:6px 0}
            """;

    private final StringBuilder b = new StringBuilder();

    Html(String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(title))
                .append("</title><style>").append(STYLE).append("</style></head><body>\n<h1>").append(esc(title))
                .append("</h1>\n");
    }

    static String esc(Object o) {
        String s = o == null ? "" : o.toString();
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
    }

    Html h2(String text) {
        b.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    Html note(String text) {
        b.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
        return this;
    }

    Html raw(String html) {
        b.append(html);
        return this;
    }

    Html tableStart(String id, String... headers) {
        b.append("<table id=\"").append(esc(id)).append("\"><thead><tr>");
        for (int i = 0; i < headers.length; i++) {
            b.append(i == 0 ? "<th class=\"l\">" : "<th>").append(esc(headers[i])).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        return this;
    }

    Html row(Object... cells) {
        b.append("<tr>");
        for (int i = 0; i < cells.length; i++) {
            b.append(i == 0 ? "<td class=\"l\">" : "<td>").append(esc(cells[i])).append("</td>");
        }
        b.append("</tr>\n");
        return this;
    }

    Html tableEnd() {
        b.append("</tbody></table>\n");
        return this;
    }

    String finish() {
        return b + "</body></html>\n";
    }
}
