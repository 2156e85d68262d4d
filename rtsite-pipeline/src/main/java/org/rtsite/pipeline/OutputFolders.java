package org.rtsite.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a run's output folder may lie. Outputs inside a scanned archive root would be indexed as input on
 * the next scan (isodose RTSTRUCTs then compete with the plans' own structure sets), and a root inside the
 * outputs mixes the two the same way; every command that writes outputs next to archives refuses both.
 */
public final class OutputFolders {
    private OutputFolders() {
    }

    /**
     * Why {@code out} may not be used with these roots, or null. Compared as real paths where they exist
     * (a link to a root is that root), as absolute normalized paths where they do not yet.
     */
    public static String overlap(Path out, List<Path> roots) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(roots, "roots");
        Path o = real(out);
        for (Path root : roots) {
            Path r = real(root);
            if (o.startsWith(r)) {
                return "--out " + out + " lies inside the archive root " + root + ": rtsite's outputs would be "
                        + "indexed as input on the next scan; choose an output folder outside the archive";
            }
            if (r.startsWith(o)) {
                return "the archive root " + root + " lies inside --out " + out + ": rtsite's outputs would be "
                        + "indexed as input; choose an output folder outside the archive";
            }
        }
        return null;
    }

    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs; // unreadable on the way: the lexical comparison still catches the plain cases
        }
    }
}
