package org.rtsite.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs dcmtk and pydicom (installed by scripts/setup.sh) as independent oracles. */
final class ExternalTools {
    private ExternalTools() {
    }

    record Result(int exit, String out, String err) {
    }

    static boolean available(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    static boolean pydicomAvailable() {
        try {
            return Files.isExecutable(Path.of("/usr/bin/python3")) && run("/usr/bin/python3", "-c", "import pydicom").exit() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Result run(String... command) {
        try {
            Path out = Files.createTempFile("rtsite-tool", ".out");
            Path err = Files.createTempFile("rtsite-tool", ".err");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
