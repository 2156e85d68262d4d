package org.rtsite.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.region.Region;
import org.rtsite.pipeline.store.Pseudonymizer;
import org.rtsite.pipeline.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite report}: the stored classification results as CSV or JSON, filtered. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print or write the results 'rtsite classify' stored in the database: one row per plan "
                + "(labels, rule, Dmax, V85/V50 volumes, status, error, timings).",
                "",
                "Examples:",
                "  rtsite report --db archive.db --primary Thorax",
                "  rtsite report --db archive.db --status failed --format json --output failed.json"})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "Database written by 'rtsite classify'")
    Path db;

    @Option(names = "--primary", paramLabel = "REGION",
            description = "Only plans whose first label is REGION: Cranial, \"Head and Neck\", Thorax, Abdomen, Pelvis, Extremity")
    String primary;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only plans with status ok or failed")
    String status;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output")
    Path output;

    @Option(names = "--pseudonymize", description = "plan_file and patient_id as keyed pseudonyms (F-..., P-...), "
            + "both scrubbed from error texts; the same key as 'classify --pseudonymize' gives the same pseudonyms")
    boolean pseudonymize;

    @Option(names = "--pseudonym-key", paramLabel = "FILE",
            description = "Secret key of the pseudonyms (default: the environment variable " + Pseudonymizer.KEY_ENV + ")")
    Path pseudonymKey;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (primary != null) {
            try {
                primary = Region.parse(primary).label();
            } catch (InvalidInputException e) {
                err.println("rtsite report: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        if (status != null && !status.equalsIgnoreCase("ok") && !status.equalsIgnoreCase("failed")) {
            err.println("rtsite report: --status must be ok or failed, got '" + status + "'");
            err.flush();
            return 2;
        }
        if (!format.equals("csv") && !format.equals("json")) {
            err.println("rtsite report: --format must be csv or json, got '" + format + "'");
            err.flush();
            return 2;
        }
        PseudonymOption.Choice pseudonymChoice = PseudonymOption.resolve("report", pseudonymize, pseudonymKey, err);
        if (pseudonymChoice.failed()) {
            return 2;
        }
        Pseudonymizer pseudonyms = pseudonymChoice.pseudonyms();
        if (!Files.isRegularFile(db)) {
            err.println("rtsite report: database " + db + " does not exist");
            err.flush();
            return 1;
        }
        try (ResultStore store = ResultStore.openReadOnly(db)) {
            List<Map<String, Object>> rows = store.query(primary, status);
            if (pseudonyms != null) {
                rows = rows.stream().map(pseudonyms::row).toList();
            }
            Writer w = output == null ? spec.commandLine().getOut() : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
            try {
                if (format.equals("csv")) {
                    ResultStore.writeCsv(rows, w);
                } else {
                    w.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
                    w.write("\n");
                }
            } finally {
                if (output != null) {
                    w.close();
                } else {
                    w.flush();
                }
            }
            return 0;
        } catch (RtsiteException | IOException e) {
            err.println("rtsite report: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
