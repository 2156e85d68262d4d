package org.rtsite.inference.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * Reference structure names → the network's classes. A name is looked up (ignoring case) in the explicit
 * mapping first ({@code Bladder → urinary_bladder}), then through the region dictionary's names and aliases
 * (TG-263 {@code Lung_L} → {@code lung_left}), then taken as it is; it belongs to the class whose label has that
 * name. Structures of no class are background.
 */
public final class ClassMapping {
    private final Map<String, Integer> classByName;
    private final Map<String, String> explicit;
    private final RegionDictionary dictionary;

    private ClassMapping(Map<String, Integer> classByName, Map<String, String> explicit, RegionDictionary dictionary) {
        this.classByName = classByName;
        this.explicit = explicit;
        this.dictionary = dictionary;
    }

    /**
     * @param labels     the package's channel → class name ({@code ModelSpec.labels()})
     * @param explicit   structure name → class name, checked first; every target must be one of {@code labels}
     * @param dictionary names and aliases to fall back on, or {@code null} for exact names only
     */
    public static ClassMapping of(SortedMap<Integer, String> labels, Map<String, String> explicit, RegionDictionary dictionary) {
        Map<String, Integer> byName = new HashMap<>();
        labels.forEach((c, n) -> byName.put(n.toLowerCase(Locale.ROOT), c));
        Map<String, String> ex = new HashMap<>();
        explicit.forEach((k, v) -> {
            if (!byName.containsKey(v.toLowerCase(Locale.ROOT))) {
                throw new InvalidInputException("class mapping " + k + " → " + v + ": the network has no class '" + v
                        + "' (its classes: " + labels.values() + ")");
            }
            ex.put(k.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT));
        });
        return new ClassMapping(Map.copyOf(byName), Map.copyOf(ex), dictionary);
    }

    /** The class (channel) of a reference structure, 0 when it maps to none. */
    public int classOf(String structure) {
        String key = structure.trim().toLowerCase(Locale.ROOT);
        String mapped = explicit.get(key);
        if (mapped == null && dictionary != null) {
            mapped = dictionary.lookup(structure).map(DictionaryEntry::canonical).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
            if (mapped != null && !classByName.containsKey(mapped)) {
                mapped = key;
            }
        }
        Integer c = classByName.get(mapped == null ? key : mapped);
        return c == null ? 0 : c;
    }

    /**
     * The reference as one class per voxel of its grid. Label maps are painted first, then binary masks, each in
     * order; where structures overlap the later one wins.
     *
     * @param unmatched receives the names of the structures that map to no class
     */
    public byte[] classes(OrganMasks reference, List<String> unmatched) {
        byte[] out = new byte[reference.grid().voxelCount()];
        Set<String> missing = new LinkedHashSet<>();
        for (LabelMap m : reference.labelMaps()) {
            int[] lut = new int[256];
            m.names().forEach((label, name) -> {
                lut[label] = classOf(name);
                if (lut[label] == 0) {
                    missing.add(name);
                }
            });
            byte[] l = m.labels();
            for (int v = 0; v < l.length; v++) {
                int c = lut[l[v] & 0xFF];
                if (c != 0) {
                    out[v] = (byte) c;
                }
            }
        }
        for (BinaryMask mask : reference.masks()) {
            int c = classOf(mask.name());
            if (c == 0) {
                missing.add(mask.name());
                continue;
            }
            long[] bits = mask.bits();
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                while (word != 0) {
                    int v = w * 64 + Long.numberOfTrailingZeros(word);
                    out[v] = (byte) c;
                    word &= word - 1;
                }
            }
        }
        unmatched.addAll(new ArrayList<>(missing));
        return out;
    }
}
