package org.rtsite.eval.seg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.volume.BinaryMask;

/**
 * Scores every structure of one case: the one entry point of segmentation evaluation. Names are
 * matched after {@link StructureNames#canonical}; a structure only the reference has is scored as
 * {@code MISSING_TEST}, one only the test has as {@code MISSING_REFERENCE}. Masks are loaded one
 * structure at a time.
 */
public final class SegmentationEvaluator {

    private final StructureNames names;
    private final ReferenceRegion region;

    public SegmentationEvaluator(StructureNames names, ReferenceRegion region) {
        this.names = names;
        this.region = region;
    }

    public List<SegmentationMetrics> evaluate(String caseId, SegmentationSource reference, SegmentationSource test) {
        Map<String, String> ref = canonical(reference);
        Map<String, String> tst = canonical(test);
        TreeMap<String, Boolean> all = new TreeMap<>();
        ref.keySet().forEach(k -> all.put(k, true));
        tst.keySet().forEach(k -> all.put(k, true));
        List<SegmentationMetrics> out = new ArrayList<>();
        for (String s : all.keySet()) {
            BinaryMask r = ref.containsKey(s) ? reference.mask(ref.get(s)).orElse(null) : null;
            BinaryMask t = tst.containsKey(s) ? test.mask(tst.get(s)).orElse(null) : null;
            if (r != null && t != null) {
                out.add(MaskComparison.compare(caseId, s, r, t, region));
            } else if (r != null) {
                out.add(MaskComparison.missingTest(caseId, s, r, region));
            } else if (t != null) {
                out.add(MaskComparison.missingReference(caseId, s, t));
            }
        }
        return out;
    }

    private Map<String, String> canonical(SegmentationSource source) {
        Map<String, String> m = new TreeMap<>();
        for (String name : source.structures()) {
            String c = names.canonical(name);
            String prev = m.put(c, name);
            if (prev != null) {
                throw new InvalidInputException(source.description() + ": structures '" + prev + "' and '" + name
                        + "' both map to '" + c + "'");
            }
        }
        return m;
    }
}
