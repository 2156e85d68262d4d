package org.rtsite.dicom;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

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
}
