package org.rtsite.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.rtsite.archive.LinkageReport;
import org.rtsite.core.RtsiteException;
import org.rtsite.pipeline.OutputFolders;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rtsite spark classify}: index, link and classify an archive on Spark; results as Parquet and results.json. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify every plan of a DICOM archive on Apache Spark, in three stages: index (headers read on "
                + "the executors, OUT/index), link (rtsite's linkage per patient group, OUT/plans and OUT/orphans), "
                + "classify (plans spread over the executors, one classifier per executor JVM; OUT/plan_result, "
                + "OUT/plan_label, OUT/plan_organ as Parquet, with the columns of the SQLite tables of the same names). "
                + "OUT/results.json has the fields of 'rtsite report --format json'.",
                "",
                "Plans already in OUT/plan_result are skipped, so a stopped run continues where it stopped. A plan that "
                + "fails is stored FAILED with its reason and the others go on.",
                "",
                "ROOT and OUT are paths (or file: URIs) that the driver and every executor see under the same name "
                + "(local disk in local mode; NFS on a cluster).",
                "",
                "Examples:",
                "  rtsite spark classify /data/archive --out /data/run1 --master local[4]",
                "  spark-submit --class org.rtsite.spark.SparkCli rtsite-spark-job.jar classify /nfs/archive --out /nfs/run1",
                "",
                "Exit status: 0 every plan is stored OK; 3 some plan is stored FAILED (see OUT/results.json); "
                + "1 the run itself failed; 2 bad options."})
public final class SparkClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ROOT", arity = "1..*", description = "Archive folder(s) or file(s)")
    List<String> roots = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if absent)")
    Path out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N], spark://HOST:PORT, yarn, "
            + "k8s://... (default: spark-submit's, else local[*])")
    String master;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Organ masks (default: the plan's own RTSTRUCT):%n")
    Masks masks = new Masks();

    static final class Masks {
        @Option(names = "--nifti", paramLabel = "DIR", description = "TotalSegmentator outputs, as for 'rtsite classify --nifti'")
        String nifti;

        @Option(names = "--segmenter", paramLabel = "PACKAGE", split = ",", description = "rtsite model package(s): "
                + "one segmenter per executor JVM segments each plan's CT (GPU executors: docs/spark.md)")
        List<String> segmenter;
    }

    @Option(names = "--json", description = "Also write each classified plan's result as OUT/json/<plan UID>.json")
    boolean json;

    @Option(names = "--isodose-rtstruct", description = "Also write each plan's V85/V50 isodose RTSTRUCT (OUT/isodose/<plan UID>.dcm)")
    boolean isodose;

    @Option(names = "--qa-png", description = "Also write each plan's QA picture (OUT/qa/<plan UID>.png)")
    boolean qa;

    @Option(names = "--no-planless-doses", description = "Do not classify doses that no plan claims")
    boolean noPlanlessDoses;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Overlap backend on the executors: auto, cpu, cuda (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--partitions", paramLabel = "N", description = "Tasks of the index stage; in the classify "
            + "stage, no task above 1/N of the plans' bytes (default: 4 per core of the cluster)")
    Integer partitions;

    /**
     * Why {@code out} may not be used with {@code root}, or null (the rule of 'rtsite classify',
     * {@link OutputFolders#overlap}); a root that is no local path is left to the index stage to name.
     */
    static String overlap(Path out, String root) {
        Path r;
        try {
            r = root.startsWith("file:") ? Path.of(java.net.URI.create(root)) : Path.of(root);
        } catch (IllegalArgumentException e) { // InvalidPathException too
            return null;
        }
        return OutputFolders.overlap(out, List.of(r));
    }

    /** The pool size {@link ExecutorThreads} gives the executors (0 when each executor takes its processors). */
    private static int threadsNote(SparkSession spark) {
        return ExecutorThreads.perExecutor(spark.sparkContext().conf(), Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (partitions != null && partitions < 1) {
            err.println("rtsite spark classify: --partitions must be >= 1, got " + partitions);
            err.flush();
            return 2;
        }
        for (String root : roots) {
            String overlap = overlap(out, root);
            if (overlap != null) {
                err.println("rtsite spark classify: " + overlap);
                err.flush();
                return 2;
            }
        }
        ClassifyOptions options = ClassifyOptions.defaults().withJson(json).withIsodose(isodose).withQa(qa)
                .withBackend(backend).withPlanlessDoses(!noPlanlessDoses);
        if (masks.nifti != null) {
            options = options.withNifti(Path.of(masks.nifti).toAbsolutePath().toString());
        } else if (masks.segmenter != null) {
            options = options.withSegmenter(masks.segmenter.stream().map(s -> Path.of(s).toAbsolutePath().toString())
                    .toList());
        }
        SparkSession.Builder builder = SparkSession.builder().appName("rtsite spark classify");
        org.apache.spark.SparkConf given = new org.apache.spark.SparkConf();
        if (master != null) {
            builder.master(master);
        } else if (!given.contains("spark.master")) {
            builder.master("local[*]");
        }
        String effectiveMaster = master != null ? master : given.get("spark.master", "local[*]");
        if (effectiveMaster.startsWith("local") && !given.contains("spark.ui.enabled")) {
            // the web UI's server costs a second of start-up; a local run is watched through this command's lines
            builder.config("spark.ui.enabled", "false");
        }
        if (effectiveMaster.startsWith("local") && !given.contains(NioLocalFileSystem.CONF)) {
            // local paths without a chmod process per file written (NioLocalFileSystem); only in local mode,
            // where the class is surely on the JVM's path: a cluster's executors opt in by the same setting
            builder.config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName());
        }
        // a session the caller already runs (a notebook, a test JVM) is used as it is and left running
        boolean own = SparkSession.getDefaultSession().isEmpty();
        long ts = System.nanoTime();
        SparkSession spark = builder.getOrCreate();
        try {
            String segmenterNote = options.segmenterPackages().isEmpty() ? ""
                    : ", segmenter " + ExecutorThreads.segmenterPerTask(spark.sparkContext().conf()) + " thread(s) per plan";
            stdout.printf(Locale.ROOT, "spark: %s, %d threads per executor for classification%s (%.1f s)%n",
                    spark.sparkContext().master(), threadsNote(spark), segmenterNote, (System.nanoTime() - ts) / 1e9);
            stdout.flush();
            SparkArchivePipeline p = SparkArchivePipeline.of(spark, out);
            if (partitions != null) {
                p = p.withPartitions(partitions);
            }
            p.prepareClassification(options);
            long t0 = System.nanoTime();
            long files = p.index(roots);
            long t1 = System.nanoTime();
            stdout.printf(Locale.ROOT, "index: %d files (%.1f s)%n", files, (t1 - t0) / 1e9);
            stdout.flush();
            LinkageReport.Summary s = p.link();
            long t2 = System.nanoTime();
            stdout.printf(Locale.ROOT, "link: %d plans (%d complete), %d doses without plan, %d orphans (%.1f s)%n",
                    s.plans(), s.complete(), s.planlessDoses(), s.orphans(), (t2 - t1) / 1e9);
            stdout.flush();
            SparkArchivePipeline.Counts c = p.classify(options);
            long t3 = System.nanoTime();
            stdout.printf(Locale.ROOT, "classify: %d plans, %d classified, %d failed, %d already in %s (%.1f s: "
                            + "select %.1f s, classify %.1f s, tables %.1f s)%n",
                    c.plans(), c.ok(), c.failed(), c.skipped(), p.out().resolve("plan_result"), (t3 - t2) / 1e9,
                    c.seconds().select(), c.seconds().classify(), c.seconds().tables());
            Path resultsJson = p.out().resolve("results.json");
            long storedFailed = p.writeResultsJson(resultsJson).stream()
                    .filter(r -> "FAILED".equals(r.get("status"))).count();
            stdout.println("results: " + resultsJson + ", " + p.out() + "/{plan_result,plan_label,plan_organ} (Parquet)"
                    + (json ? ", " + p.out().resolve("json") : "") + (isodose ? ", " + p.out().resolve("isodose") : "")
                    + (qa ? ", " + p.out().resolve("qa") : ""));
            if (storedFailed > 0) {
                stdout.printf(Locale.ROOT, "failed plans: %d stored as failed, each with its reason (status FAILED, "
                        + "column error)%n", storedFailed);
            }
            stdout.flush();
            return storedFailed > 0 ? 3 : 0;
        } catch (RtsiteException e) {
            err.println("rtsite spark classify: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }
}
