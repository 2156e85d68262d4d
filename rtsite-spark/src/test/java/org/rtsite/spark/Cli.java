package org.rtsite.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.rtsite.examples.RtsiteCli;

/** One run of a command line inside the test JVM, as a user types it, with its exit code and what it printed. */
record Cli(int exit, String out, String err) {

    /** {@code rtsite spark ARGS}. */
    static Cli spark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SparkCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** {@code rtsite ARGS} (the single-machine command line). */
    static Cli rtsite(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RtsiteCli.commandLine(args).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
