package org.rtsite.examples;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

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
                PullCommand.class,
                ReportCommand.class,
                EvaluateCommand.class,
                SegevalCommand.class,
                CalibrateCommand.class,
                DumpCommand.class,
                RtCommand.class,
                ConvertNnUnetCommand.class,
                FinetuneCommand.class,
                BackendsCommand.class,
        })
public final class RtsiteCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** slf4j-simple's level property; read once, when the first logger is made. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show the log lines of rtsite's libraries and of DJL/PyTorch (INFO and above) on stderr "
                    + "(not with --pseudonymize: they name files)")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        configureLogging(args);
        return new CommandLine(new RtsiteCli()).execute(args);
    }

    /**
     * Library and DJL log lines (engine INFO, CUDA probing WARN on CPU machines, per-plan warnings that
     * name file paths) stay off the console: the commands print what a user needs, and failures are
     * stored with their reasons. {@code --verbose} shows them. This must run before any class makes a
     * logger, hence a look at the raw arguments instead of the parsed option; a level set by the user
     * ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug} in RTSITE_JAVA_OPTS) is left alone.
     * With {@code --pseudonymize} they stay off even with {@code --verbose}: they name plan files.
     */
    static void configureLogging(String... args) {
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            List<String> a = java.util.Arrays.asList(args);
            // library lines name plan files, which --pseudonymize keeps off the console even with --verbose
            System.setProperty(LOG_LEVEL_PROPERTY, a.contains("--verbose") && !a.contains("--pseudonymize")
                    ? "info" : "off");
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
