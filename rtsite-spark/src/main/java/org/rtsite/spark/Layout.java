package org.rtsite.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rtsite.core.RtsiteIOException;

/**
 * The output folder of a Spark run, on a file system every executor and the driver see under one name:
 * {@code index/} (stage 1), {@code plans/} (stage 2), {@code plan_result/}, {@code plan_label/},
 * {@code plan_organ/} (stage 3, Parquet), {@code results.json}, {@code linkage.json}, and the per-plan
 * {@code json/}, {@code isodose/}, {@code qa/} folders when asked.
 */
record Layout(Path root) {
    static final String INDEX = "index";
    static final String PLANS = "plans";
    static final String ORPHANS = "orphans";
    static final String PLAN_RESULT = "plan_result";
    static final String PLAN_LABEL = "plan_label";
    static final String PLAN_ORGAN = "plan_organ";
    // no leading dot or underscore: Spark takes such folders for hidden files and warns when reading one
    static final String STAGING = "staging";

    Layout {
        root = root.toAbsolutePath().normalize();
    }

    /** The table's folder as a URI for Spark's readers and writers. */
    String uri(String table) {
        return root.resolve(table).toUri().toString();
    }

    /** Whether a table holds a committed Parquet write (Spark's _SUCCESS marker). */
    boolean exists(String table) {
        return Files.isRegularFile(root.resolve(table).resolve("_SUCCESS"));
    }

    void delete(String table) {
        Path dir = root.resolve(table);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot delete " + dir, e);
        }
    }
}
