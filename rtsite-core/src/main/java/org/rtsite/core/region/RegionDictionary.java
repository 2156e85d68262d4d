package org.rtsite.core.region;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * Structure name → region (ALGORITHM.md §2), as data: the bundled table
 * ({@code org/rtsite/core/region/regions.csv}) holds the paper's Table S.1 keyed by TotalSegmentator
 * class names plus TG-263 aliases; users load their own table or extend the bundled one.
 *
 * <p>Table format, one structure per line: {@code name,region[,alias;alias;...]} where region is a
 * {@link Region} label or {@code Excluded}; blank lines and lines starting with {@code #} are
 * skipped. Names and aliases match ignoring case and surrounding blanks. A name or alias listed
 * twice, or an unknown region, is an error naming the source and line.
 */
public final class RegionDictionary {

    public static final String EXCLUDED = "Excluded";
    private static final String BUNDLED = "regions.csv";

    /** Normalized name or alias → entry. */
    private final Map<String, DictionaryEntry> byName;

    private RegionDictionary(Map<String, DictionaryEntry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The bundled dictionary (paper Table S.1 with TG-263 aliases). */
    public static RegionDictionary defaults() {
        return Holder.DEFAULTS;
    }

    private static final class Holder {
        static final RegionDictionary DEFAULTS = loadBundled();

        private static RegionDictionary loadBundled() {
            try (InputStream in = RegionDictionary.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new RtsiteException("bundled region dictionary " + BUNDLED + " is missing from the class path");
                }
                return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "bundled " + BUNDLED);
            } catch (IOException e) {
                throw new RtsiteIOException("cannot read bundled " + BUNDLED, e);
            }
        }
    }

    /** A dictionary is a short table; anything larger is the wrong file given by mistake. */
    static final long MAX_FILE_BYTES = 16L << 20;

    /**
     * Reads a dictionary file that replaces the bundled one. It must be UTF-8 text: a binary or
     * otherwise encoded file is refused naming the byte where decoding failed (the JDK's own message
     * for that is only "Input length = 1").
     */
    public static RegionDictionary load(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new InvalidInputException(file + ": not a region dictionary (" + size + " bytes; a dictionary is a"
                        + " short 'name,region[,aliases]' text table, at most " + MAX_FILE_BYTES + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("cannot read region dictionary " + file + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read region dictionary " + file + ": " + e.getMessage(), e);
        }
        return parse(new java.io.StringReader(utf8Text(bytes, file.toString())), file.toString());
    }

    private static String utf8Text(byte[] bytes, String source) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.charset.CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new InvalidInputException(source + ": not a UTF-8 text region dictionary (malformed input at byte "
                    + in.position() + ")");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidInputException(source + ": not a text region dictionary (NUL byte at byte "
                    + text.substring(0, nul).getBytes(StandardCharsets.UTF_8).length + ")");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Parses a table; {@code sourceName} appears in error messages. */
    public static RegionDictionary parse(Reader reader, String sourceName) {
        Map<String, DictionaryEntry> map = new LinkedHashMap<>();
        BufferedReader br = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        int lineNo = 0;
        try {
            for (String line; (line = br.readLine()) != null; ) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] cols = t.split(",", -1);
                if (cols.length < 2 || cols.length > 3) {
                    throw new InvalidInputException(sourceName + " line " + lineNo
                            + ": expected 'name,region[,alias;alias...]', got '" + t + "'");
                }
                String name = cols[0].strip();
                if (name.isEmpty()) {
                    throw new InvalidInputException(sourceName + " line " + lineNo + ": empty structure name");
                }
                Region region = parseRegion(cols[1].strip(), sourceName, lineNo);
                DictionaryEntry entry = new DictionaryEntry(name, region);
                put(map, name, entry, sourceName, lineNo);
                if (cols.length == 3) {
                    for (String alias : cols[2].split(";")) {
                        if (!alias.isBlank()) {
                            put(map, alias.strip(), entry, sourceName, lineNo);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read region dictionary " + sourceName + ": " + e.getMessage(), e);
        }
        if (map.isEmpty()) {
            throw new InvalidInputException("region dictionary " + sourceName + " has no entries");
        }
        return new RegionDictionary(map);
    }

    private static Region parseRegion(String text, String source, int lineNo) {
        if (text.equalsIgnoreCase(EXCLUDED)) {
            return null;
        }
        try {
            return Region.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + " line " + lineNo + ": unknown region '" + text
                    + "' (expected Cranial, Head and Neck, Thorax, Abdomen, Pelvis, Extremity or Excluded)", e);
        }
    }

    private static void put(Map<String, DictionaryEntry> map, String name, DictionaryEntry entry, String source, int lineNo) {
        DictionaryEntry old = map.putIfAbsent(normalize(name), entry);
        if (old != null) {
            throw new InvalidInputException(source + " line " + lineNo + ": duplicate name '" + name
                    + "' (already defined for '" + old.canonical() + "')");
        }
    }

    static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * This dictionary with {@code other}'s names added; a name both define takes {@code other}'s
     * entry, so users can re-map single structures without copying the table.
     */
    public RegionDictionary extendedWith(RegionDictionary other) {
        Map<String, DictionaryEntry> map = new LinkedHashMap<>(byName);
        map.putAll(other.byName);
        return new RegionDictionary(map);
    }

    /** The entry for a structure name or alias, or empty when the name is unmapped. */
    public Optional<DictionaryEntry> lookup(String name) {
        return Optional.ofNullable(byName.get(normalize(name)));
    }

    /** Number of names and aliases. */
    public int size() {
        return byName.size();
    }

    /** Normalized (lower-case) name → entry, aliases included. */
    public Map<String, DictionaryEntry> entries() {
        return byName;
    }
}
