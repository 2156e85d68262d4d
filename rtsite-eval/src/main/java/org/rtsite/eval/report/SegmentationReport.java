package org.rtsite.eval.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.eval.seg.MaskComparison;
import org.rtsite.eval.seg.PairedComparison;
import org.rtsite.eval.seg.ReferenceRegion;
import org.rtsite.eval.seg.SegmentationMetrics.Metric;
import org.rtsite.eval.seg.SegmentationMetrics;
import org.rtsite.eval.seg.StructureSummary;

/**
 * Writes segmentation results of one or two test sources (scored against the same reference) as
 * CSV and one self-contained HTML page with per-structure box plots of DSC and 95HD.
 */
public final class SegmentationReport {

    public static final String METRICS_CSV = "seg-metrics.csv";
    public static final String SUMMARY_CSV = "seg-summary.csv";
    public static final String COMPARISON_CSV = "seg-comparison.csv";
    public static final String HTML = "seg-report.html";

    private SegmentationReport() {
    }

    /**
     * @param bySource test-source name → its rows (one or two sources; with two, a paired comparison is added)
     */
    public static Path write(Map<String, List<SegmentationMetrics>> bySource, ReferenceRegion region, Path dir, String title) {
        if (bySource.isEmpty() || bySource.size() > 2) {
            throw new InvalidInputException("a segmentation report takes one or two test sources, got " + bySource.size());
        }
        try {
            Files.createDirectories(dir);
            Map<String, List<StructureSummary>> summaries = new LinkedHashMap<>();
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(METRICS_CSV), StandardCharsets.UTF_8)) {
                w.write("source,case_id,structure,status,reference_voxels,test_voxels,intersection_voxels,dsc,hd95_mm,"
                        + "hd_max_mm,assd_mm,sensitivity,specificity,reference_cc,test_cc,relative_volume_error\n");
                for (Map.Entry<String, List<SegmentationMetrics>> e : bySource.entrySet()) {
                    for (SegmentationMetrics m : e.getValue()) {
                        w.write(Csv.line(e.getKey(), m.caseId(), m.structure(), m.status(), m.referenceVoxels(), m.testVoxels(),
                                m.intersectionVoxels(), f(m.dsc()), f(m.hd95Mm()), f(m.hdMaxMm()), f(m.assdMm()),
                                f(m.sensitivity()), f(m.specificity()), f(m.referenceVolumeCc()), f(m.testVolumeCc()),
                                f(m.relativeVolumeError())));
                        w.write('\n');
                    }
                    summaries.put(e.getKey(), StructureSummary.summarize(e.getValue()));
                }
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(SUMMARY_CSV), StandardCharsets.UTF_8)) {
                w.write("source,structure,metric,n,undefined,mean,sd\n");
                for (Map.Entry<String, List<StructureSummary>> e : summaries.entrySet()) {
                    for (StructureSummary s : e.getValue()) {
                        w.write(Csv.line(e.getKey(), s.structure(), s.metric(), s.n(), s.undefined(), f(s.mean()), f(s.sd())));
                        w.write('\n');
                    }
                }
            }
            List<String> sources = new ArrayList<>(bySource.keySet());
            List<PairedComparison> comparisons = List.of();
            if (sources.size() == 2) {
                comparisons = PairedComparison.compare(bySource.get(sources.get(0)), bySource.get(sources.get(1)));
                try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(COMPARISON_CSV), StandardCharsets.UTF_8)) {
                    w.write("structure,metric,pairs,mean_a,sd_a,mean_b,sd_b,wilcoxon_w,p_value,p_method\n");
                    for (PairedComparison c : comparisons) {
                        w.write(Csv.line(c.structure(), c.metric(), c.pairs(), f(c.meanA()), f(c.sdA()), f(c.meanB()),
                                f(c.sdB()), f(c.statistic()), f(c.pValue()), method(c)));
                        w.write('\n');
                    }
                }
            }
            Path html = dir.resolve(HTML);
            Files.writeString(html, html(bySource, summaries, comparisons, region, title), StandardCharsets.UTF_8);
            return html;
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write the segmentation report into " + dir, e);
        }
    }

    private static String method(PairedComparison c) {
        return Double.isNaN(c.statistic()) ? "none" : c.exact() ? "exact" : "normal approximation";
    }

    static String html(Map<String, List<SegmentationMetrics>> bySource, Map<String, List<StructureSummary>> summaries,
                       List<PairedComparison> comparisons, ReferenceRegion region, String title) {
        List<String> sources = new ArrayList<>(bySource.keySet());
        TreeSet<String> structures = new TreeSet<>();
        int cases = 0;
        for (List<SegmentationMetrics> rows : bySource.values()) {
            rows.forEach(r -> structures.add(r.structure()));
            cases = Math.max(cases, (int) rows.stream().map(SegmentationMetrics::caseId).distinct().count());
        }
        Html h = new Html(title);
        h.note(cases + " cases, " + structures.size() + " structures, test source(s): " + String.join(", ", sources)
                + ". DSC = 2|D∩G|/(|D|+|G|). 95HD = " + (int) MaskComparison.PERCENTILE + "th percentile of the union of both "
                + "directed surface-distance sets (surface = boundary voxels, exact Euclidean distance transform with the "
                + "grid's spacing, mm). Specificity counts voxels within the " + region + ". Undefined values (empty or "
                + "missing structures) are shown as – and left out of means.");
        List<String> structureList = new ArrayList<>(structures);
        for (Metric m : new Metric[] {Metric.DSC, Metric.HD95}) {
            List<BoxPlot.Series> series = new ArrayList<>();
            for (int s = 0; s < sources.size(); s++) {
                for (String st : structureList) {
                    double[] v = bySource.get(sources.get(s)).stream().filter(r -> r.structure().equals(st))
                            .mapToDouble(r -> r.metric(m)).filter(Double::isFinite).toArray();
                    series.add(new BoxPlot.Series(st, s, v));
                }
            }
            h.h2(m.label() + " per structure");
            h.raw(BoxPlot.svg("box-" + m.name().toLowerCase(java.util.Locale.ROOT), m.label(), m.unit(), structureList, sources, series));
        }
        h.h2("Summary per structure (mean ± SD)");
        Metric[] shown = {Metric.DSC, Metric.HD95, Metric.SENSITIVITY, Metric.SPECIFICITY, Metric.VOLUME_CC, Metric.RELATIVE_VOLUME_ERROR};
        List<String> head = new ArrayList<>(List.of("Structure", "Source", "Cases"));
        for (Metric m : shown) {
            head.add(m.label() + (m.unit().isEmpty() ? "" : " (" + m.unit() + ")"));
        }
        h.tableStart("summary", head.toArray(String[]::new));
        for (String st : structureList) {
            for (String src : sources) {
                List<Object> cells = new ArrayList<>(List.of(st, src));
                long n = bySource.get(src).stream().filter(r -> r.structure().equals(st)).count();
                cells.add(n);
                for (Metric m : shown) {
                    StructureSummary s = summaries.get(src).stream()
                            .filter(x -> x.structure().equals(st) && x.metric() == m).findFirst().orElse(null);
                    cells.add(s == null || s.n() == 0 ? "–" : Html.num(s.mean(), 3) + " ± " + Html.num(s.sd(), 3));
                }
                h.row(cells.toArray());
            }
        }
        h.tableEnd();
        if (!comparisons.isEmpty()) {
            h.h2("Paired comparison: " + sources.get(0) + " vs " + sources.get(1) + " (Wilcoxon signed-rank, two-sided)");
            h.tableStart("comparison", "Structure", "Metric", "Pairs", sources.get(0) + " mean ± SD",
                    sources.get(1) + " mean ± SD", "W", "p", "p from");
            for (PairedComparison c : comparisons) {
                if (c.metric() != Metric.DSC && c.metric() != Metric.HD95 && c.metric() != Metric.SENSITIVITY
                        && c.metric() != Metric.RELATIVE_VOLUME_ERROR) {
                    continue;
                }
                h.row(c.structure(), c.metric().label(), c.pairs(), Html.num(c.meanA(), 3) + " ± " + Html.num(c.sdA(), 3),
                        Html.num(c.meanB(), 3) + " ± " + Html.num(c.sdB(), 3), Html.num(c.statistic(), 1),
                        c.pValue() < 0.001 ? "< 0.001" : Html.num(c.pValue(), 3), method(c));
            }
            h.tableEnd();
        }
        h.h2("Per case");
        h.tableStart("cases", "Case", "Structure", "Source", "Status", "DSC", "95HD (mm)", "HD (mm)", "Sensitivity",
                "Specificity", "Reference (cc)", "Test (cc)", "RVE");
        for (String src : sources) {
            for (SegmentationMetrics m : bySource.get(src)) {
                h.row(m.caseId(), m.structure(), src, m.status(), Html.num(m.dsc(), 3), Html.num(m.hd95Mm(), 2),
                        Html.num(m.hdMaxMm(), 2), Html.num(m.sensitivity(), 3), Html.num(m.specificity(), 4),
                        Html.num(m.referenceVolumeCc(), 2), Html.num(m.testVolumeCc(), 2), Html.num(m.relativeVolumeError(), 3));
            }
        }
        h.tableEnd();
        return h.finish();
    }

    private static String f(double v) {
        return LabelReport.fmt(v);
    }
}
