package org.rtsite.core.expert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Separates the femoral head from the femoral shaft by a geometric rule (the paper's future work,
 * ALGORITHM.md §3): femur voxels superior to the most inferior point of the hip bone are the
 * femoral head. Auto-segmentations (TotalSegmentator's {@code femur_left/right}) label the whole
 * femur, so without this split the expert protocol's "femoral heads excluded" could not apply.
 *
 * <p>The heads become binary masks {@code femoral_head_left/right} (Excluded in the bundled
 * dictionary) and are removed from the femur; each side uses its own hip bone, or the other
 * side's when only one hip is present. Without any hip bone the masks are returned unchanged.
 * Use it before the paper's classifier too:
 * {@code classifier.classify(ctGrid, dose, FemoralHeads.split(masks, dictionary))}.
 */
public final class FemoralHeads {
    private static final Logger LOG = LoggerFactory.getLogger(FemoralHeads.class);

    public static final String HEAD_LEFT = "femoral_head_left";
    public static final String HEAD_RIGHT = "femoral_head_right";

    private FemoralHeads() {
    }

    /** The masks with each femur's head moved into its own mask. */
    public static OrganMasks split(OrganMasks masks, RegionDictionary dictionary) {
        Objects.requireNonNull(masks, "masks");
        Objects.requireNonNull(dictionary, "dictionary");
        ImageGrid g = masks.grid();
        double hipLeft = lowestZ(masks, dictionary, "hip_left");
        double hipRight = lowestZ(masks, dictionary, "hip_right");
        if (Double.isNaN(hipLeft) && Double.isNaN(hipRight)) {
            LOG.debug("no hip bone in the masks: femoral heads not separated");
            return masks;
        }
        double limitLeft = Double.isNaN(hipLeft) ? hipRight : hipLeft;
        double limitRight = Double.isNaN(hipRight) ? hipLeft : hipRight;
        long[] headLeft = BinaryMask.bitsFor(g);
        long[] headRight = BinaryMask.bitsFor(g);
        boolean[] any = new boolean[2];
        Affine p = g.indexToPatient();

        List<LabelMap> maps = new ArrayList<>();
        for (LabelMap m : masks.labelMaps()) {
            int[] side = new int[LabelMap.MAX_LABEL + 1];
            boolean femur = false;
            for (Map.Entry<Integer, String> e : m.names().entrySet()) {
                int s = femurSide(dictionary, e.getValue());
                side[e.getKey()] = s;
                femur |= s != 0;
            }
            if (!femur) {
                maps.add(m);
                continue;
            }
            byte[] labels = m.labels().clone();
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i < g.nx(); i++) {
                        int idx = g.index(i, j, k);
                        int s = side[labels[idx] & 0xFF];
                        if (s != 0 && z(p, i, j, k) > (s == 1 ? limitLeft : limitRight)) {
                            labels[idx] = 0;
                            BinaryMask.set(s == 1 ? headLeft : headRight, idx);
                            any[s - 1] = true;
                        }
                    }
                }
            }
            maps.add(new LabelMap(m.task(), g, labels, m.names()));
        }
        List<BinaryMask> binaries = new ArrayList<>();
        for (BinaryMask m : masks.masks()) {
            int s = femurSide(dictionary, m.name());
            if (s == 0) {
                binaries.add(m);
                continue;
            }
            long[] bits = m.bits().clone();
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i < g.nx(); i++) {
                        int idx = g.index(i, j, k);
                        if (BinaryMask.test(bits, idx) && z(p, i, j, k) > (s == 1 ? limitLeft : limitRight)) {
                            bits[idx >>> 6] &= ~(1L << (idx & 63));
                            BinaryMask.set(s == 1 ? headLeft : headRight, idx);
                            any[s - 1] = true;
                        }
                    }
                }
            }
            binaries.add(new BinaryMask(m.name(), g, bits));
        }
        if (any[0]) {
            binaries.add(new BinaryMask(HEAD_LEFT, g, headLeft));
        }
        if (any[1]) {
            binaries.add(new BinaryMask(HEAD_RIGHT, g, headRight));
        }
        return new OrganMasks(g, maps, binaries);
    }

    /** A segmenter whose masks come back with the femoral heads separated. */
    public static OrganSegmenter splitting(OrganSegmenter segmenter, RegionDictionary dictionary) {
        Objects.requireNonNull(segmenter, "segmenter");
        return ct -> {
            OrganMasks m = segmenter.segment(ct);
            return m == null ? null : split(m, dictionary);
        };
    }

    /** 1 = left femur, 2 = right femur, 0 = anything else (a contoured head is left alone). */
    private static int femurSide(RegionDictionary dictionary, String name) {
        if (isContouredHead(name)) {
            return 0;
        }
        String c = dictionary.lookup(name).map(DictionaryEntry::canonical).orElse("");
        return c.equals("femur_left") ? 1 : c.equals("femur_right") ? 2 : 0;
    }

    /** A structure drawn as the femoral head itself (TG-263 {@code Femur_Head_L}, ...). */
    static boolean isContouredHead(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.contains("head") && (n.contains("femur") || n.contains("femoral"));
    }

    /** Most inferior patient z of a structure (by canonical name), NaN when absent. */
    static double lowestZ(OrganMasks masks, RegionDictionary dictionary, String canonical) {
        ImageGrid g = masks.grid();
        Affine p = g.indexToPatient();
        double low = Double.POSITIVE_INFINITY;
        for (LabelMap m : masks.labelMaps()) {
            boolean[] wanted = new boolean[LabelMap.MAX_LABEL + 1];
            boolean anyWanted = false;
            for (Map.Entry<Integer, String> e : m.names().entrySet()) {
                if (dictionary.lookup(e.getValue()).map(d -> d.canonical().equals(canonical)).orElse(false)) {
                    wanted[e.getKey()] = true;
                    anyWanted = true;
                }
            }
            if (!anyWanted) {
                continue;
            }
            byte[] labels = m.labels();
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i < g.nx(); i++) {
                        if (wanted[labels[g.index(i, j, k)] & 0xFF]) {
                            low = Math.min(low, z(p, i, j, k));
                        }
                    }
                }
            }
        }
        for (BinaryMask m : masks.masks()) {
            if (!dictionary.lookup(m.name()).map(d -> d.canonical().equals(canonical)).orElse(false)) {
                continue;
            }
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i < g.nx(); i++) {
                        if (m.contains(g.index(i, j, k))) {
                            low = Math.min(low, z(p, i, j, k));
                        }
                    }
                }
            }
        }
        return low == Double.POSITIVE_INFINITY ? Double.NaN : low;
    }

    private static double z(Affine p, int i, int j, int k) {
        return p.get(2, 0) * i + p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3);
    }
}
