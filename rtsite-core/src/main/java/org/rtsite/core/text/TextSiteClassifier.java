package org.rtsite.core.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.region.Region;

/**
 * Baseline classifier from the plan's words alone (plan label, plan name, target ROI names) by
 * TG-263-style keywords (bundled list {@code org/rtsite/core/text/keywords.csv}, documented in
 * docs/beyond.md). It exists to be compared with the dose-based result: where they disagree, a
 * curator should look first ({@link TextDoseDiscrepancy}). Immutable and thread-safe.
 */
public final class TextSiteClassifier {

    private static final String RESOURCE = "/org/rtsite/core/text/keywords.csv";

    /** keyword tokens → region; phrase keywords have several tokens. */
    private final Map<List<String>, Region> keywords;
    private final int longest;

    private TextSiteClassifier(Map<List<String>, Region> keywords) {
        this.keywords = Map.copyOf(keywords);
        this.longest = keywords.keySet().stream().mapToInt(List::size).max().orElse(1);
    }

    /** The bundled keyword list. */
    public static TextSiteClassifier defaults() {
        try (InputStream in = TextSiteClassifier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new RtsiteException("missing resource " + RESOURCE);
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read bundled resource " + RESOURCE, e);
        }
    }

    /** A keyword list of your own ({@code keyword,region} lines, {@code #} comments). */
    public static TextSiteClassifier load(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read keyword list " + file + ": " + e.getMessage(), e);
        }
    }

    static TextSiteClassifier parse(Reader reader, String sourceName) throws IOException {
        Map<List<String>, Region> map = new LinkedHashMap<>();
        BufferedReader br = new BufferedReader(reader);
        String line;
        int n = 0;
        while ((line = br.readLine()) != null) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int comma = t.lastIndexOf(',');
            if (comma <= 0) {
                throw new InvalidInputException(sourceName + " line " + n + ": expected 'keyword,region', got '" + t + "'");
            }
            List<String> tokens = tokens(t.substring(0, comma));
            if (tokens.isEmpty()) {
                throw new InvalidInputException(sourceName + " line " + n + ": keyword '" + t.substring(0, comma)
                        + "' has no letters or digits");
            }
            Region region;
            try {
                region = Region.parse(t.substring(comma + 1).strip());
            } catch (InvalidInputException e) {
                throw new InvalidInputException(sourceName + " line " + n + ": " + e.getMessage(), e);
            }
            Region previous = map.put(tokens, region);
            if (previous != null) {
                throw new InvalidInputException(sourceName + " line " + n + ": duplicate keyword '"
                        + String.join(" ", tokens) + "'");
            }
        }
        if (map.isEmpty()) {
            throw new InvalidInputException(sourceName + ": no keywords");
        }
        return new TextSiteClassifier(map);
    }

    /** Lower-case runs of letters or of digits; camelCase is not split (planners' names rarely use it reliably). */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        String s = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetter(c) || Character.isDigit(c)) {
                boolean letter = Character.isLetter(c);
                int j = i + 1;
                while (j < s.length() && (letter ? Character.isLetter(s.charAt(j)) : Character.isDigit(s.charAt(j)))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    public TextSiteResult classify(PlanText text) {
        Map<Region, Integer> hits = new EnumMap<>(Region.class);
        Map<Region, Integer> first = new EnumMap<>(Region.class);
        List<String> evidence = new ArrayList<>();
        int position = 0;
        for (String field : text.fields()) {
            List<String> tokens = tokens(field);
            for (int i = 0; i < tokens.size(); i++) {
                // Longest phrase first, so that "whole brain" is one hit rather than "brain" alone.
                for (int len = Math.min(longest, tokens.size() - i); len >= 1; len--) {
                    List<String> phrase = tokens.subList(i, i + len);
                    Region r = keywords.get(phrase);
                    if (r != null) {
                        hits.merge(r, 1, Integer::sum);
                        first.putIfAbsent(r, position);
                        evidence.add(String.join(" ", phrase) + " -> " + r.label() + " (in '" + field + "')");
                        i += len - 1;
                        break;
                    }
                }
                position++;
            }
        }
        List<Region> labels = new ArrayList<>(hits.keySet());
        labels.sort(Comparator.comparing((Region r) -> -hits.get(r)).thenComparing(first::get));
        return new TextSiteResult(labels, evidence);
    }

    /** Number of keywords in the list. */
    public int size() {
        return keywords.size();
    }

    @Override
    public String toString() {
        return "TextSiteClassifier(" + keywords.size() + " keywords)";
    }
}
