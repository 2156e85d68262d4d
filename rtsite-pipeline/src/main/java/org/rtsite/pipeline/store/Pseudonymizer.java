package org.rtsite.pipeline.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * Stable keyed pseudonyms for what identifies a patient in rtsite's outputs: PatientID becomes
 * {@code P-} and file paths (often named after patients) become {@code F-}, each followed by the first 16
 * hex digits of HMAC-SHA256(key, kind + value). The same key gives the same pseudonym in every run;
 * without the key a pseudonym cannot be recomputed from a guessed identifier.
 *
 * <pre>{@code
 * Pseudonymizer p = Pseudonymizer.fromKeyFile(Path.of("site.key"));
 * p.patient("DOE^JOHN-123");   // P-3f0c...
 * }</pre>
 */
public final class Pseudonymizer {
    /** Environment variable holding the key when no key file is given. */
    public static final String KEY_ENV = "RTSITE_PSEUDONYM_KEY";
    /** Shorter keys are refused: a guessable key makes pseudonyms reversible by trying identifiers. */
    public static final int MIN_KEY_BYTES = 16;
    /** An absolute path up to the next white space or delimiter (the fallback for paths the caller did not name). */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~-])/[^\\s:;,'\"()\\[\\]{}<>=]+");

    private final SecretKeySpec key;

    private Pseudonymizer(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new InvalidInputException("the pseudonym key has " + key.length + " bytes; at least "
                    + MIN_KEY_BYTES + " are needed (e.g. 'head -c 32 /dev/urandom | base64 > rtsite.key')");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public static Pseudonymizer withKey(byte[] key) {
        return new Pseudonymizer(Objects.requireNonNull(key, "key").clone());
    }

    /** The key is the file's bytes without trailing white space (so an editor's final newline does not change it). */
    public static Pseudonymizer fromKeyFile(Path file) {
        try {
            return withKey(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).stripTrailing()
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read the pseudonym key file " + file, e);
        }
    }

    /** From {@code keyFile} when given, else from {@link #KEY_ENV} of {@code env}; a clear error when neither holds one. */
    public static Pseudonymizer fromKeyFileOrEnv(Path keyFile, Map<String, String> env) {
        if (keyFile != null) {
            return fromKeyFile(keyFile);
        }
        String k = env.get(KEY_ENV);
        if (k == null || k.isBlank()) {
            throw new InvalidInputException("pseudonymizing needs a key: give a key file (--pseudonym-key FILE) or set "
                    + KEY_ENV + "; keep the same key to get the same pseudonyms in every run");
        }
        return withKey(k.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code P-} and 16 hex digits; null for null. */
    public String patient(String patientId) {
        return patientId == null ? null : "P-" + hash("patient\0" + patientId);
    }

    /** {@code F-} and 16 hex digits; null for null. */
    public String file(String path) {
        return path == null ? null : "F-" + hash("file\0" + path);
    }

    /**
     * {@code text} with every named path, then every folder holding one of them, then every other absolute
     * path (a message may name a file the caller did not know of) and every named patient ID replaced by its
     * pseudonym. Paths are replaced longest first, so a folder never cuts a file's path in two; IDs only
     * where they stand alone (not inside a UID or a word).
     */
    public String scrub(String text, Collection<String> paths, Collection<String> patientIds) {
        if (text == null) {
            return null;
        }
        String s = text;
        List<String> ps = new ArrayList<>(paths.stream().filter(p -> p != null && !p.isEmpty()).distinct().toList());
        ps.sort(Comparator.comparingInt(String::length).reversed());
        for (String p : ps) {
            s = s.replace(p, file(p));
        }
        // Folders of the named files, deepest first: a message may name a sibling (another CT slice), and
        // folder names may hold spaces ("DOE JOHN"), which the generic pattern below cannot see past.
        java.util.Set<String> folders = new java.util.TreeSet<>(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (String p : ps) {
            for (Path f = Path.of(p).getParent(); f != null && f.getNameCount() >= 2; f = f.getParent()) {
                folders.add(f.toString());
            }
        }
        for (String f : folders) {
            s = s.replaceAll(Pattern.quote(f) + "(?=/|$|[\\s:;,'\"()\\[\\]])", Matcher.quoteReplacement(file(f)));
        }
        StringBuilder out = new StringBuilder();
        Matcher m = ABSOLUTE_PATH.matcher(s);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(file(m.group())));
        }
        m.appendTail(out);
        s = out.toString();
        for (String id : patientIds) {
            if (id != null && !id.isBlank()) {
                s = s.replaceAll("(?<![\\w.])" + Pattern.quote(id) + "(?![\\w])", Matcher.quoteReplacement(patient(id)));
            }
        }
        return s;
    }

    /**
     * A transform of single values for bulk reports (the linkage report names every file of an archive):
     * a value that is one of {@code paths} or a folder above one becomes its {@code F-} pseudonym, a
     * PatientID its {@code P-} pseudonym; any other text is scrubbed like {@link #scrub}, in time linear in
     * its length whatever the number of known paths and IDs (hash look-ups at delimiters, no pattern per path).
     */
    public java.util.function.UnaryOperator<String> values(Collection<String> paths, Collection<String> patientIds) {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (String p : paths) {
            if (p == null || p.isEmpty()) {
                continue;
            }
            known.add(p);
            for (Path f = Path.of(p).getParent(); f != null && f.getNameCount() >= 2 && known.add(f.toString());
                 f = f.getParent()) {
                // each folder once: the loop stops at the first folder already known
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        int maxWords = 1;
        for (String id : patientIds) {
            if (id != null && !id.isBlank()) {
                ids.add(id);
                maxWords = Math.max(maxWords, Math.min(8, id.strip().split("\\s+").length));
            }
        }
        int words = maxWords;
        return v -> {
            if (v == null) {
                return null;
            }
            if (known.contains(v)) {
                return file(v);
            }
            if (ids.contains(v)) {
                return patient(v);
            }
            return scrubIds(scrubPaths(v, known), ids, words);
        };
    }

    private static boolean delimiter(char c) {
        return Character.isWhitespace(c) || ":;,'\"()[]{}<>=".indexOf(c) >= 0;
    }

    /** Known paths (longest match at each '/' that starts a path), then the generic pattern. */
    private String scrubPaths(String v, java.util.Set<String> known) {
        StringBuilder out = new StringBuilder(v.length());
        Matcher generic = ABSOLUTE_PATH.matcher(v).useTransparentBounds(true).useAnchoringBounds(false);
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            boolean starts = c == '/' && (i == 0 || !(Character.isLetterOrDigit(v.charAt(i - 1))
                    || "_.~-".indexOf(v.charAt(i - 1)) >= 0));
            if (!starts) {
                out.append(c);
                i++;
                continue;
            }
            int end = -1;
            int limit = Math.min(v.length(), i + 4096);
            for (int j = limit; j > i + 1; j--) {
                if ((j == v.length() || delimiter(v.charAt(j)) || v.charAt(j) == '/') && known.contains(v.substring(i, j))) {
                    end = j;
                    break;
                }
            }
            if (end < 0) {
                generic.region(i, v.length());
                end = generic.lookingAt() ? generic.end() : i + 1;
            }
            if (end == i + 1) {
                out.append(c);
            } else {
                out.append(file(v.substring(i, end)));
            }
            i = end;
        }
        return out.toString();
    }

    /** PatientIDs standing as one to {@code words} whole tokens (so never inside a UID or a longer word). */
    private String scrubIds(String v, java.util.Set<String> ids, int words) {
        if (ids.isEmpty()) {
            return v;
        }
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < v.length(); ) {
            if (delimiter(v.charAt(i))) {
                i++;
                continue;
            }
            int j = i;
            while (j < v.length() && !delimiter(v.charAt(j))) {
                j++;
            }
            tokens.add(new int[] {i, j});
            i = j;
        }
        StringBuilder out = new StringBuilder(v.length());
        int copied = 0;
        for (int t = 0; t < tokens.size(); ) {
            int matched = 0;
            for (int w = Math.min(words, tokens.size() - t); w >= 1; w--) {
                if (ids.contains(v.substring(tokens.get(t)[0], tokens.get(t + w - 1)[1]))) {
                    matched = w;
                    break;
                }
            }
            if (matched == 0) {
                t++;
                continue;
            }
            int from = tokens.get(t)[0];
            int to = tokens.get(t + matched - 1)[1];
            out.append(v, copied, from).append(patient(v.substring(from, to)));
            copied = to;
            t += matched;
        }
        return out.append(v, copied, v.length()).toString();
    }

    /**
     * A report row (as {@link ResultStore#query} gives it) with {@code plan_file} and {@code patient_id}
     * replaced by pseudonyms and both scrubbed out of {@code error} and {@code unmatched}.
     */
    public Map<String, Object> row(Map<String, Object> row) {
        Map<String, Object> r = new LinkedHashMap<>(row);
        String planFile = (String) row.get("plan_file");
        String patientId = (String) row.get("patient_id");
        List<String> paths = planFile == null ? List.of() : List.of(planFile);
        List<String> ids = patientId == null ? List.of() : List.of(patientId);
        r.computeIfPresent("plan_file", (k, v) -> file((String) v));
        r.computeIfPresent("patient_id", (k, v) -> patient((String) v));
        for (String c : List.of("error", "unmatched")) {
            r.computeIfPresent(c, (k, v) -> scrub(v.toString(), paths, ids));
        }
        return r;
    }

    private String hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] h = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new RtsiteException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
