package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicomweb.DicomWebClient;
import org.rtsite.dicomweb.DicomWebPull;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rtsite pull}: copy RT plans with their linked objects from a DICOMweb server into a folder. */
@Command(name = "pull", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pull RT plans and doses with their structure sets, image series and doses from a DICOMweb "
                + "server (QIDO-RS search, WADO-RS retrieval) into DIR/<StudyInstanceUID>/<SeriesInstanceUID>/"
                + "<SOPInstanceUID>.dcm, ready for 'rtsite index' or 'rtsite classify'.",
                "",
                "Incremental: instances already in DIR are not fetched again, so an interrupted pull resumes where it "
                + "stopped (each file is written under a temporary name and renamed once complete). A failed "
                + "retrieval is listed with the server's answer and the others go on.",
                "",
                "Examples:",
                "  rtsite pull --dicomweb http://pacs:8042/dicom-web --into /data/pulled",
                "  rtsite pull --dicomweb https://pacs/dicom-web --user me --password-file pw.txt --patient 123 "
                + "--since 2024-01-01 --into /data/pulled",
                "",
                "Exit status: 0 everything found was pulled; 3 some retrieval failed (listed; run again to fetch "
                + "what is missing); 1 the pull itself failed (server unreachable, search refused, DIR unwritable, "
                + "interrupted); 2 bad options."})
public final class PullCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DicomWebOptions web;

    @Option(names = "--into", required = true, paramLabel = "DIR", description = "Folder the instances are written to "
            + "(created if absent)")
    Path into;

    @Option(names = "--no-progress", description = "Do not draw the progress line")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (web.url == null) {
            err.println("rtsite pull: --dicomweb URL is required");
            err.flush();
            return 2;
        }
        DicomWebPull.Options options = web.pullOptions("pull", err);
        DicomWebClient client = options == null ? null : web.client("pull", err, System.getenv());
        if (client == null) {
            return 2;
        }
        try {
            DicomWebPull.Summary s = DicomWebOptions.pull("pull", client, into, options, !noProgress, out, err);
            return s.failures().isEmpty() ? 0 : 3;
        } catch (RtsiteException e) {
            err.println("rtsite pull: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
