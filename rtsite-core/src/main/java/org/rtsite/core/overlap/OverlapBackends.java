package org.rtsite.core.overlap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.rtsite.core.RtsiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds overlap backends on the class path and picks one. */
public final class OverlapBackends {
    private static final Logger LOG = LoggerFactory.getLogger(OverlapBackends.class);

    /** Selects the available backend with the highest priority. */
    public static final String AUTO = "auto";

    private OverlapBackends() {
    }

    /** Every backend on the class path, available or not, highest priority first. */
    public static List<OverlapBackend> all() {
        List<OverlapBackend> list = new ArrayList<>();
        ServiceLoader.load(OverlapBackend.class, OverlapBackends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(OverlapBackend::priority).reversed());
        return list;
    }

    /**
     * The backend called {@code name}, or with {@link #AUTO} the best available one (the CPU
     * backend is always available). A named backend that cannot run here is an error that says why.
     */
    public static OverlapBackend select(String name) {
        List<OverlapBackend> all = all();
        if (AUTO.equalsIgnoreCase(name)) {
            for (OverlapBackend b : all) {
                var reason = b.unavailableReason();
                if (reason.isEmpty()) {
                    return b;
                }
                LOG.debug("overlap backend '{}' unavailable: {}", b.name(), reason.get());
            }
            return new CpuOverlapBackend();
        }
        for (OverlapBackend b : all) {
            if (b.name().equalsIgnoreCase(name)) {
                b.unavailableReason().ifPresent(r -> {
                    throw new RtsiteException("overlap backend '" + name + "' is unavailable: " + r);
                });
                return b;
            }
        }
        throw new RtsiteException("no overlap backend named '" + name + "'; known: "
                + all.stream().map(OverlapBackend::name).toList());
    }
}
