package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicom.archive.ArchiveOptions;
import org.rtsite.dicom.archive.Conflict;
import org.rtsite.dicom.archive.DicomArchive;
import org.rtsite.dicom.archive.LinkageReport;
import org.rtsite.dicom.archive.PlanBundle;
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

    @Option(names = "--no-progress", description = "Do not print the progress line")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ArchiveOptions options = ArchiveOptions.of(db);
        if (threads != null) {
            options = options.withThreads(threads);
        }
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
            LinkageReport report = archive.report();
            double linkSeconds = (System.nanoTime() - l0) / 1e9;
            report.writeJson(reportDir.resolve("linkage.json"));
            report.writeCsv(reportDir);
            LinkageReport.Summary s = report.summary();
            out.printf("linkage: %d plans, %d complete, %d incomplete, %d with fallbacks, %d conflicts, %d orphans"
                    + " (%.2f s)%n", s.plans(), s.complete(), s.incomplete(), s.fallbacks(), s.conflicts(), s.orphans(),
                    linkSeconds);
            Map<Conflict.Type, Integer> byType = new TreeMap<>();
            for (PlanBundle p : report.plans()) {
                p.conflicts().forEach(c -> byType.merge(c.type(), 1, Integer::sum));
            }
            byType.forEach((t, n) -> out.printf("  %-28s %d%n", t, n));
            out.println(planlessLine(s));
            out.println("files: " + s.files() + " indexed, " + s.notDicom() + " not DICOM, " + s.unreadable()
                    + " unreadable, " + report.filesWithoutMetaHeader().size() + " without meta header");
            out.println("report: " + reportDir.resolve("linkage.json") + ", plans.csv, structure_sets.csv, orphans.csv");
            out.flush();
            return 0;
        } catch (RtsiteException | IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("rtsite index: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
