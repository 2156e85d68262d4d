import java.lang.reflect.Method;
import java.nio.file.Path;
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.LinkageReport;

/**
 * Links an existing rtsite index and writes its report as `rtsite index` does after its scan, without
 * the scan (whose stamp map is the scanner's memory, not the linker's). Runs against any rtsite build:
 * DicomArchive.writeReport (linking patient by patient, report written without being held) where the
 * build has it, else report() + writeJson + writeCsv (the whole index and report in memory).
 * usage: java -cp CLASSPATH:DIR LinkMemory INDEX.db REPORT_DIR
 */
public class LinkMemory {
    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long t0 = System.nanoTime();
        String how;
        try (DicomArchive a = DicomArchive.open(db)) {
            Method streamed = null;
            try {
                streamed = DicomArchive.class.getMethod("writeReport", Path.class, Path.class);
            } catch (NoSuchMethodException e) {
                // a build without it
            }
            if (streamed != null) {
                streamed.invoke(a, out.resolve("linkage.json"), out);
                how = "writeReport (by patient)";
            } else {
                LinkageReport r = a.report();
                r.writeJson(out.resolve("linkage.json"));
                r.writeCsv(out);
                how = "report() held";
            }
        }
        System.out.printf("%s: %.1f s%n", how, (System.nanoTime() - t0) / 1e9);
    }
}
