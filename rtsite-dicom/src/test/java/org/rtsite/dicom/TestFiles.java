package org.rtsite.dicom;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

final class TestFiles {
    private TestFiles() {
    }

    /** A test resource as a path (resources are plain files under target/test-classes). */
    static Path resource(String name) {
        URL url = TestFiles.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalArgumentException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path publicRt(String name) {
        return resource("public-rt/" + name);
    }

    /** Every file of the public RT corpus (pydicom, dcmtk, dicompyler, rt-utils, PyMedPhys and TPS files), sorted. */
    static List<Path> publicRtFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(resource("public-rt"))) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md")).sorted()
                    .forEach(files::add);
        }
        if (files.size() < 20) {
            throw new IllegalStateException("public-rt files: " + files.size());
        }
        return files;
    }
}
