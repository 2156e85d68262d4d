package org.rtsite.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.eval.labels.LabelCsv;
import org.rtsite.eval.labels.LabelEvaluation;
import org.rtsite.eval.labels.Proportion;
import org.rtsite.eval.report.LabelReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite evaluate}: accuracy of predicted region labels against expert labels (the paper's Table 2). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Compares predicted region labels with expert labels: Exact, Top-2 and Top-1 accuracy with "
                + "Wald and Wilson 95 %% intervals, per-class TP/FP/TN/FN, sensitivity, precision, F1, confusion matrix, "
                + "mismatched plans. Writes CSV files and a self-contained HTML report.",
                "CSV columns: plan_id, regions (most important first, separated by ';'), optional rule."})
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--predicted"}, required = true,
            description = "predicted labels: a CSV (plan_id,regions[,rule]) or a folder of rtsite result JSON files (PLAN_ID.json)")
    Path predicted;

    @Option(names = {"-e", "--expert"}, required = true, description = "expert labels CSV (plan_id,regions)")
    Path expert;

    @Option(names = {"-o", "--out"}, defaultValue = "rtsite-evaluation", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--title", defaultValue = "rtsite label accuracy", description = "report title")
    String title;

    @Override
    public Integer call() {
        try {
            LabelEvaluation ev = LabelEvaluation.evaluate(LabelCsv.readPredictions(predicted), LabelCsv.read(expert));
            Path html = LabelReport.write(ev, out, title);
            var o = spec.commandLine().getOut();
            o.println(line("Exact", ev.exact()));
            o.println(line("Top-2", ev.top2()));
            o.println(line("Top-1", ev.top1()));
            o.printf(Locale.ROOT, "Mismatched plans: %d; non-adjacent errors: %d%n", ev.mismatches().size(), ev.nonAdjacent().size());
            o.println("Report: " + html.toAbsolutePath());
            return 0;
        } catch (RtsiteException e) {
            spec.commandLine().getErr().println("rtsite evaluate: " + e.getMessage());
            return 2;
        }
    }

    private static String line(String name, Proportion p) {
        return String.format(Locale.ROOT, "%-6s %3d/%d = %5.1f %%  (Wald 95 %% CI %.1f–%.1f %%, Wilson %.1f–%.1f %%)", name,
                p.successes(), p.n(), 100 * p.estimate(), 100 * p.wald().lower(), 100 * p.wald().upper(),
                100 * p.wilson().lower(), 100 * p.wilson().upper());
    }
}
