package org.rtsite.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rtsite} command line; each subcommand is a class of its own in this package. */
@Command(name = "rtsite",
        mixinStandardHelpOptions = true,
        version = "rtsite 0.1.0-SNAPSHOT",
        description = "Tells which body region(s) a radiotherapy plan treats, from dose and anatomy alone.",
        subcommands = {
                CommandLine.HelpCommand.class,
                QuickstartCommand.class,
                IndexCommand.class,
                ClassifyCommand.class,
                ReportCommand.class,
                EvaluateCommand.class,
                SegevalCommand.class,
                CalibrateCommand.class,
                DumpCommand.class,
                RtCommand.class,
                ConvertNnUnetCommand.class,
                BackendsCommand.class,
        })
public final class RtsiteCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new RtsiteCli()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
