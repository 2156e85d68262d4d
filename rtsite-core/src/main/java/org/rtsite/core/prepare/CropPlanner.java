package org.rtsite.core.prepare;

import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.volume.DoseVolume;

/**
 * The z-crop of ALGORITHM.md §1.2: the CT slices spanned by the dose at or above
 * {@code fraction·Dmax}, widened by {@code marginSlices} on each side, then grown symmetrically to
 * at least {@code minLengthMm} (clamped to the CT). "z" is the CT's slice axis, whatever its
 * orientation; the crop keeps every row and column.
 */
public final class CropPlanner {

    private CropPlanner() {
    }

    /**
     * @param doseMax the RTDOSE maximum (Gy), already checked to be finite and positive
     * @return the crop as a box of the CT grid spanning all i and j
     * @throws InvalidInputException when the high-dose region misses the CT's slices entirely
     */
    public static IndexBox plan(ImageGrid ct, DoseVolume dose, float doseMax, double fraction, int marginSlices,
                                double minLengthMm) {
        float level = (float) (fraction * doseMax);
        ImageGrid dg = dose.grid();
        Affine a = dg.indexToPatient().then(ct.patientToIndex());
        // Only the CT slice coordinate matters: kCt = a20·i + a21·j + a22·k + a23.
        double ai = a.get(2, 0), aj = a.get(2, 1), ak = a.get(2, 2), at = a.get(2, 3);
        float[] gy = dose.gy();
        double kMin = Double.POSITIVE_INFINITY, kMax = Double.NEGATIVE_INFINITY;
        int idx = 0;
        for (int k = 0; k < dg.nz(); k++) {
            for (int j = 0; j < dg.ny(); j++) {
                double row = aj * j + ak * k + at;
                for (int i = 0; i < dg.nx(); i++, idx++) {
                    if (gy[idx] >= level) {
                        double kc = row + ai * i;
                        if (kc < kMin) {
                            kMin = kc;
                        }
                        if (kc > kMax) {
                            kMax = kc;
                        }
                    }
                }
            }
        }
        int nz = ct.nz();
        if (kMax < -0.5 || kMin > nz - 0.5) {
            throw new InvalidInputException("dose outside the CT: the dose at or above " + fraction * 100
                    + " % of Dmax (" + doseMax + " Gy) spans CT slice coordinates " + fmt(kMin) + ".." + fmt(kMax)
                    + " but the CT has slices 0.." + (nz - 1) + " (dose grid " + dg.describe() + ", CT grid "
                    + ct.describe() + ")");
        }
        int k0 = Math.max(0, (int) Math.floor(kMin + 1e-6) - marginSlices);
        int k1 = Math.min(nz, (int) Math.ceil(kMax - 1e-6) + 1 + marginSlices);
        int need = Math.min(nz, (int) Math.ceil(minLengthMm / ct.dz() - 1e-9));
        boolean below = true;
        while (k1 - k0 < need) {
            // Alternate sides so that the growth is symmetric until one side hits the CT's end.
            if ((below && k0 > 0) || k1 == nz) {
                k0--;
            } else {
                k1++;
            }
            below = !below;
        }
        return new IndexBox(0, 0, k0, ct.nx(), ct.ny(), k1);
    }

    /** Crop length in mm: slices × slice spacing. */
    public static double lengthMm(IndexBox crop, ImageGrid ct) {
        return crop.nz() * ct.dz();
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
