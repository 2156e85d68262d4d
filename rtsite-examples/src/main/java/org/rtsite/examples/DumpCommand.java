package org.rtsite.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rtsite.dicom.DicomDump;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.DicomReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rtsite dump FILE}: what rtsite's DICOM reader sees, one element per line, like dcmdump. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print a DICOM file's data set as text: tag, VR, keyword and value per line, items indented.")
public final class DumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "DICOM file(s), with or without preamble and meta group")
    Path[] files;

    @Option(names = "--header-only", description = "Stop before Pixel Data without reading it.")
    boolean headerOnly;

    @Option(names = "--private", description = "Include private (odd group) elements.")
    boolean includePrivate;

    @Option(names = "--max-values", defaultValue = "16", description = "Values shown per element (default ${DEFAULT-VALUE}).")
    int maxValues;

    @Override
    public Integer call() {
        DicomReader reader = DicomReader.defaults();
        if (headerOnly) {
            reader = reader.withStopBeforePixelData(true);
        }
        if (includePrivate) {
            reader = reader.withPrivateElements(true);
        }
        DicomDump dump = DicomDump.withMaxValues(maxValues);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (Path f : files) {
            try {
                out.print(dump.dump(reader.read(f)));
            } catch (DicomFormatException e) {
                err.println("rtsite dump: " + e.getMessage());
                status = 1;
            }
            out.flush();
        }
        return status;
    }

}
