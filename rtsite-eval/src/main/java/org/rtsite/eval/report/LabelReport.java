package org.rtsite.eval.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.Region;
import org.rtsite.eval.labels.ClassMetrics;
import org.rtsite.eval.labels.LabelEvaluation;
import org.rtsite.eval.labels.Mismatch;
import org.rtsite.eval.labels.Proportion;

/** Writes a label evaluation as CSV files and one self-contained HTML page. */
public final class LabelReport {

    public static final String SUMMARY_CSV = "label-summary.csv";
    public static final String CLASSES_CSV = "label-classes.csv";
    public static final String CONFUSION_CSV = "label-confusion.csv";
    public static final String MISMATCHES_CSV = "label-mismatches.csv";
    public static final String HTML = "label-report.html";

    private LabelReport() {
    }

    /** Writes every file into {@code dir} (created if needed) and returns the HTML page's path. */
    public static Path write(LabelEvaluation ev, Path dir, String title) {
        try {
            Files.createDirectories(dir);
            List<String> summary = new ArrayList<>();
            summary.add("metric,correct,n,value,wald_low,wald_high,wilson_low,wilson_high");
            addSummary(summary, "exact", ev.exact());
            addSummary(summary, "top2", ev.top2());
            addSummary(summary, "top1", ev.top1());
            summary.add(Csv.line("sample_precision", "", ev.n(), fmt(ev.samplePrecision()), "", "", "", ""));
            summary.add(Csv.line("sample_recall", "", ev.n(), fmt(ev.sampleRecall()), "", "", "", ""));
            summary.add(Csv.line("non_adjacent_errors", ev.nonAdjacent().size(), ev.n(), "", "", "", "", ""));
            Files.write(dir.resolve(SUMMARY_CSV), summary, StandardCharsets.UTF_8);

            List<String> classes = new ArrayList<>();
            classes.add("region,tp,fp,tn,fn,top1_accuracy,top2_accuracy,sensitivity,precision,f1");
            for (ClassMetrics c : ev.classes()) {
                classes.add(Csv.line(c.region().label(), c.tp(), c.fp(), c.tn(), c.fn(), fmt(c.top1Accuracy()),
                        fmt(c.top2Accuracy()), fmt(c.sensitivity()), fmt(c.precision()), fmt(c.f1())));
            }
            Files.write(dir.resolve(CLASSES_CSV), classes, StandardCharsets.UTF_8);

            List<String> confusion = new ArrayList<>();
            List<Object> head = new ArrayList<>();
            head.add("expert\\predicted");
            for (Region r : regionsAndNone()) {
                head.add(name(r));
            }
            confusion.add(Csv.line(head.toArray()));
            for (Region e : regionsAndNone()) {
                List<Object> row = new ArrayList<>();
                row.add(name(e));
                for (Region p : regionsAndNone()) {
                    row.add(ev.confusion().count(e, p));
                }
                confusion.add(Csv.line(row.toArray()));
            }
            Files.write(dir.resolve(CONFUSION_CSV), confusion, StandardCharsets.UTF_8);

            List<String> mism = new ArrayList<>();
            mism.add("plan_id,predicted,expert,rule,top2_correct,top1_correct,non_adjacent");
            for (Mismatch m : ev.mismatches()) {
                mism.add(Csv.line(m.planId(), join(m.predicted()), join(m.expert()), m.rule(), m.top2Correct(),
                        m.top1Correct(), m.nonAdjacent()));
            }
            Files.write(dir.resolve(MISMATCHES_CSV), mism, StandardCharsets.UTF_8);

            Path html = dir.resolve(HTML);
            Files.writeString(html, html(ev, title), StandardCharsets.UTF_8);
            return html;
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write the label report into " + dir, e);
        }
    }

    static String html(LabelEvaluation ev, String title) {
        Html h = new Html(title);
        h.note(ev.n() + " expert-labelled plans. Exact: same labels in the same order. Top-2: same set of the first two "
                + "labels. Top-1: same first label (no prediction counts as wrong). 95 % intervals: Wald p ± 1.96·√(p(1−p)/n) "
                + "as in Hink et al., and Wilson.");
        h.h2("Plan-level accuracy").tableStart("accuracy", "Metric", "Correct", "n", "Accuracy %", "Wald 95 % CI", "Wilson 95 % CI");
        accuracyRow(h, "Exact", ev.exact());
        accuracyRow(h, "Top-2", ev.top2());
        accuracyRow(h, "Top-1", ev.top1());
        h.tableEnd();
        h.tableStart("sample", "Sample-based", "Value")
                .row("Precision (mean |P∩E|/|P|)", Html.num(ev.samplePrecision(), 4))
                .row("Recall (mean |P∩E|/|E|)", Html.num(ev.sampleRecall(), 4))
                .row("Non-adjacent errors", ev.nonAdjacent().size())
                .tableEnd();
        h.h2("Per class (top-2 label sets)");
        List<String> head = new ArrayList<>();
        head.add("");
        for (ClassMetrics c : ev.classes()) {
            head.add(c.region().label());
        }
        h.tableStart("classes", head.toArray(String[]::new));
        classRow(h, "TP", ev, c -> String.valueOf(c.tp()));
        classRow(h, "FP", ev, c -> String.valueOf(c.fp()));
        classRow(h, "TN", ev, c -> String.valueOf(c.tn()));
        classRow(h, "FN", ev, c -> String.valueOf(c.fn()));
        classRow(h, "Top-1 Accuracy", ev, c -> Html.num(c.top1Accuracy(), 2));
        classRow(h, "Top-2 Accuracy", ev, c -> Html.num(c.top2Accuracy(), 2));
        classRow(h, "Sensitivity (Top-2)", ev, c -> Html.num(c.sensitivity(), 4));
        classRow(h, "Precision (Top-2)", ev, c -> Html.num(c.precision(), 4));
        classRow(h, "F1 Score (Top-2)", ev, c -> Html.num(c.f1(), 4));
        h.tableEnd();

        h.h2("Confusion matrix of primary labels (rows: expert, columns: predicted)");
        StringBuilder t = new StringBuilder("<table id=\"confusion\"><thead><tr><th class=\"l\">expert \\ predicted</th>");
        for (Region p : regionsAndNone()) {
            t.append("<th>").append(Html.esc(name(p))).append("</th>");
        }
        t.append("</tr></thead><tbody>\n");
        for (Region e : regionsAndNone()) {
            t.append("<tr><td class=\"l\">").append(Html.esc(name(e))).append("</td>");
            for (Region p : regionsAndNone()) {
                int c = ev.confusion().count(e, p);
                String cls = c == 0 ? "" : e == p ? " class=\"hit\"" : " class=\"miss\"";
                t.append("<td").append(cls).append(">").append(c).append("</td>");
            }
            t.append("</tr>\n");
        }
        h.raw(t.append("</tbody></table>\n").toString());

        h.h2("Mismatched plans (" + ev.mismatches().size() + ")");
        h.tableStart("mismatches", "Plan", "Predicted", "Expert", "Rule", "Top-2", "Top-1", "Non-adjacent");
        for (Mismatch m : ev.mismatches()) {
            h.row(m.planId(), join(m.predicted()), join(m.expert()), m.rule(), m.top2Correct() ? "ok" : "wrong",
                    m.top1Correct() ? "ok" : "wrong", m.nonAdjacent() ? "yes" : "");
        }
        h.tableEnd();
        if (!ev.missingPredictions().isEmpty()) {
            h.note("Plans without a prediction (counted as unlabelled): " + String.join(", ", ev.missingPredictions()));
        }
        if (!ev.unmatchedPredictions().isEmpty()) {
            h.note("Predictions without an expert label (ignored): " + String.join(", ", ev.unmatchedPredictions()));
        }
        return h.finish();
    }

    private static void accuracyRow(Html h, String name, Proportion p) {
        h.row(name, p.successes(), p.n(), Html.num(100 * p.estimate(), 1),
                Html.num(100 * p.wald().lower(), 1) + "–" + Html.num(100 * p.wald().upper(), 1) + " %",
                Html.num(100 * p.wilson().lower(), 1) + "–" + Html.num(100 * p.wilson().upper(), 1) + " %");
    }

    private static void classRow(Html h, String name, LabelEvaluation ev, java.util.function.Function<ClassMetrics, String> f) {
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (ClassMetrics c : ev.classes()) {
            cells.add(f.apply(c));
        }
        h.row(cells.toArray());
    }

    private static void addSummary(List<String> lines, String name, Proportion p) {
        lines.add(Csv.line(name, p.successes(), p.n(), fmt(p.estimate()), fmt(p.wald().lower()), fmt(p.wald().upper()),
                fmt(p.wilson().lower()), fmt(p.wilson().upper())));
    }

    private static List<Region> regionsAndNone() {
        List<Region> l = new ArrayList<>(List.of(Region.values()));
        l.add(null);
        return l;
    }

    private static String name(Region r) {
        return r == null ? "(none)" : r.label();
    }

    private static String join(List<Region> regions) {
        return regions.stream().map(Region::label).collect(Collectors.joining(";"));
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }
}
