package org.rtsite.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * How stage 1 lists an archive: the driver lists each root's first level only, and the executors walk
 * the folders found there, so a root of millions of files is never listed by one machine. Files are
 * read through {@code java.nio} (rtsite's DICOM reader and plan loader read paths): a root is a local
 * or mounted (NFS, FUSE) path, or a {@code file:} URI, that every executor sees under the same name.
 */
final class ArchiveListing {

    /** A file found by the walk, or a path that could not be listed (then {@code failure} is set). */
    record Listed(String path, long size, long mtime, String failure) implements Serializable {
    }

    /** One piece of listing work: a file given or found at a root's first level, or a folder to walk. */
    record Unit(String path, boolean folder) implements Serializable {
    }

    private ArchiveListing() {
    }

    /**
     * Roots as absolute, normalised paths (the names the SQLite index gives files), duplicates and roots
     * nested in another root dropped.
     *
     * @throws InvalidInputException when a root is not a path or {@code file:} URI, or none is given
     * @throws RtsiteException       when a root is neither a folder nor a file
     */
    static List<Path> roots(List<String> given) {
        if (given.isEmpty()) {
            throw new InvalidInputException("no archive root given");
        }
        Set<Path> norm = new LinkedHashSet<>();
        for (String g : given) {
            Path p = toPath(g);
            if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
                throw new RtsiteException("archive root " + g + " is neither a folder nor a file");
            }
            norm.add(p.toAbsolutePath().normalize());
        }
        List<Path> out = new ArrayList<>();
        for (Path r : norm) {
            if (norm.stream().noneMatch(o -> !o.equals(r) && r.startsWith(o))) {
                out.add(r);
            }
        }
        return out;
    }

    private static Path toPath(String root) {
        int colon = root.indexOf(':');
        if (colon > 1 && root.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            String scheme = root.substring(0, colon);
            if (!scheme.equalsIgnoreCase("file")) {
                throw new InvalidInputException("archive root " + root + ": scheme '" + scheme + "' is not read; rtsite"
                        + " reads DICOM files through java.nio, so give a local or mounted path (NFS, or a FUSE mount of"
                        + " the object store) that every executor sees under the same name, or a file: URI");
            }
            try {
                return Path.of(URI.create(root));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("archive root " + root + " is not a valid file: URI: " + e.getMessage());
            }
        }
        return Path.of(root);
    }

    /** The first level of each root: its files as they are, its folders to be walked by executors. */
    static List<Unit> firstLevel(List<Path> roots) {
        List<Unit> units = new ArrayList<>();
        for (Path r : roots) {
            if (Files.isRegularFile(r)) {
                units.add(new Unit(r.toString(), false));
                continue;
            }
            try (Stream<Path> children = Files.list(r)) {
                children.sorted().forEach(c -> units.add(new Unit(c.toString(), Files.isDirectory(c)
                        && !Files.isSymbolicLink(c))));
            } catch (IOException e) {
                throw new RtsiteIOException("cannot list the archive root " + r, e);
            }
        }
        return units;
    }

    /**
     * Every regular file under a unit, as the SQLite scanner's walk records them: symbolic links are not
     * followed, and a path that cannot be listed or stat-ed becomes a failure entry instead of stopping.
     */
    static List<Listed> walk(Unit unit) {
        List<Listed> out = new ArrayList<>();
        Path start = Path.of(unit.path());
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        out.add(new Listed(file.toString(), attrs.size(), attrs.lastModifiedTime().toMillis(), null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    out.add(new Listed(file.toString(), 0, 0, "cannot access: " + e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            out.add(new Listed(start.toString(), 0, 0, "cannot access: " + e));
        }
        return out;
    }
}
