package org.rtsite.core.geometry;

import org.rtsite.core.InvalidInputException;


/** A point or direction in DICOM patient coordinates (LPS, millimetres). */
public record Vec3(double x, double y, double z) {

    public static final Vec3 ZERO = new Vec3(0, 0, 0);
    public static final Vec3 X = new Vec3(1, 0, 0);
    public static final Vec3 Y = new Vec3(0, 1, 0);
    public static final Vec3 Z = new Vec3(0, 0, 1);

    public Vec3 plus(Vec3 o) {
        return new Vec3(x + o.x, y + o.y, z + o.z);
    }

    public Vec3 minus(Vec3 o) {
        return new Vec3(x - o.x, y - o.y, z - o.z);
    }

    public Vec3 times(double s) {
        return new Vec3(x * s, y * s, z * s);
    }

    public double dot(Vec3 o) {
        return x * o.x + y * o.y + z * o.z;
    }

    public Vec3 cross(Vec3 o) {
        return new Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x);
    }

    public double norm() {
        return Math.sqrt(dot(this));
    }

    public double distance(Vec3 o) {
        return minus(o).norm();
    }

    public Vec3 normalized() {
        double n = norm();
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new InvalidInputException("cannot normalize vector " + this);
        }
        return times(1 / n);
    }

    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z);
    }

    /** True when every component differs by at most {@code tol}. */
    public boolean approx(Vec3 o, double tol) {
        return Math.abs(x - o.x) <= tol && Math.abs(y - o.y) <= tol && Math.abs(z - o.z) <= tol;
    }
}
