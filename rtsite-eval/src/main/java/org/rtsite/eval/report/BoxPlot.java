package org.rtsite.eval.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal box plot as inline SVG: one row per structure, one box per source. Box = quartiles
 * (linear interpolation), line = median, whiskers = the most extreme values within 1.5 IQR of
 * the box, dots = values beyond.
 */
final class BoxPlot {

    static final String[] COLOURS = {"#4C78A8", "#F58518", "#54A24B"};

    /** One box: a label (structure), a series index (source) and its values (finite only). */
    record Series(String structure, int source, double[] values) {
    }

    private BoxPlot() {
    }

    static String svg(String id, String title, String unit, List<String> structures, List<String> sources, List<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!Double.isFinite(lo)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        int left = 170;
        int width = 900;
        int plot = width - left - 30;
        int boxH = 14;
        int rowH = boxH * sources.size() + 12;
        int top = 40;
        int height = top + rowH * structures.size() + 40;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\">", id, width, height, width, height));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>", left,
                Html.esc(title + (unit.isEmpty() ? "" : " (" + unit + ")"))));
        for (int s = 0; s < sources.size(); s++) {
            int x = width - 260 + 130 * s;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"20\">%s</text>", x, COLOURS[s % COLOURS.length], x + 16, Html.esc(shorten(sources.get(s)))));
        }
        // axis with five ticks
        int axisY = top + rowH * structures.size() + 5;
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left, axisY, left + plot, axisY));
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            double x = left + plot * t / 4.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>", x, top - 5, x, axisY));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, axisY + 16, Html.num(v, 2)));
        }
        for (int r = 0; r < structures.size(); r++) {
            int y0 = top + rowH * r;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", left - 8,
                    y0 + rowH / 2 + 4, Html.esc(shorten(structures.get(r)))));
            for (Series s : series) {
                if (!s.structure.equals(structures.get(r)) || s.values.length == 0) {
                    continue;
                }
                double[] v = s.values.clone();
                Arrays.sort(v);
                double q1 = quantile(v, 0.25);
                double med = quantile(v, 0.5);
                double q3 = quantile(v, 0.75);
                double iqr = q3 - q1;
                double wLo = v[0];
                double wHi = v[v.length - 1];
                for (double x : v) {
                    if (x >= q1 - 1.5 * iqr) {
                        wLo = x;
                        break;
                    }
                }
                for (int i = v.length - 1; i >= 0; i--) {
                    if (v[i] <= q3 + 1.5 * iqr) {
                        wHi = v[i];
                        break;
                    }
                }
                double fy = y0 + 6 + boxH * s.source;
                double cy = fy + boxH / 2.0;
                String c = COLOURS[s.source % COLOURS.length];
                double xLo = left + plot * (wLo - lo) / (hi - lo);
                double xHi = left + plot * (wHi - lo) / (hi - lo);
                double x1 = left + plot * (q1 - lo) / (hi - lo);
                double x3 = left + plot * (q3 - lo) / (hi - lo);
                double xm = left + plot * (med - lo) / (hi - lo);
                b.append(String.format(Locale.ROOT, "<g class=\"box\" data-structure=\"%s\" data-n=\"%d\">", Html.esc(s.structure), v.length));
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", xLo, cy, xHi, cy, c));
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\"/>",
                        x1, fy + 1, Math.max(1, x3 - x1), boxH - 2, c, c));
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\"/>", xm, fy, xm, fy + boxH));
                for (double x : v) {
                    if (x < wLo || x > wHi) {
                        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"none\" stroke=\"%s\"/>",
                                left + plot * (x - lo) / (hi - lo), cy, c));
                    }
                }
                b.append("</g>");
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int i = (int) Math.floor(h);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (h - i) * (sorted[j] - sorted[i]);
    }

    private static String shorten(String s) {
        return s.length() <= 24 ? s : "…" + s.substring(s.length() - 23);
    }
}
