package org.rtsite.core.geometry;

import java.util.Arrays;
import org.rtsite.core.InvalidInputException;

/**
 * An affine map of 3-D space, {@code p' = M p + t}, stored row-major as 12 numbers
 * {@code m00 m01 m02 t0, m10 m11 m12 t1, m20 m21 m22 t2}. Immutable; used to carry index ↔ patient
 * transforms into hot loops without allocating per voxel.
 */
public final class Affine {

    private final double[] m;

    private Affine(double[] m) {
        this.m = m;
    }

    /** Row-major 3×4 matrix; the array is copied. */
    public static Affine of(double... rowMajor3x4) {
        if (rowMajor3x4.length != 12) {
            throw new InvalidInputException("an affine needs 12 numbers, got " + rowMajor3x4.length);
        }
        for (double v : rowMajor3x4) {
            if (!Double.isFinite(v)) {
                throw new InvalidInputException("non-finite affine entry in " + Arrays.toString(rowMajor3x4));
            }
        }
        return new Affine(rowMajor3x4.clone());
    }

    /** The map whose columns are {@code a, b, c} and whose translation is {@code t}. */
    public static Affine columns(Vec3 a, Vec3 b, Vec3 c, Vec3 t) {
        return of(a.x(), b.x(), c.x(), t.x(),
                a.y(), b.y(), c.y(), t.y(),
                a.z(), b.z(), c.z(), t.z());
    }

    public double get(int row, int col) {
        return m[row * 4 + col];
    }

    public Vec3 apply(Vec3 p) {
        return apply(p.x(), p.y(), p.z());
    }

    public Vec3 apply(double x, double y, double z) {
        return new Vec3(
                m[0] * x + m[1] * y + m[2] * z + m[3],
                m[4] * x + m[5] * y + m[6] * z + m[7],
                m[8] * x + m[9] * y + m[10] * z + m[11]);
    }

    /** The image of a direction (no translation). */
    public Vec3 applyLinear(Vec3 d) {
        return new Vec3(
                m[0] * d.x() + m[1] * d.y() + m[2] * d.z(),
                m[4] * d.x() + m[5] * d.y() + m[6] * d.z(),
                m[8] * d.x() + m[9] * d.y() + m[10] * d.z());
    }

    /** {@code after ∘ this}: first this map, then {@code after}. */
    public Affine then(Affine after) {
        double[] a = after.m;
        double[] r = new double[12];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 4; col++) {
                double s = col == 3 ? a[row * 4 + 3] : 0;
                for (int k = 0; k < 3; k++) {
                    s += a[row * 4 + k] * m[k * 4 + col];
                }
                r[row * 4 + col] = s;
            }
        }
        return new Affine(r);
    }

    public double determinant() {
        return m[0] * (m[5] * m[10] - m[6] * m[9])
                - m[1] * (m[4] * m[10] - m[6] * m[8])
                + m[2] * (m[4] * m[9] - m[5] * m[8]);
    }

    public Affine inverse() {
        double det = determinant();
        if (Math.abs(det) < 1e-12) {
            throw new InvalidInputException("singular affine (determinant " + det + ")");
        }
        double[] r = new double[12];
        r[0] = (m[5] * m[10] - m[6] * m[9]) / det;
        r[1] = (m[2] * m[9] - m[1] * m[10]) / det;
        r[2] = (m[1] * m[6] - m[2] * m[5]) / det;
        r[4] = (m[6] * m[8] - m[4] * m[10]) / det;
        r[5] = (m[0] * m[10] - m[2] * m[8]) / det;
        r[6] = (m[2] * m[4] - m[0] * m[6]) / det;
        r[8] = (m[4] * m[9] - m[5] * m[8]) / det;
        r[9] = (m[1] * m[8] - m[0] * m[9]) / det;
        r[10] = (m[0] * m[5] - m[1] * m[4]) / det;
        for (int row = 0; row < 3; row++) {
            r[row * 4 + 3] = -(r[row * 4] * m[3] + r[row * 4 + 1] * m[7] + r[row * 4 + 2] * m[11]);
        }
        return new Affine(r);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Affine a && Arrays.equals(m, a.m);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(m);
    }

    @Override
    public String toString() {
        return "Affine" + Arrays.toString(m);
    }
}
