package org.rtsite.dicomweb;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One match of a QIDO-RS search, from the DICOM JSON model (PS3.18 F.2): each attribute's values as
 * text (person names by their alphabetic form, numbers in their JSON spelling; sequences and bulk data
 * are left out).
 *
 * @param values tag (group &lt;&lt; 16 | element) to its values, in order
 */
public record QidoResult(Map<Integer, List<String>> values) {

    public QidoResult {
        Objects.requireNonNull(values, "values");
        values = Map.copyOf(values);
    }

    /** The first value of {@code tag}, or null when absent or empty. */
    public String getString(int tag) {
        List<String> v = values.get(tag);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of {@code tag}; empty when absent. */
    public List<String> getStrings(int tag) {
        return values.getOrDefault(tag, List.of());
    }
}
