package org.rtsite.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rtsite.core.region.Region.ABDOMEN;
import static org.rtsite.core.region.Region.HEAD_AND_NECK;
import static org.rtsite.core.region.Region.PELVIS;
import static org.rtsite.core.region.Region.THORAX;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.eval.labels.LabelEvaluation;
import org.rtsite.eval.labels.PlanLabels;
import org.rtsite.eval.seg.ReferenceRegion;
import org.rtsite.eval.seg.SegmentationMetrics;
import org.rtsite.eval.seg.SegmentationMetrics.Status;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportTest {

    private static final Path OUT = Path.of("target", "report-test");

    static LabelEvaluation smallCohort() {
        List<PlanLabels> expert = new ArrayList<>();
        List<PlanLabels> predicted = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            PlanLabels e = PlanLabels.of("P" + i, i % 3 == 0 ? PELVIS : THORAX);
            expert.add(e);
            predicted.add(new PlanLabels(e.planId(), e.regions(), "V85_RANK"));
        }
        expert.add(PlanLabels.of("X1", THORAX, ABDOMEN));
        predicted.add(new PlanLabels("X1", List.of(ABDOMEN, THORAX), "V85_OVERLAP"));
        expert.add(PlanLabels.of("X2", HEAD_AND_NECK));
        predicted.add(new PlanLabels("X2", List.of(HEAD_AND_NECK, PELVIS), "V50_OVERLAP"));
        return LabelEvaluation.evaluate(predicted, expert);
    }

    @Test
    void labelReportIsParsableAndRenders() throws Exception {
        Path html = LabelReport.write(smallCohort(), OUT.resolve("labels"), "Label accuracy <test>");
        Document d = ReportTestSupport.parse(html);
        assertEquals("Label accuracy <test>", d.getElementsByTagName("h1").item(0).getTextContent());
        Element acc = ReportTestSupport.byId(d, "table", "accuracy");
        assertEquals("Exact", ReportTestSupport.cell(acc, 0, 0));
        assertEquals("18", ReportTestSupport.cell(acc, 0, 1));
        assertEquals("90.0", ReportTestSupport.cell(acc, 0, 3));
        assertEquals("95.0", ReportTestSupport.cell(acc, 2, 3));
        Element conf = ReportTestSupport.byId(d, "table", "confusion");
        assertEquals("1", ReportTestSupport.cell(conf, THORAX.ordinal(), 1 + ABDOMEN.ordinal()));
        assertEquals("6", ReportTestSupport.cell(conf, PELVIS.ordinal(), 1 + PELVIS.ordinal()));
        Element mism = ReportTestSupport.byId(d, "table", "mismatches");
        assertEquals(2, mism.getElementsByTagName("tbody").item(0).getChildNodes().getLength()
                - countText(mism.getElementsByTagName("tbody").item(0)));
        assertTrue(mism.getTextContent().contains("Non-adjacent") && mism.getTextContent().contains("yes"),
                "Head and Neck + Pelvis skips the trunk");
        List<String> csv = Files.readAllLines(html.resolveSibling(LabelReport.CLASSES_CSV));
        assertEquals(7, csv.size());
        assertTrue(Files.readString(html.resolveSibling(LabelReport.MISMATCHES_CSV)).contains("X2,Head and Neck;Pelvis,Head and Neck,V50_OVERLAP"));
        ReportTestSupport.screenshot(html);
    }

    private static int countText(org.w3c.dom.Node n) {
        int c = 0;
        for (int i = 0; i < n.getChildNodes().getLength(); i++) {
            c += n.getChildNodes().item(i).getNodeType() == org.w3c.dom.Node.TEXT_NODE ? 1 : 0;
        }
        return c;
    }

    static Map<String, List<SegmentationMetrics>> twoSources() {
        Random rnd = new Random(11);
        Map<String, List<SegmentationMetrics>> by = new LinkedHashMap<>();
        String[] structures = {"urinary_bladder", "prostate", "rectum", "femur_left"};
        for (String source : new String[] {"vendor", "fine-tuned"}) {
            List<SegmentationMetrics> rows = new ArrayList<>();
            double gain = source.equals("vendor") ? 0 : 0.06;
            for (int c = 0; c < 12; c++) {
                for (String s : structures) {
                    double dsc = Math.min(0.99, 0.75 + gain + 0.08 * rnd.nextGaussian());
                    double hd = Math.max(0.5, 6 - 30 * gain + 2 * rnd.nextGaussian());
                    double ref = 50 + 10 * rnd.nextGaussian();
                    double test = ref * (1 + 0.1 * rnd.nextGaussian());
                    Status st = c == 3 && s.equals("rectum") && source.equals("vendor") ? Status.MISSING_TEST : Status.OK;
                    rows.add(st == Status.OK
                            ? new SegmentationMetrics("case" + c, s, st, 100, 100, 80, dsc, hd, hd * 1.5, hd / 2, dsc, 0.99,
                                    ref, test, (test - ref) / ref)
                            : new SegmentationMetrics("case" + c, s, st, 100, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0,
                                    1, ref, 0, -1));
                }
            }
            by.put(source, rows);
        }
        return by;
    }

    @Test
    void segmentationReportHasBoxPlotsTablesAndComparison() throws Exception {
        Path html = SegmentationReport.write(twoSources(), ReferenceRegion.DEFAULT, OUT.resolve("seg"), "Segmentation quality");
        Document d = ReportTestSupport.parse(html);
        Element dscPlot = ReportTestSupport.byId(d, "svg", "box-dsc");
        Element hdPlot = ReportTestSupport.byId(d, "svg", "box-hd95");
        assertEquals(8, dscPlot.getElementsByTagName("g").getLength(), "4 structures × 2 sources");
        assertEquals(8, hdPlot.getElementsByTagName("g").getLength());
        boolean rectumVendorHas11 = false;
        for (int i = 0; i < hdPlot.getElementsByTagName("g").getLength(); i++) {
            Element g = (Element) hdPlot.getElementsByTagName("g").item(i);
            rectumVendorHas11 |= g.getAttribute("data-structure").equals("rectum") && g.getAttribute("data-n").equals("11");
        }
        assertTrue(rectumVendorHas11, "the missing rectum has no 95HD and is left out of its box");
        Element cmp = ReportTestSupport.byId(d, "table", "comparison");
        assertTrue(cmp.getTextContent().contains("exact"), "12 pairs without ties: exact p-values");
        Element summary = ReportTestSupport.byId(d, "table", "summary");
        assertTrue(summary.getTextContent().contains("±"));
        List<String> metrics = Files.readAllLines(html.resolveSibling(SegmentationReport.METRICS_CSV));
        assertEquals(1 + 2 * 12 * 4, metrics.size());
        assertTrue(Files.readString(html.resolveSibling(SegmentationReport.COMPARISON_CSV)).contains("prostate,DSC,12,"));
        ReportTestSupport.screenshot(html);
    }
}
