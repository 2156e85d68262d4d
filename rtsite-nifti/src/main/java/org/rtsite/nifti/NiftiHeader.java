package org.rtsite.nifti;

/**
 * The NIfTI-1 header fields rtsite uses. Spatial transforms are as stored (RAS+, in the file's
 * spatial unit); {@link NiftiImage#grid()} converts them to DICOM LPS millimetres.
 *
 * @param pixdim    pixdim[0..7]; pixdim[0] is qfac
 * @param xyzUnits  low three bits of xyzt_units: 0 unknown, 1 metre, 2 mm, 3 µm
 * @param srow      sform rows x, y, z, four numbers each
 */
public record NiftiHeader(int nx, int ny, int nz, NiftiDatatype datatype, float[] pixdim, float voxOffset,
                          float sclSlope, float sclInter, int xyzUnits, int qformCode, int sformCode,
                          float quaternB, float quaternC, float quaternD,
                          float qoffsetX, float qoffsetY, float qoffsetZ, float[][] srow, String description,
                          boolean littleEndian) {

    /** True when scl_slope asks for scaling (a zero or non-finite slope means none, per the standard). */
    public boolean scaled() {
        return sclSlope != 0 && Float.isFinite(sclSlope) && !(sclSlope == 1 && sclInter == 0);
    }
}
