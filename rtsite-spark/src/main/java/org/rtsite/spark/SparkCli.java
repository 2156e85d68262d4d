package org.rtsite.spark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rtsite spark}: the command line of this module, apart from the {@code rtsite} command line so that
 * Spark stays off every other command's class path. The {@code ./rtsite} launcher hands {@code rtsite spark
 * ARGS} to this class on this module's class path; {@code spark-submit} runs it from the job jar.
 */
@Command(name = "rtsite spark", mixinStandardHelpOptions = true, version = "rtsite 0.1.0-SNAPSHOT",
        description = "rtsite's archive pipeline on Apache Spark (docs/spark.md).",
        subcommands = {CommandLine.HelpCommand.class, SparkClassifyCommand.class})
public final class SparkCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new SparkCli()).execute(args);
    }

    /** Runs the command line with its output and errors going to the given writers (for tests). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new SparkCli()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
