package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link RtsiteCli#commandLine}: a run that names a subcommand gets that one only (picocli builds no model of
 * the others), everything else gets all of them, and what a user sees is the same either way.
 */
class RtsiteCliTest {

    private static final Path DICOM = Path.of("..", "rtsite-dicom", "src", "test", "resources", "public-rt",
            "dicompyler-core_example", "rtplan.dcm").toAbsolutePath().normalize();

    @Test
    void theTableNamesEachSubcommandAsItsAnnotationDoes() {
        for (Map.Entry<String, Class<?>> e : RtsiteCli.SUBCOMMANDS.entrySet()) {
            assertEquals(e.getKey(), e.getValue().getAnnotation(CommandLine.Command.class).name(), e.getValue().getName());
        }
        assertEquals(14, RtsiteCli.SUBCOMMANDS.size()); // a new command must be added to the table, or no run can reach it
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuiltOtherwiseAllAre() {
        assertEquals(List.of("classify"), List.copyOf(RtsiteCli.commandLine("classify", "--db", "x.db").getSubcommands().keySet()));
        assertEquals(List.of("dump"), List.copyOf(RtsiteCli.commandLine("--verbose", "dump", "f").getSubcommands().keySet()));
        List<String> all = List.copyOf(RtsiteCli.SUBCOMMANDS.keySet());
        for (String[] args : new String[][] {{}, {"--help"}, {"-h", "classify"}, {"--version"}, {"help", "classify"},
                {"clasify"}, {"--no-such-option", "classify"}}) {
            assertEquals(all, List.copyOf(RtsiteCli.commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
    }

    @Test
    void helpListsEveryCommandAndAnUnknownOneIsAnsweredWithTheNearest() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exit(), help.err());
        for (String name : RtsiteCli.SUBCOMMANDS.keySet()) {
            assertTrue(help.out().contains("  " + name + " ") || help.out().contains("  " + name + "\n"), name + ":\n" + help.out());
        }
        CliRun helpClassify = CliRun.of("help", "classify");
        assertEquals(0, helpClassify.exit(), helpClassify.err());
        CliRun classifyHelp = CliRun.of("classify", "--help");
        assertEquals(helpClassify.out(), classifyHelp.out());
        assertTrue(classifyHelp.out().startsWith("Usage: rtsite classify "), classifyHelp.out());

        CliRun typo = CliRun.of("clasify", "--db", "x.db");
        assertNotEquals(0, typo.exit());
        assertTrue(typo.err().contains("Did you mean: rtsite classify"), typo.err());
    }

    @Test
    void theInheritedVerboseOptionStillReachesALoneSubcommand() {
        CliRun before = CliRun.of("--verbose", "dump", "--header-only", DICOM.toString());
        CliRun after = CliRun.of("dump", "--verbose", "--header-only", DICOM.toString());
        assertEquals(0, before.exit(), before.err());
        assertEquals(0, after.exit(), after.err());
        assertEquals(before.out(), after.out());
        assertTrue(after.out().contains("RTPLAN") || after.out().contains("1.2.840.10008.5.1.4.1.1.481.5"), after.out());
    }
}
