package org.rtsite.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

class PseudonymizerTest {

    private static final byte[] KEY = "0123456789abcdef-site-key".getBytes(StandardCharsets.UTF_8);

    @Test
    void pseudonymsAreTheKeyedHashStableAndKeyDependent() throws Exception {
        Pseudonymizer p = Pseudonymizer.withKey(KEY);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = "P-" + HexFormat.of().formatHex(mac.doFinal("patient\0DOE123".getBytes(StandardCharsets.UTF_8)), 0, 8);
        assertEquals(expected, p.patient("DOE123"));
        assertEquals(p.patient("DOE123"), Pseudonymizer.withKey(KEY.clone()).patient("DOE123"));
        assertNotEquals(p.patient("DOE123"), Pseudonymizer.withKey("another key of 16+ bytes".getBytes(
                StandardCharsets.UTF_8)).patient("DOE123"));
        assertNotEquals(p.patient("x"), p.file("x").replace("F-", "P-"), "kinds are hashed apart");
        assertTrue(p.file("/a/b").matches("F-[0-9a-f]{16}"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Pseudonymizer.withKey(new byte[8]));
        assertTrue(e.getMessage().contains("8 bytes"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> Pseudonymizer.fromKeyFileOrEnv(null, Map.of()));
        assertEquals(p.patient("ID"), Pseudonymizer.fromKeyFileOrEnv(null,
                Map.of(Pseudonymizer.KEY_ENV, new String(KEY, StandardCharsets.UTF_8) + "\n")).patient("ID"));
    }

    @Test
    void scrubReplacesPathsFoldersWithSpacesAndStandaloneIds() {
        Pseudonymizer p = Pseudonymizer.withKey(KEY);
        String msg = "/data/DOE JOHN/CT/ct0005.dcm at offset 830: value length beyond the end; plan /data/DOE JOHN/RP.dcm"
                + " of patient 123 (UID 1.2.123.4, series 123x), see /elsewhere/DOE/x.dcm";
        String s = p.scrub(msg, List.of("/data/DOE JOHN/RP.dcm"), List.of("123"));
        assertFalse(s.contains("DOE") || s.contains("JOHN"), s);
        assertTrue(s.startsWith(p.file("/data/DOE JOHN") + "/CT/ct0005.dcm at offset 830"), s);
        assertTrue(s.contains("plan " + p.file("/data/DOE JOHN/RP.dcm")), s);
        assertTrue(s.contains("patient " + p.patient("123") + " (UID 1.2.123.4, series 123x)"), "IDs inside UIDs and "
                + "words stay: " + s);
        assertTrue(s.endsWith("see " + p.file("/elsewhere/DOE/x.dcm")), s);
    }

    @Test
    void rowPseudonymizesPlanFilePatientAndError() {
        Pseudonymizer p = Pseudonymizer.withKey(KEY);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("plan_file", "/data/SMITH/RP.dcm");
        row.put("plan_uid", "1.2.3");
        row.put("patient_id", "SMITH");
        row.put("error", "cannot read /data/SMITH/RD.dcm: SMITH's dose");
        Map<String, Object> r = p.row(row);
        assertEquals(p.file("/data/SMITH/RP.dcm"), r.get("plan_file"));
        assertEquals("1.2.3", r.get("plan_uid"));
        assertEquals(p.patient("SMITH"), r.get("patient_id"));
        assertFalse(r.get("error").toString().contains("SMITH"), r.get("error").toString());
        assertEquals(List.copyOf(row.keySet()), List.copyOf(r.keySet()));
    }

    @Test
    void bulkValuesMatchKnownPathsFoldersAndMultiWordIds() {
        Pseudonymizer p = Pseudonymizer.withKey(KEY);
        var v = p.values(List.of("/data/DOE JOHN/CT/ct1.dcm", "/data/DOE JOHN/RP.dcm", "/data/ROE/RD.dcm"),
                List.of("DOE JOHN", "77"));
        assertEquals(p.file("/data/DOE JOHN/RP.dcm"), v.apply("/data/DOE JOHN/RP.dcm"));
        assertEquals(p.file("/data/DOE JOHN"), v.apply("/data/DOE JOHN"), "a folder is a known value");
        assertEquals(p.patient("DOE JOHN"), v.apply("DOE JOHN"));
        assertEquals(p.file("/data/DOE JOHN/CT/ct1.dcm") + ";" + p.file("/data/ROE/RD.dcm"),
                v.apply("/data/DOE JOHN/CT/ct1.dcm;/data/ROE/RD.dcm"), "lists joined by ';'");
        String text = v.apply("PatientID 'DOE JOHN' vs '77' (plan 1.2.77.3, 770 slices), /data/DOE JOHN/CT/ct2.dcm missing,"
                + " see /mnt/other/x.dcm");
        assertEquals("PatientID '" + p.patient("DOE JOHN") + "' vs '" + p.patient("77") + "' (plan 1.2.77.3, 770 slices), "
                + p.file("/data/DOE JOHN/CT") + "/ct2.dcm missing, see " + p.file("/mnt/other/x.dcm"), text,
                "the deepest known folder of an unknown sibling file");
        assertEquals(null, v.apply(null));
    }
}
