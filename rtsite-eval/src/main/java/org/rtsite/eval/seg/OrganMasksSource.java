package org.rtsite.eval.seg;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/** Structures of an {@link OrganMasks}: every named label of its label maps and every binary mask. */
public final class OrganMasksSource implements SegmentationSource {

    private final String description;
    private final Map<String, Object> byName = new LinkedHashMap<>(); // LabelMap+label as int[]{map, label} or BinaryMask
    private final OrganMasks masks;
    private final Map<Integer, int[][]> ranges = new java.util.HashMap<>();

    public OrganMasksSource(String description, OrganMasks masks) {
        this.description = description;
        this.masks = masks;
        for (int m = 0; m < masks.labelMaps().size(); m++) {
            LabelMap map = masks.labelMaps().get(m);
            for (Map.Entry<Integer, String> e : map.names().entrySet()) {
                put(e.getValue(), new int[] {m, e.getKey()});
            }
        }
        for (BinaryMask b : masks.masks()) {
            put(b.name(), b);
        }
    }

    /** Runs a segmenter on a CT and offers its output as a source. */
    public static OrganMasksSource segment(String description, OrganSegmenter segmenter, CtVolume ct) {
        return new OrganMasksSource(description, segmenter.segment(ct));
    }

    /** A single label map (e.g. a TotalSegmentator NIfTI output) as a source. */
    public static OrganMasksSource of(String description, LabelMap map) {
        return new OrganMasksSource(description, new OrganMasks(map.grid(), java.util.List.of(map), java.util.List.of()));
    }

    private void put(String name, Object what) {
        if (byName.put(name, what) != null) {
            throw new InvalidInputException(description + ": structure '" + name + "' appears twice");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> structures() {
        return byName.keySet();
    }

    @Override
    public Optional<BinaryMask> mask(String structure) {
        Object what = byName.get(structure);
        if (what == null) {
            return Optional.empty();
        }
        if (what instanceof BinaryMask b) {
            return Optional.of(b);
        }
        int[] ref = (int[]) what;
        LabelMap map = masks.labelMaps().get(ref[0]);
        byte label = (byte) ref[1];
        byte[] labels = map.labels();
        long[] bits = BinaryMask.bitsFor(map.grid());
        int[] range = sliceRanges(ref[0])[ref[1]];
        int plane = map.grid().nx() * map.grid().ny();
        for (int x = range[0] * plane, end = (range[1] + 1) * plane; x < end; x++) {
            if (labels[x] == label) {
                BinaryMask.set(bits, x);
            }
        }
        return Optional.of(new BinaryMask(structure, map.grid(), bits));
    }

    /**
     * Per label of one map, the first and last slice holding it ({1, 0} when absent), found in one
     * pass so that extracting each of a hundred structures scans only its own slices.
     */
    private int[][] sliceRanges(int mapIndex) {
        int[][] r = ranges.get(mapIndex);
        if (r == null) {
            LabelMap map = masks.labelMaps().get(mapIndex);
            r = new int[LabelMap.MAX_LABEL + 1][];
            for (int l = 0; l <= LabelMap.MAX_LABEL; l++) {
                r[l] = new int[] {1, 0};
            }
            byte[] labels = map.labels();
            int plane = map.grid().nx() * map.grid().ny();
            for (int k = 0; k < map.grid().nz(); k++) {
                boolean[] seen = new boolean[LabelMap.MAX_LABEL + 1];
                for (int x = k * plane, end = x + plane; x < end; x++) {
                    seen[labels[x] & 0xFF] = true;
                }
                for (int l = 1; l <= LabelMap.MAX_LABEL; l++) {
                    if (seen[l]) {
                        if (r[l][0] > r[l][1]) {
                            r[l][0] = k;
                        }
                        r[l][1] = k;
                    }
                }
            }
            ranges.put(mapIndex, r);
        }
        return r;
    }
}
