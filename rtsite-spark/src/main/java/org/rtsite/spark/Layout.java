package org.rtsite.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
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

    /** The names in a table's folder; none when something else is in its place; null when there is nothing. */
    Set<String> names(String table) {
        Path dir = root.resolve(table);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list " + dir, e);
        }
    }

    /**
     * Puts a table's folder back to the names it held ({@link #names}; null: no folder), deleting what was
     * added since: the files of an append that committed beside a write that failed.
     */
    void restore(String table, Set<String> before) {
        if (before == null) {
            delete(table);
            return;
        }
        if (!Files.isDirectory(root.resolve(table))) {
            return; // nothing of this run's: no folder, or something else in its place
        }
        for (String name : names(table)) {
            if (!before.contains(name)) {
                delete(table + "/" + name);
            }
        }
    }

    /** Deletes a table, or a file or folder inside one ({@code table/name}), with everything under it. */
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
