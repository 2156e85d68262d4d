package org.rtsite.inference;

import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.Vec3;

/** Orientation codes such as {@code RAS}: the patient direction (as an LPS unit vector) in which each tensor axis grows. */
final class PatientAxes {
    private PatientAxes() {
    }

    static Vec3[] parse(String code) {
        if (code == null || code.length() != 3) {
            throw new InvalidInputException("axis order '" + code + "' must be three letters such as RAS or LPS");
        }
        Vec3[] axes = new Vec3[3];
        boolean[] used = new boolean[3];
        for (int a = 0; a < 3; a++) {
            char c = code.charAt(a);
            Vec3 v = switch (c) {
                case 'L' -> Vec3.X;
                case 'R' -> new Vec3(-1, 0, 0);
                case 'P' -> Vec3.Y;
                case 'A' -> new Vec3(0, -1, 0);
                case 'S' -> Vec3.Z;
                case 'I' -> new Vec3(0, 0, -1);
                default -> throw new InvalidInputException("axis order '" + code + "': '" + c + "' is not one of R L A P S I");
            };
            int group = Math.abs(v.x()) > 0 ? 0 : Math.abs(v.y()) > 0 ? 1 : 2;
            if (used[group]) {
                throw new InvalidInputException("axis order '" + code + "' names the same patient axis twice");
            }
            used[group] = true;
            axes[a] = v;
        }
        return axes;
    }
}
