package org.rtsite.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The small dcmtk-made corpus files (every transfer syntax) as extra mutation seeds. */
final class CorpusSeeds {
    private CorpusSeeds() {
    }

    static List<byte[]> extra() {
        List<byte[]> out = new ArrayList<>();
        if (TestFiles.class.getResource("/corpus") == null) {
            return out;
        }
        try (Stream<Path> s = Files.list(TestFiles.resource("corpus"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
                if (Files.size(p) < 64 * 1024) {
                    out.add(Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
