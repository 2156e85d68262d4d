package org.rtsite.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.rtsite.archive.ArchiveOptions;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.LinkageReport;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.eval.report.Csv;
import org.rtsite.pipeline.store.Pseudonymizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rtsite index ROOT... --db FILE --report DIR}: index an archive, link its plans, write the linkage report. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Index DICOM archive folders (any layout, any file names) into an SQLite database, link every "
                + "plan to its structure set, image series and dose, and write linkage.json, plans.csv, "
                + "structure_sets.csv and orphans.csv.",
                "Re-running with the same --db reads only new or changed files."})
public final class IndexCommand implements Callable<Integer> {

    /** What the archive holds besides plans: said loudly when it has doses and images but no plan at all. */
    static String planlessLine(LinkageReport.Summary s) {
        if (s.plans() == 0 && s.doses() > 0) {
            return "no RTPLAN: the archive holds " + s.doses() + " RTDOSE object(s) and " + s.imageSeries()
                    + " image series but no RTPLAN; " + s.planlessDoses() + " dose bundle(s) will be classified"
                    + " without a plan (rtsite classify; --no-planless-doses to skip them)";
        }
        return "doses without plan: " + s.planlessDoses() + " (classified on their own unless --no-planless-doses)";
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ROOT", arity = "1..*", description = "Archive folder(s) to scan recursively")
    Path[] roots;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "SQLite index (created or updated)")
    Path db;

    @Option(names = "--report", required = true, paramLabel = "DIR", description = "Folder for the linkage report")
    Path reportDir;

    @Option(names = "--threads", paramLabel = "N", description = "Header-reading threads (default: processors)")
    Integer threads;

    @Option(names = "--reads-in-flight", paramLabel = "N", description = "Files opened and read at once, ahead of the "
            + "header-parsing threads (default: " + ArchiveOptions.DEFAULT_READS_IN_FLIGHT + ", at least --threads): a cold "
            + "or network disk answers many reads at once")
    Integer readsInFlight;

    @Option(names = "--io-uring", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Submit the reads of files' heads to the kernel in batches through Linux io_uring where "
                    + "available (default; --no-io-uring: one read at a time per reader thread). Same index either way")
    boolean ioUring = true;

    @Option(names = "--no-progress", description = "Do not print the progress line")
    boolean noProgress;

    @Option(names = "--pseudonymize", description = "Write the linkage report with every indexed path (and folder) "
            + "as F-<HMAC-SHA256> and every PatientID as P-<HMAC-SHA256>; the database keeps them (docs/outputs.md)")
    boolean pseudonymize;

    @Option(names = "--pseudonym-key", paramLabel = "FILE",
            description = "Secret key of the pseudonyms (default: the environment variable " + Pseudonymizer.KEY_ENV + ")")
    Path pseudonymKey;

    /**
     * Rewrites the report's files value by value: the JSON as a tree, the CSVs cell by cell. Working on
     * the written files, not on the report's records, keeps every field the report has or gains covered.
     * Only files modified since {@code written} are touched.
     */
    static void pseudonymizeReport(Path dir, java.time.Instant written, UnaryOperator<String> values) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Files.getLastModifiedTime(f).toInstant().isBefore(written)) {
                    continue; // not written by this run (a file of the user's, or of an older report)
                }
                if (name.equals("linkage.json")) {
                    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                    JsonNode tree = mapper.readTree(f.toFile());
                    mapper.writeValue(f.toFile(), json(tree, values));
                } else if (name.endsWith(".csv")) {
                    List<List<String>> rows = Csv.read(Files.readString(f, StandardCharsets.UTF_8), f.toString());
                    StringBuilder out = new StringBuilder();
                    for (List<String> row : rows) {
                        out.append(row.stream().map(c -> Csv.cell(values.apply(c))).collect(Collectors.joining(",")))
                                .append('\n');
                    }
                    Files.writeString(f, out, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot pseudonymize the linkage report in " + dir, e);
        }
    }

    private static JsonNode json(JsonNode n, UnaryOperator<String> values) {
        if (n.isTextual()) {
            return TextNode.valueOf(values.apply(n.textValue()));
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(json(e, values)));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(e -> o.set(values.apply(e.getKey()), json(e.getValue(), values)));
            return o;
        }
        return n;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ArchiveOptions options = ArchiveOptions.of(db);
        try {
            if (threads != null) {
                options = options.withThreads(threads);
            }
            if (readsInFlight != null) {
                options = options.withReadsInFlight(readsInFlight);
            }
            options = options.withIoUring(ioUring);
        } catch (InvalidInputException e) {
            err.println("rtsite index: " + e.getMessage() + " (--threads, --reads-in-flight)");
            err.flush();
            return 2;
        }
        PseudonymOption.Choice pseudonymChoice = PseudonymOption.resolve("index", pseudonymize, pseudonymKey, err);
        if (pseudonymChoice.failed()) {
            return 2;
        }
        Pseudonymizer pseudonyms = pseudonymChoice.pseudonyms();
        long t0 = System.nanoTime();
        try (DicomArchive archive = DicomArchive.index(options, noProgress ? (s, r, c) -> { } : (seen, read, committed) -> {
            double s = (System.nanoTime() - t0) / 1e9;
            err.printf("\rindexing: %,d files seen, %,d read, %,d written (%.0f files/s)", seen, read, committed,
                    s > 0 ? seen / s : 0.0);
            err.flush();
        }, roots)) {
            if (!noProgress) {
                err.println();
            }
            out.println("scan: " + archive.lastScan());
            long l0 = System.nanoTime();
            // file times may be kept in whole seconds
            java.time.Instant written = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            // linked patient by patient and written without holding the report: memory stays that of one patient
            LinkageReport.Totals totals = archive.writeReport(reportDir.resolve("linkage.json"), reportDir);
            double linkSeconds = (System.nanoTime() - l0) / 1e9;
            if (pseudonyms != null) {
                pseudonymizeReport(reportDir, written, pseudonyms.values(
                        archive.files().stream().map(org.rtsite.archive.IndexedFile::path).toList(),
                        archive.files().stream().map(org.rtsite.archive.IndexedFile::patientId).toList()));
            }
            LinkageReport.Summary s = totals.summary();
            out.printf("linkage: %d plans, %d complete, %d incomplete, %d with fallbacks, %d conflicts, %d orphans"
                    + " (%.2f s)%n", s.plans(), s.complete(), s.incomplete(), s.fallbacks(), s.conflicts(), s.orphans(),
                    linkSeconds);
            totals.planConflictsByType().forEach((t, n) -> out.printf("  %-28s %d%n", t, n));
            out.println(planlessLine(s));
            out.println("files: " + s.files() + " indexed, " + s.notDicom() + " not DICOM, " + s.unreadable()
                    + " unreadable, " + totals.filesWithoutMetaHeader() + " without meta header");
            out.println("report: " + reportDir.resolve("linkage.json") + ", plans.csv, structure_sets.csv, orphans.csv");
            out.flush();
            return 0;
        } catch (RtsiteException e) {
            err.println("rtsite index: " + (pseudonyms == null ? e.getMessage()
                    : pseudonyms.scrub(e.getMessage(), List.of(), List.of())));
            err.flush();
            return 1;
        }
    }
}
