package org.rtsite.gpu;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.core.InvalidInputException;

/**
 * How one box's sources are split over kernel launches. Every source's block-local histogram
 * must fit into the shared memory one block may use; usually all of them fit and one launch does
 * the whole box. Otherwise the maps and masks are split into groups, each group a launch over the
 * same resident dose, and only the first also sums V85/V50 and the moments.
 *
 * @param launches the groups, in order; the first has {@code scalars} set
 */
record LaunchPlan(List<Group> launches) {

    /** Shared-memory words one label map's histogram takes (organ, V85, V50 × 256 labels). */
    static final int MAP_HIST_WORDS = CountsLayout.MAP_WORDS;
    /** Shared-memory words one mask's counters take. */
    static final int MASK_HIST_WORDS = 3;

    /**
     * Maps {@code [firstMap, firstMap + mapCount)} and masks {@code [firstMask, firstMask + maskCount)}.
     */
    record Group(int firstMap, int mapCount, int firstMask, int maskCount, boolean scalars) {
        int sharedBytes() {
            return 4 * (mapCount * MAP_HIST_WORDS + maskCount * MASK_HIST_WORDS);
        }
    }

    static LaunchPlan plan(int maps, int masks, int sharedBytesPerBlock) {
        if (maps < 0 || masks < 0) {
            throw new InvalidInputException("negative source count: " + maps + " maps, " + masks + " masks");
        }
        int words = sharedBytesPerBlock / 4;
        if (words < MAP_HIST_WORDS) {
            throw new InvalidInputException("a block's " + sharedBytesPerBlock
                    + " bytes of shared memory cannot hold one label map's histogram ("
                    + 4 * MAP_HIST_WORDS + " bytes)");
        }
        List<Group> groups = new ArrayList<>();
        int map = 0;
        int mask = 0;
        do {
            int free = words;
            int mapCount = Math.min(maps - map, free / MAP_HIST_WORDS);
            free -= mapCount * MAP_HIST_WORDS;
            int maskCount = Math.min(masks - mask, free / MASK_HIST_WORDS);
            groups.add(new Group(map, mapCount, mask, maskCount, groups.isEmpty()));
            map += mapCount;
            mask += maskCount;
        } while (map < maps || mask < masks);
        return new LaunchPlan(List.copyOf(groups));
    }
}
