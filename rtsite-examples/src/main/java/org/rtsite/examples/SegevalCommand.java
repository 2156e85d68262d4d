package org.rtsite.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.eval.report.Csv;
import org.rtsite.eval.report.SegmentationReport;
import org.rtsite.eval.seg.NiftiFolderSource;
import org.rtsite.eval.seg.OrganMasksSource;
import org.rtsite.eval.seg.ReferenceRegion;
import org.rtsite.eval.seg.SegmentationEvaluator;
import org.rtsite.eval.seg.SegmentationMetrics;
import org.rtsite.eval.seg.SegmentationSource;
import org.rtsite.eval.seg.StructureNames;
import org.rtsite.eval.seg.StructureSummary;
import org.rtsite.nifti.Nifti;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite segeval}: segmentation quality of one or two sources against reference contours. */
@Command(name = "segeval", mixinStandardHelpOptions = true,
        description = {"Scores auto-segmentations against reference segmentations per structure and case: DSC, 95HD, HD, "
                + "ASSD, sensitivity, specificity, volumes, relative volume error; mean ± SD per structure; with two test "
                + "sources a paired Wilcoxon signed-rank comparison. Writes CSV files and a self-contained HTML report.",
                "Cases CSV: header case_id,reference,SOURCE_A[,SOURCE_B] (the header names the sources); each cell is a "
                + "folder of per-structure .nii/.nii.gz files or one NIfTI label map, relative to the CSV's folder."})
public final class SegevalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--cases"}, required = true, description = "cases CSV")
    Path cases;

    @Option(names = {"-l", "--labels"}, description = "label table CSV (value,name) for NIfTI label maps")
    Path labels;

    @Option(names = {"-n", "--names"}, description = "name mapping CSV (name,canonical), e.g. Bladder,urinary_bladder")
    Path names;

    @Option(names = "--no-aliases", description = "match structure names exactly (and through --names), "
            + "not through the region dictionary's names and aliases")
    boolean noAliases;

    @Option(names = "--reference-region", defaultValue = "bbox:10",
            description = "voxels counted for specificity: 'grid' or 'bbox:MARGIN_MM' (default: ${DEFAULT-VALUE})")
    String referenceRegion;

    @Option(names = {"-o", "--out"}, defaultValue = "rtsite-segeval", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--title", defaultValue = "rtsite segmentation quality", description = "report title")
    String title;

    @Override
    public Integer call() {
        try {
            ReferenceRegion region;
            try {
                region = ReferenceRegion.parse(referenceRegion);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("--reference-region: " + e.getMessage(), e);
            }
            Map<Integer, String> labelNames = labels == null ? Map.of() : readLabels(labels);
            StructureNames structureNames = names == null ? StructureNames.EXACT : StructureNames.read(names);
            if (!noAliases) {
                structureNames = structureNames.withDictionary(RegionDictionary.defaults());
            }
            SegmentationEvaluator evaluator = new SegmentationEvaluator(structureNames, region);
            List<String> lines = Files.readAllLines(cases, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new InvalidInputException("cases file " + cases + " is empty");
            }
            List<String> header = Csv.parseLine(lines.get(0).replace("\uFEFF", ""), cases.toString(), 1);
            if (header.size() < 3 || header.size() > 4) {
                throw new InvalidInputException("cases file " + cases + ": header must be case_id,reference,SOURCE_A[,SOURCE_B], got " + header);
            }
            Map<String, List<SegmentationMetrics>> bySource = new LinkedHashMap<>();
            for (int s = 2; s < header.size(); s++) {
                bySource.put(header.get(s).trim(), new ArrayList<>());
            }
            Path base = cases.toAbsolutePath().getParent();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                List<String> cells = Csv.parseLine(lines.get(i), cases.toString(), i + 1);
                if (cells.size() != header.size()) {
                    throw new InvalidInputException("cases file " + cases + " line " + (i + 1) + ": expected "
                            + header.size() + " cells, got " + cells.size());
                }
                String caseId = cells.get(0).trim();
                SegmentationSource reference = source(base, cells.get(1).trim(), labelNames, i + 1);
                int s = 2;
                for (List<SegmentationMetrics> rows : bySource.values()) {
                    rows.addAll(evaluator.evaluate(caseId, reference, source(base, cells.get(s++).trim(), labelNames, i + 1)));
                }
            }
            Path html = SegmentationReport.write(bySource, region, out, title);
            var o = spec.commandLine().getOut();
            for (Map.Entry<String, List<SegmentationMetrics>> e : bySource.entrySet()) {
                for (StructureSummary x : StructureSummary.summarize(e.getValue())) {
                    if (x.metric() == SegmentationMetrics.Metric.DSC || x.metric() == SegmentationMetrics.Metric.HD95) {
                        String value = x.n() == 0 ? "undefined" : x.n() == 1 ? String.format(Locale.ROOT, "%.3f", x.mean())
                                : String.format(Locale.ROOT, "%.3f ± %.3f", x.mean(), x.sd());
                        o.printf(Locale.ROOT, "%-12s %-28s %-5s %s (n=%d)%n", e.getKey(), x.structure(), x.metric().label(), value, x.n());
                    }
                }
            }
            o.println("Report: " + html.toAbsolutePath());
            return 0;
        } catch (RtsiteException e) {
            spec.commandLine().getErr().println("rtsite segeval: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            spec.commandLine().getErr().println("rtsite segeval: cannot read " + cases + ": " + e.getMessage());
            return 2;
        }
    }

    private static SegmentationSource source(Path base, String cell, Map<Integer, String> labelNames, int line) {
        Path p = base.resolve(cell);
        if (Files.isDirectory(p)) {
            return new NiftiFolderSource(p);
        }
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("line " + line + ": segmentation '" + cell + "' (" + p + ") is neither a folder nor a file");
        }
        return OrganMasksSource.of(p.toString(), Nifti.readLabelMap(p, p.getFileName().toString(), labelNames));
    }

    private static Map<Integer, String> readLabels(Path file) {
        Map<Integer, String> m = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                List<String> c = Csv.parseLine(lines.get(i).replace("\uFEFF", ""), file.toString(), i + 1);
                if (lines.get(i).isBlank() || (i == 0 && c.get(0).trim().equalsIgnoreCase("value"))) {
                    continue;
                }
                try {
                    m.put(Integer.parseInt(c.get(0).trim()), c.get(1).trim());
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new InvalidInputException("label table " + file + " line " + (i + 1) + ": expected 'value,name', got '" + lines.get(i) + "'", e);
                }
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read label table " + file, e);
        }
        return m;
    }
}
