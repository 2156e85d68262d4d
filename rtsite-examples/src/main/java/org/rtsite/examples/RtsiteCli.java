package org.rtsite.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code rtsite} command line; each subcommand is a class of its own in this package. */
@Command(name = "rtsite",
        mixinStandardHelpOptions = true,
        version = "rtsite 0.1.0-SNAPSHOT",
        description = "Tells which body region(s) a radiotherapy plan treats, from dose and anatomy alone.")
public final class RtsiteCli implements Runnable {

    /**
     * Every subcommand by its name, in the order {@code rtsite --help} lists them. Not in the
     * {@code @Command} annotation: picocli would build the model of all of them, by reflection, in every
     * process (a fifth of a one-plan classify's start-up), while a run needs one ({@link #commandLine}).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("help", CommandLine.HelpCommand.class);
        m.put("quickstart", QuickstartCommand.class);
        m.put("index", IndexCommand.class);
        m.put("classify", ClassifyCommand.class);
        m.put("pull", PullCommand.class);
        m.put("report", ReportCommand.class);
        m.put("evaluate", EvaluateCommand.class);
        m.put("segeval", SegevalCommand.class);
        m.put("calibrate", CalibrateCommand.class);
        m.put("dump", DumpCommand.class);
        m.put("rt", RtCommand.class);
        m.put("convert-nnunet", ConvertNnUnetCommand.class);
        m.put("finetune", FinetuneCommand.class);
        m.put("backends", BackendsCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

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
        return commandLine(args).execute(args);
    }

    /** picocli's switch for its Groovy probe; SLF4J's name of its provider and the level of its own notices. */
    static final String NO_CLOSURES_PROPERTY = "picocli.disable.closures";
    static final String SLF4J_PROVIDER_PROPERTY = "slf4j.provider";
    static final String SLF4J_VERBOSITY_PROPERTY = "slf4j.internal.verbosity";

    /**
     * Spares the start two searches of the whole class path: picocli looks for Groovy's closure class (which
     * the command line does not have, so every jar is opened to learn that) and SLF4J scans every jar for its
     * provider; the command line names slf4j-simple's, which it ships. Together with the launcher's class path
     * order and {@link org.rtsite.archive.RtsiteDatabase#connect} they kept an {@code index} run from opening 38
     * jars it needs nothing from (15 of 53 opened) (docs/PERFORMANCE.md, "Indexing, eleventh round"). A value the user set wins.
     */
    static void spareClassPathSearches() {
        if (System.getProperty(NO_CLOSURES_PROPERTY) == null) {
            System.setProperty(NO_CLOSURES_PROPERTY, "true");
        }
        String simple = "org.slf4j.simple.SimpleServiceProvider";
        if (System.getProperty(SLF4J_PROVIDER_PROPERTY) == null
                && RtsiteCli.class.getClassLoader().getResource(simple.replace('.', '/') + ".class") != null) {
            System.setProperty(SLF4J_PROVIDER_PROPERTY, simple);
            // SLF4J says at INFO that it loads a provider named this way: a line on every command's stderr
            if (System.getProperty(SLF4J_VERBOSITY_PROPERTY) == null) {
                System.setProperty(SLF4J_VERBOSITY_PROPERTY, "WARN");
            }
        }
    }

    /**
     * The command line for {@code args}: when they name a subcommand (after {@code --verbose}, the one
     * option of {@code rtsite} that a subcommand inherits), only that subcommand is added, since parsing
     * and running it need no other; anything else ({@code help}, {@code --help}, {@code --version}, no
     * command, an unknown word or option) gets all of them, so that help lists every command and an error
     * suggests the right one.
     */
    public static CommandLine commandLine(String... args) {
        spareClassPathSearches();
        CommandLine cl = new CommandLine(new RtsiteCli());
        Class<?> only = null;
        for (String a : args) {
            if (!"--verbose".equals(a)) {
                only = "help".equals(a) ? null : SUBCOMMANDS.get(a);
                break;
            }
        }
        for (Class<?> c : only != null ? List.<Class<?>>of(only) : SUBCOMMANDS.values()) {
            cl.addSubcommand(c);
        }
        return cl;
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
