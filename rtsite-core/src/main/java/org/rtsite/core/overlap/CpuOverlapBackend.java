package org.rtsite.core.overlap;

import java.util.List;
import java.util.Optional;

/**
 * The reference backend: one pass over the box's voxels, histogramming every source's label into
 * organ / V85 / V50 bins. Always available.
 */
public final class CpuOverlapBackend implements OverlapBackend {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public OverlapCounts count(IsodoseBox box) {
        int sources = box.sourceCount();
        long[][] organ = new long[sources][];
        long[][] in85 = new long[sources][];
        long[][] in50 = new long[sources][];
        for (int s = 0; s < sources; s++) {
            organ[s] = new long[box.binsOf(s)];
            in85[s] = new long[box.binsOf(s)];
            in50[s] = new long[box.binsOf(s)];
        }
        float[] dose = box.dose();
        float l85 = box.level85();
        float l50 = box.level50();
        List<byte[]> maps = box.labelMaps();
        List<long[]> masks = box.masks();
        int nMaps = maps.size();
        int nx = box.grid().nx();
        int ny = box.grid().ny();
        int nz = box.grid().nz();
        long v85 = 0, v50 = 0, si = 0, sj = 0, sk = 0;
        double ds = 0, dsi = 0, dsj = 0, dsk = 0;
        int idx = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++, idx++) {
                    float d = dose[idx];
                    boolean a85 = d >= l85;
                    boolean a50 = d >= l50;
                    if (a50) {
                        v50++;
                    }
                    if (a85) {
                        v85++;
                        si += i;
                        sj += j;
                        sk += k;
                        ds += d;
                        dsi += (double) d * i;
                        dsj += (double) d * j;
                        dsk += (double) d * k;
                    }
                    for (int m = 0; m < nMaps; m++) {
                        int label = maps.get(m)[idx] & 0xFF;
                        organ[m][label]++;
                        if (a50) {
                            in50[m][label]++;
                        }
                        if (a85) {
                            in85[m][label]++;
                        }
                    }
                    for (int m = 0; m < masks.size(); m++) {
                        if ((masks.get(m)[idx >>> 6] & (1L << idx)) != 0) {
                            int s = nMaps + m;
                            organ[s][1]++;
                            if (a50) {
                                in50[s][1]++;
                            }
                            if (a85) {
                                in85[s][1]++;
                            }
                        }
                    }
                }
            }
        }
        for (int m = 0; m < masks.size(); m++) {
            int s = nMaps + m;
            organ[s][0] = box.grid().voxelCount() - organ[s][1];
            in85[s][0] = v85 - in85[s][1];
            in50[s][0] = v50 - in50[s][1];
        }
        return new OverlapCounts(v85, v50, organ, in85, in50,
                new V85Moments(v85, si, sj, sk, ds, dsi, dsj, dsk));
    }
}
