package org.rtsite.dicom.rt;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.Vec3;

/**
 * One item of an RTSTRUCT's ContourSequence: its geometric type, its points in patient
 * coordinates (mm, LPS) and the images it was drawn on (ContourImageSequence, possibly empty).
 * The point array holds x, y, z triplets and is copied in and out.
 */
public record Contour(GeometricType type, double[] xyz, List<String> referencedImageUids) {

    /** DICOM's ContourGeometricType (3006,0042). */
    public enum GeometricType {
        POINT, OPEN_PLANAR, OPEN_NONPLANAR, CLOSED_PLANAR,
        /** Since 2021 (CP-2020): a closed contour combined with the others of its plane by exclusive or. */
        CLOSEDPLANAR_XOR;

        /** Closed contours enclose area; both kinds combine by the even–odd rule here. */
        public boolean isClosed() {
            return this == CLOSED_PLANAR || this == CLOSEDPLANAR_XOR;
        }
    }

    public Contour {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(xyz, "xyz");
        if (xyz.length == 0 || xyz.length % 3 != 0) {
            throw new InvalidInputException(type + " contour needs x, y, z triplets, got " + xyz.length + " numbers");
        }
        for (int i = 0; i < xyz.length; i++) {
            if (!Double.isFinite(xyz[i])) {
                throw new InvalidInputException(type + " contour has non-finite coordinate " + xyz[i]
                        + " at point " + i / 3);
            }
        }
        xyz = xyz.clone();
        referencedImageUids = List.copyOf(referencedImageUids);
    }

    public Contour(GeometricType type, double... xyz) {
        this(type, xyz, List.of());
    }

    /** A copy of the x, y, z triplets. */
    @Override
    public double[] xyz() {
        return xyz.clone();
    }

    public int pointCount() {
        return xyz.length / 3;
    }

    public double x(int point) {
        return xyz[3 * point];
    }

    public double y(int point) {
        return xyz[3 * point + 1];
    }

    public double z(int point) {
        return xyz[3 * point + 2];
    }

    public Vec3 point(int point) {
        return new Vec3(x(point), y(point), z(point));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Contour c && type == c.type && Arrays.equals(xyz, c.xyz)
                && referencedImageUids.equals(c.referencedImageUids);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(xyz), referencedImageUids);
    }

    @Override
    public String toString() {
        return "Contour[" + type + ", " + pointCount() + " points" + (pointCount() > 0 ? " from " + point(0) : "") + "]";
    }
}
