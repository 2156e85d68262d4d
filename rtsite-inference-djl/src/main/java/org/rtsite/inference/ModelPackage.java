package org.rtsite.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;

/**
 * A model package: a directory (or a zip of one) holding {@value #SPEC_FILE} and the network file it names.
 * rtsite never downloads weights; users point it at packages. A zip is streamed into a temporary directory
 * (the engines load from files) that {@link #close} deletes.
 */
public final class ModelPackage implements AutoCloseable {
    public static final String SPEC_FILE = "rtsite-model.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path source;
    private final Path directory;
    private final ModelSpec spec;
    /** The temporary directory a zip was extracted into, or {@code null} for a package directory. */
    private final Path temporaryRoot;

    private ModelPackage(Path source, Path directory, ModelSpec spec, Path temporaryRoot) {
        this.source = source;
        this.directory = directory;
        this.spec = spec;
        this.temporaryRoot = temporaryRoot;
    }

    /** Opens a package directory or zip, checking that its spec is valid and its network file present. */
    public static ModelPackage open(Path path) {
        if (Files.isDirectory(path)) {
            return new ModelPackage(path, path, readSpec(path), null);
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidInputException("model package " + path + " is neither a directory nor a zip file");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("rtsite-model-");
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create a temporary directory for model package " + path, e);
        }
        try {
            unzip(path, dir);
            Path root = Files.isRegularFile(dir.resolve(SPEC_FILE)) ? dir : singleSubdirectory(dir, path);
            return new ModelPackage(path, root, readSpec(root), dir);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Writes {@code spec} as a package's {@value #SPEC_FILE} into {@code directory}. */
    public static void writeSpec(ModelSpec spec, Path directory) {
        try {
            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve(SPEC_FILE).toFile(), spec);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write " + directory.resolve(SPEC_FILE), e);
        }
    }

    static ModelSpec readSpec(Path directory) {
        Path file = directory.resolve(SPEC_FILE);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("model package " + directory + " has no " + SPEC_FILE);
        }
        ModelSpec spec;
        try {
            spec = JSON.readValue(file.toFile(), ModelSpec.class);
        } catch (IOException e) {
            Throwable c = e.getCause() instanceof InvalidInputException ? e.getCause() : e;
            throw new InvalidInputException(file + ": " + c.getMessage(), e);
        }
        if (!Files.isRegularFile(directory.resolve(spec.network()))) {
            throw new InvalidInputException(file + " names network '" + spec.network() + "', which is not in " + directory);
        }
        return spec;
    }

    public Path source() {
        return source;
    }

    public Path directory() {
        return directory;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Path networkFile() {
        return directory.resolve(spec.network());
    }

    @Override
    public void close() {
        if (temporaryRoot != null) {
            deleteTree(temporaryRoot);
        }
    }

    private static void unzip(Path zip, Path dir) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new InvalidInputException("model package " + zip + " has entry '" + e.getName() + "' outside its root");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("model package " + zip + " is not a readable zip: " + e.getMessage(), e);
        }
    }

    private static Path singleSubdirectory(Path dir, Path zip) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(SPEC_FILE))).findFirst()
                    .orElseThrow(() -> new InvalidInputException("model package " + zip + " has no " + SPEC_FILE));
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list " + dir, e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary directory left behind is harmless
        }
    }
}
