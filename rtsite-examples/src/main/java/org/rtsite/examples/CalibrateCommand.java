package org.rtsite.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.ClassifierSettings;
import org.rtsite.core.RtsiteException;
import org.rtsite.eval.calibrate.CalibrationJson;
import org.rtsite.eval.calibrate.CalibrationPlan;
import org.rtsite.eval.calibrate.CalibrationReport;
import org.rtsite.eval.calibrate.Calibrator;
import org.rtsite.eval.calibrate.ParameterGrid;
import org.rtsite.eval.labels.Proportion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite calibrate}: tunes the decision tree's thresholds on expert-labelled plans. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Searches the decision tree's thresholds (overlap tau, dominance, brain Dice), the Head-and-Neck "
                + "landmark (C7/thyroid) and the use of the V50 step for the best Exact accuracy against expert labels, "
                + "with k-fold cross-validation; re-decides stored result JSON files, so nothing is re-segmented.",
                "Writes a settings JSON file that SiteClassifier.builder().settings(ClassifierSettings.load(file)) loads."})
public final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-r", "--results"}, required = true, description = "folder of result JSON files named PLAN_ID.json")
    Path results;

    @Option(names = {"-e", "--expert"}, required = true, description = "expert labels CSV (plan_id,regions)")
    Path expert;

    @Option(names = {"-o", "--out"}, defaultValue = "rtsite-settings.json", description = "settings file to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = {"-k", "--folds"}, defaultValue = "5", description = "cross-validation folds (default: ${DEFAULT-VALUE})")
    int folds;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the fold assignment (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        try {
            List<CalibrationPlan> plans = CalibrationPlan.load(results, expert);
            CalibrationReport r = new Calibrator(ParameterGrid.defaults(), folds, seed).calibrate(plans);
            r.chosen().write(out, CalibrationJson.summary(r));
            var o = spec.commandLine().getOut();
            ClassifierSettings c = r.chosen();
            o.printf(Locale.ROOT, "Plans: %d; candidates: %d; %d-fold cross-validation (seed %d)%n", r.plans(),
                    r.candidates(), r.folds(), r.seed());
            o.printf(Locale.ROOT, "Chosen: overlapThreshold=%s dominanceThreshold=%s brainDiceThreshold=%s landmark=%s useV50=%s%n",
                    c.config().overlapThreshold(), c.config().dominanceThreshold(), c.config().brainDiceThreshold(),
                    c.policy().landmark(), c.policy().useV50());
            o.println(line("Exact, held-out (cross-validated)", r.heldOutExact()));
            o.printf(Locale.ROOT, "Exact, training (mean over folds): %.1f %%%n", 100 * r.meanTrainExact());
            o.println(line("Exact, chosen settings on all plans", r.chosenExact()));
            o.println(line("Exact, paper settings", r.paperExact()));
            if (r.unresolvedProximity() > 0) {
                o.printf(Locale.ROOT, "Plans needing a proximity search the stored results lack (counted unlabelled): %d%n",
                        r.unresolvedProximity());
            }
            o.println("Settings: " + out.toAbsolutePath());
            return 0;
        } catch (RtsiteException e) {
            spec.commandLine().getErr().println("rtsite calibrate: " + e.getMessage());
            return 2;
        }
    }

    private static String line(String name, Proportion p) {
        return String.format(Locale.ROOT, "%s: %d/%d = %.1f %% (Wilson 95 %% CI %.1f–%.1f %%, Wald %.1f–%.1f %%)", name,
                p.successes(), p.n(), 100 * p.estimate(), 100 * p.wilson().lower(), 100 * p.wilson().upper(),
                100 * p.wald().lower(), 100 * p.wald().upper());
    }
}
