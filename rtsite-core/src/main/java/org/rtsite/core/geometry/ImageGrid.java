package org.rtsite.core.geometry;

import org.rtsite.core.InvalidInputException;


/**
 * A regular voxel grid in DICOM patient coordinates (LPS, mm): voxel (i, j, k) has its centre at
 * {@code origin + i·dx·axisI + j·dy·axisJ + k·dz·axisK}. The axes are unit direction cosines;
 * {@code axisI} and {@code axisJ} are DICOM's ImageOrientationPatient row and column directions,
 * and {@code axisK} is the direction in which slice index grows (not necessarily their cross
 * product: a series may be stored from head to feet). Voxels are stored with i fastest:
 * {@code index = i + nx·(j + ny·k)}.
 */
public record ImageGrid(int nx, int ny, int nz,
                        double dx, double dy, double dz,
                        Vec3 origin, Vec3 axisI, Vec3 axisJ, Vec3 axisK) {

    private static final double UNIT_TOLERANCE = 1e-4;

    public ImageGrid {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new InvalidInputException("grid dimensions must be positive, got " + nx + "×" + ny + "×" + nz);
        }
        if ((long) nx * ny * nz > Integer.MAX_VALUE) {
            throw new InvalidInputException("grid of " + nx + "×" + ny + "×" + nz + " voxels exceeds 2^31");
        }
        if (!(dx > 0) || !(dy > 0) || !(dz > 0) || !Double.isFinite(dx) || !Double.isFinite(dy) || !Double.isFinite(dz)) {
            throw new InvalidInputException("grid spacing must be positive and finite, got " + dx + ", " + dy + ", " + dz);
        }
        if (!origin.isFinite()) {
            throw new InvalidInputException("grid origin must be finite, got " + origin);
        }
        checkUnit("axisI", axisI);
        checkUnit("axisJ", axisJ);
        checkUnit("axisK", axisK);
        double volume = Math.abs(axisI.cross(axisJ).dot(axisK));
        if (volume < 1e-3) {
            throw new InvalidInputException("grid axes are (nearly) coplanar: " + axisI + ", " + axisJ + ", " + axisK);
        }
    }

    /** An axial, head-first-supine style grid: axes along patient x, y, z. */
    public static ImageGrid axial(int nx, int ny, int nz, double dx, double dy, double dz, Vec3 origin) {
        return new ImageGrid(nx, ny, nz, dx, dy, dz, origin, Vec3.X, Vec3.Y, Vec3.Z);
    }

    private static void checkUnit(String name, Vec3 v) {
        if (!v.isFinite() || Math.abs(v.norm() - 1) > UNIT_TOLERANCE) {
            throw new InvalidInputException(name + " must be a unit vector, got " + v);
        }
    }

    public int voxelCount() {
        return nx * ny * nz;
    }

    /** Voxel volume in cubic centimetres. */
    public double voxelVolumeCc() {
        return dx * dy * dz * Math.abs(axisI.cross(axisJ).dot(axisK)) / 1000.0;
    }

    public int index(int i, int j, int k) {
        return i + nx * (j + ny * k);
    }

    public boolean contains(int i, int j, int k) {
        return i >= 0 && i < nx && j >= 0 && j < ny && k >= 0 && k < nz;
    }

    /** Patient position of (possibly fractional) voxel coordinates. */
    public Vec3 toPatient(double i, double j, double k) {
        return origin.plus(axisI.times(i * dx)).plus(axisJ.times(j * dy)).plus(axisK.times(k * dz));
    }

    /** The index → patient map as an affine (columns are the scaled axes). */
    public Affine indexToPatient() {
        return Affine.columns(axisI.times(dx), axisJ.times(dy), axisK.times(dz), origin);
    }

    /** The patient → continuous index map. */
    public Affine patientToIndex() {
        return indexToPatient().inverse();
    }

    /** Continuous voxel coordinates of a patient position. */
    public Vec3 toIndex(Vec3 p) {
        return patientToIndex().apply(p);
    }

    /** The part of this grid inside {@code box}, with the origin moved to the box's first voxel. */
    public ImageGrid sub(IndexBox box) {
        if (box.isEmpty() || !box.within(IndexBox.of(this))) {
            throw new InvalidInputException("box " + box + " is empty or not within grid " + nx + "×" + ny + "×" + nz);
        }
        return new ImageGrid(box.nx(), box.ny(), box.nz(), dx, dy, dz,
                toPatient(box.i0(), box.j0(), box.k0()), axisI, axisJ, axisK);
    }

    /** Same dimensions, and spacing, origin and axes equal within {@code tolMm} (axes within 1e-4). */
    public boolean sameGeometry(ImageGrid o, double tolMm) {
        return nx == o.nx && ny == o.ny && nz == o.nz
                && Math.abs(dx - o.dx) <= tolMm && Math.abs(dy - o.dy) <= tolMm && Math.abs(dz - o.dz) <= tolMm
                && origin.approx(o.origin, tolMm)
                && axisI.approx(o.axisI, UNIT_TOLERANCE) && axisJ.approx(o.axisJ, UNIT_TOLERANCE)
                && axisK.approx(o.axisK, UNIT_TOLERANCE);
    }

    /** A short human-readable description for error messages. */
    public String describe() {
        return nx + "×" + ny + "×" + nz + " @ " + dx + "×" + dy + "×" + dz + " mm, origin " + origin;
    }
}
