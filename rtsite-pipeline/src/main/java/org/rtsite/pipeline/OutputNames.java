package org.rtsite.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.rtsite.core.RtsiteException;

/**
 * Names of a plan's output files ({@code json/NAME.json}, {@code isodose/NAME.dcm}, {@code qa/NAME.png})
 * that any plan UID can have. A valid DICOM UID (digits and dots, at most 64 characters, PS3.5 §9.1)
 * is its own name, as before. Anything else (too long, {@code /}, {@code _}, spaces, non-ASCII, absent)
 * becomes its first 40 characters with every character outside {@code [A-Za-z0-9.-]} replaced by
 * {@code _}, then {@code _} and 16 hex digits of the SHA-256 of the whole UID (or of the plan file when
 * the UID is absent). Such a name always holds a {@code _}, which no valid UID does, so it never equals
 * a valid UID's name, and {@code …77/1} and {@code …77_1} get different names. At most 57 characters.
 */
public final class OutputNames {
    private static final Pattern VALID_UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    static final int PREFIX = 40;

    private OutputNames() {
    }

    /** Whether {@code uid} follows the DICOM UID grammar (PS3.5 §9.1). */
    public static boolean isValidUid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64 && VALID_UID.matcher(uid).matches();
    }

    /** Why {@code uid} is not a valid DICOM UID, or null when it is. */
    public static String uidProblem(String uid) {
        if (uid == null || uid.isEmpty()) {
            return "absent";
        }
        if (isValidUid(uid)) {
            return null;
        }
        if (uid.length() > 64) {
            return uid.length() + " characters (at most 64)";
        }
        for (int i = 0; i < uid.length(); i++) {
            char c = uid.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return String.format("character U+%04X ('%s'; a UID holds digits and dots)",
                        (int) c, Character.isISOControl(c) ? "?" : String.valueOf(c));
            }
        }
        return "an empty component or a leading zero";
    }

    /** The file name (without extension) of the outputs of the plan {@code planUid} read from {@code planFile}. */
    public static String of(String planUid, String planFile) {
        if (isValidUid(planUid)) {
            return planUid;
        }
        String key = planUid == null || planUid.isEmpty() ? "file:" + planFile : planUid;
        String source = planUid == null || planUid.isEmpty() ? "plan" : planUid;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < source.length() && prefix.length() < PREFIX; i++) {
            char c = source.charAt(i);
            boolean safe = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '.' && prefix.length() > 0; // never a leading dot: no hidden file, no "..", no "."
            prefix.append(safe ? c : '_');
        }
        return prefix + "_" + sha256(key).substring(0, 16);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new RtsiteException("every JDK has SHA-256", e);
        }
    }
}
