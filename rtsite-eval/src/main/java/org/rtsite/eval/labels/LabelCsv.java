package org.rtsite.eval.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.eval.report.Csv;

/**
 * Reads label tables: a header row naming {@code plan_id} and {@code regions} (or {@code labels}),
 * optionally {@code rule}; regions within a cell are separated by {@code ;} or {@code |}, most
 * important first; an empty cell means "no label".
 */
public final class LabelCsv {

    private LabelCsv() {
    }

    /**
     * Predictions from rtsite's own per-plan results: every {@code *.json} site result in
     * {@code folder}, the plan id being the file name without {@code .json}; labels and rule as
     * the classifier decided them.
     */
    public static List<PlanLabels> readResults(Path folder) {
        List<PlanLabels> plans = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                SiteResult r;
                try {
                    r = SiteResultJson.read(Files.readString(f, StandardCharsets.UTF_8));
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("result file " + f + ": " + e.getMessage(), e);
                }
                plans.add(new PlanLabels(name.substring(0, name.length() - 5), r.labels(), r.rule().name()));
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list result folder " + folder, e);
        }
        if (plans.isEmpty()) {
            throw new InvalidInputException("result folder " + folder + " holds no .json site result");
        }
        return plans;
    }

    /** A label CSV, or a folder of rtsite result JSON files ({@link #readResults}). */
    public static List<PlanLabels> readPredictions(Path fileOrFolder) {
        return Files.isDirectory(fileOrFolder) ? readResults(fileOrFolder) : read(fileOrFolder);
    }

    public static List<PlanLabels> read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read label table " + file, e);
        }
    }

    static List<PlanLabels> read(BufferedReader in, String source) throws IOException {
        String headerLine = in.readLine();
        if (headerLine == null) {
            throw new InvalidInputException("label table " + source + " is empty (expected a header with plan_id,regions)");
        }
        List<String> header = Csv.parseLine(headerLine.replace("\uFEFF", ""), source, 1);
        int id = column(header, source, true, "plan_id", "plan", "id");
        int regions = column(header, source, true, "regions", "labels", "label");
        int rule = column(header, source, false, "rule");
        List<PlanLabels> plans = new ArrayList<>();
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = Csv.parseLine(line, source, lineNo);
            if (cells.size() <= Math.max(id, regions)) {
                throw new InvalidInputException(source + " line " + lineNo + ": expected at least "
                        + (Math.max(id, regions) + 1) + " columns, got " + cells.size());
            }
            List<Region> list = new ArrayList<>();
            for (String name : cells.get(regions).split("[;|]")) {
                if (!name.isBlank()) {
                    try {
                        list.add(Region.parse(name)); // the one place where region names are read
                    } catch (InvalidInputException e) {
                        throw new InvalidInputException(source + " line " + lineNo + ": " + e.getMessage(), e);
                    }
                }
            }
            String r = rule >= 0 && rule < cells.size() ? cells.get(rule).trim() : "";
            try {
                plans.add(new PlanLabels(cells.get(id).trim(), list, r));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(source + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return plans;
    }

    private static int column(List<String> header, String source, boolean required, String... names) {
        for (int c = 0; c < header.size(); c++) {
            String h = header.get(c).trim().toLowerCase(Locale.ROOT);
            for (String n : names) {
                if (h.equals(n)) {
                    return c;
                }
            }
        }
        if (required) {
            throw new InvalidInputException("label table " + source + " has no '" + names[0] + "' column; header is " + header);
        }
        return -1;
    }
}
