package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The errors contract of docs/ARCHITECTURE.md, checked on the sources: main code of the library
 * modules (and of the command line, whose commands catch {@code RtsiteException} alone) throws only
 * the RtsiteException family, never the JDK's IllegalArgumentException, IllegalStateException,
 * UncheckedIOException or IndexOutOfBoundsException.
 */
class ErrorConventionTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "throw new (?:java\\.(?:lang|io)\\.)?(IllegalArgumentException|IllegalStateException|UncheckedIOException"
                    + "|IndexOutOfBoundsException|RuntimeException)\\(");

    @Test
    void mainCodeThrowsOnlyTheRtsiteFamily() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().startsWith("rtsite-")
                    && !p.getFileName().toString().equals("rtsite-benchmarks")).sorted().toList()) {
                Path main = m.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                    }
                }
            }
        }
        assertTrue(sources.size() > 100, "found only " + sources.size() + " main sources under " + root);
        List<String> offenders = new ArrayList<>();
        for (Path f : sources) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = FORBIDDEN.matcher(lines.get(i));
                if (m.find()) {
                    offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
