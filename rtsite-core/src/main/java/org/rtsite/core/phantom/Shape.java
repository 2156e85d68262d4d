package org.rtsite.core.phantom;

import org.rtsite.core.geometry.Vec3;

/** A solid in patient coordinates (mm) for phantom organs and targets. */
public sealed interface Shape permits Shape.Ellipsoid, Shape.Cylinder {

    boolean contains(Vec3 p);

    /** Approximate distance (mm) from the surface to an outside point; ≤ 0 inside. */
    double distanceOutside(Vec3 p);

    /** Lowest corner of the bounding box. */
    Vec3 min();

    /** Highest corner of the bounding box. */
    Vec3 max();

    Shape translated(Vec3 t);

    /** The same solid about the same centre, stretched by the given factors along patient x, y, z. */
    Shape scaled(double sx, double sy, double sz);

    static Ellipsoid ellipsoid(double cx, double cy, double cz, double rx, double ry, double rz) {
        return new Ellipsoid(new Vec3(cx, cy, cz), new Vec3(rx, ry, rz));
    }

    static Ellipsoid sphere(double cx, double cy, double cz, double r) {
        return ellipsoid(cx, cy, cz, r, r, r);
    }

    /** An elliptic cylinder along patient z from {@code z0} to {@code z1}. */
    static Cylinder cylinderZ(double cx, double cy, double z0, double z1, double rx, double ry) {
        return new Cylinder(new Vec3(cx, cy, (z0 + z1) / 2), rx, ry, Math.abs(z1 - z0) / 2);
    }

    record Ellipsoid(Vec3 centre, Vec3 radii) implements Shape {
        private double rho(Vec3 p) {
            double x = (p.x() - centre.x()) / radii.x();
            double y = (p.y() - centre.y()) / radii.y();
            double z = (p.z() - centre.z()) / radii.z();
            return Math.sqrt(x * x + y * y + z * z);
        }

        @Override
        public boolean contains(Vec3 p) {
            return rho(p) <= 1;
        }

        @Override
        public double distanceOutside(Vec3 p) {
            double minR = Math.min(radii.x(), Math.min(radii.y(), radii.z()));
            return (rho(p) - 1) * minR;
        }

        @Override
        public Vec3 min() {
            return centre.minus(radii);
        }

        @Override
        public Vec3 max() {
            return centre.plus(radii);
        }

        @Override
        public Shape translated(Vec3 t) {
            return new Ellipsoid(centre.plus(t), radii);
        }

        @Override
        public Shape scaled(double sx, double sy, double sz) {
            return new Ellipsoid(centre, new Vec3(radii.x() * sx, radii.y() * sy, radii.z() * sz));
        }
    }

    record Cylinder(Vec3 centre, double rx, double ry, double halfLength) implements Shape {
        @Override
        public boolean contains(Vec3 p) {
            return distanceOutside(p) <= 0;
        }

        @Override
        public double distanceOutside(Vec3 p) {
            double x = (p.x() - centre.x()) / rx;
            double y = (p.y() - centre.y()) / ry;
            double radial = (Math.sqrt(x * x + y * y) - 1) * Math.min(rx, ry);
            double axial = Math.abs(p.z() - centre.z()) - halfLength;
            if (radial > 0 && axial > 0) {
                return Math.hypot(radial, axial);
            }
            return Math.max(radial, axial);
        }

        @Override
        public Vec3 min() {
            return centre.minus(new Vec3(rx, ry, halfLength));
        }

        @Override
        public Vec3 max() {
            return centre.plus(new Vec3(rx, ry, halfLength));
        }

        @Override
        public Shape translated(Vec3 t) {
            return new Cylinder(centre.plus(t), rx, ry, halfLength);
        }

        @Override
        public Shape scaled(double sx, double sy, double sz) {
            return new Cylinder(centre, rx * sx, ry * sy, halfLength * sz);
        }
    }
}
