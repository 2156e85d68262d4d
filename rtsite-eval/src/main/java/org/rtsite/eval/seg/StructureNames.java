package org.rtsite.eval.seg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.eval.report.Csv;

/**
 * Maps a source's structure names to the names compared: first through a mapping table (CSV
 * {@code name,canonical}; {@code name} matched case-insensitively, e.g.
 * {@code Bladder,urinary_bladder}), then, if enabled, through the region dictionary's names and
 * aliases (TG-263 {@code Parotid_L} → {@code parotid_gland_left}); names found in neither are
 * compared exactly.
 */
public final class StructureNames {

    /** Exact names only. */
    public static final StructureNames EXACT = new StructureNames(Map.of());

    private final Map<String, String> mapping;
    private final RegionDictionary dictionary;

    public StructureNames(Map<String, String> mapping) {
        this(mapping, null);
    }

    private StructureNames(Map<String, String> mapping, RegionDictionary dictionary) {
        Map<String, String> m = new HashMap<>();
        mapping.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        this.mapping = Map.copyOf(m);
        this.dictionary = dictionary;
    }

    /** These names, falling back to the dictionary's canonical names for its names and aliases. */
    public StructureNames withDictionary(RegionDictionary dictionary) {
        return new StructureNames(mapping, dictionary);
    }

    public String canonical(String name) {
        String mapped = mapping.get(name.toLowerCase(Locale.ROOT));
        if (mapped != null) {
            return mapped;
        }
        if (dictionary != null) {
            return dictionary.lookup(name).map(DictionaryEntry::canonical).orElse(name);
        }
        return name;
    }

    public static StructureNames read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read name mapping " + csv, e);
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\uFEFF", "");
            if (line.isBlank() || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("name,"))) {
                continue;
            }
            List<String> cells = Csv.parseLine(line, csv.toString(), i + 1);
            if (cells.size() < 2 || cells.get(0).isBlank() || cells.get(1).isBlank()) {
                throw new InvalidInputException("name mapping " + csv + " line " + (i + 1) + ": expected 'name,canonical', got '" + line + "'");
            }
            String prev = m.put(cells.get(0).trim().toLowerCase(Locale.ROOT), cells.get(1).trim());
            if (prev != null && !prev.equals(cells.get(1).trim())) {
                throw new InvalidInputException("name mapping " + csv + " line " + (i + 1) + ": '" + cells.get(0)
                        + "' maps to both '" + prev + "' and '" + cells.get(1).trim() + "'");
            }
        }
        return new StructureNames(m);
    }
}
