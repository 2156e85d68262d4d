package org.rtsite.eval.calibrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.result.SiteResultJson;
import org.rtsite.eval.labels.LabelCsv;
import org.rtsite.eval.labels.PlanLabels;

/**
 * One plan for calibration: its stored result (every organ's V85/V50 scores and Dice, CoM85,
 * landmarks: all the decision tree needs, so re-deciding with other thresholds needs no
 * re-segmentation) and the expert's ranked labels.
 */
public record CalibrationPlan(String planId, SiteResult result, List<Region> expert) {

    public CalibrationPlan {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(result, "result");
        expert = List.copyOf(expert);
    }

    /**
     * Result JSON files ({@code PLAN_ID.json}, as written by {@code SiteResultJson}) in a folder,
     * matched to an expert label CSV by plan id. Plans the expert did not label are skipped; an
     * expert plan without a result is an error naming it.
     */
    public static List<CalibrationPlan> load(Path resultsDir, Path expertCsv) {
        Map<String, List<Region>> expert = new HashMap<>();
        for (PlanLabels p : LabelCsv.read(expertCsv)) {
            expert.put(p.planId(), p.regions());
        }
        Map<String, SiteResult> results = new TreeMap<>();
        if (!Files.isDirectory(resultsDir)) {
            throw new InvalidInputException("results folder " + resultsDir + " is not a folder");
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(resultsDir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - ".json".length());
                if (!expert.containsKey(id)) {
                    continue;
                }
                try {
                    results.put(id, SiteResultJson.read(Files.readString(f, StandardCharsets.UTF_8)));
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(f + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read results folder " + resultsDir + ": " + e.getMessage(), e);
        }
        List<CalibrationPlan> plans = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<Region>> e : new TreeMap<>(expert).entrySet()) {
            SiteResult r = results.get(e.getKey());
            if (r == null) {
                missing.add(e.getKey());
            } else {
                plans.add(new CalibrationPlan(e.getKey(), r, e.getValue()));
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException(expertCsv + ": no result file " + resultsDir + "/PLAN_ID.json for plan(s) "
                    + (missing.size() > 10 ? missing.subList(0, 10) + " and " + (missing.size() - 10) + " more" : missing));
        }
        return plans;
    }
}
