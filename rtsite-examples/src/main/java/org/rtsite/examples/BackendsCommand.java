package org.rtsite.examples;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.overlap.OverlapBackends;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rtsite backends}: which overlap backends this installation has, and why one cannot run here. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "Lists the overlap backends (cpu, cuda, ...), whether each can run on this machine and why not,"
                + " and which one 'auto' picks.")
public final class BackendsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (OverlapBackend b : OverlapBackends.all()) {
            String state = b.unavailableReason().map(r -> "unavailable: " + r).orElse("available");
            out.printf("%-6s priority %4d  %s%n", b.name(), b.priority(), state);
        }
        out.println("auto -> " + OverlapBackends.select(OverlapBackends.AUTO).name());
        out.flush();
        return 0;
    }
}
