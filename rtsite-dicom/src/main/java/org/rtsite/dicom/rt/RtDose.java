package org.rtsite.dicom.rt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.PixelData;
import org.rtsite.dicom.Tag;

/**
 * An RT Dose: the dose grid as a {@link DoseVolume} and what the dose is (units, type, summation)
 * and belongs to (plan, beams, fraction group).
 *
 * <p>The frames' positions come from GridFrameOffsetVector in either of the standard's forms:
 * relative (first value 0: offsets along the frames' normal from ImagePositionPatient) or absolute
 * (first value equal to ImagePositionPatient's z, allowed for axial frames only: the values are z
 * coordinates). Offsets must be evenly spaced within {@link #OFFSET_TOLERANCE_MM}; decreasing offsets
 * give a grid whose k axis points against the normal. Voxels are stored values × DoseGridScaling;
 * for DoseUnits CGY they are converted to Gy, for RELATIVE they are left as fractions (the volume is
 * then not in Gy: check {@link #units()}).
 */
public record RtDose(String source, String sopInstanceUid, String patientId, String frameOfReferenceUid,
                     String units, String type, String summationType, double gridScaling, int bitsAllocated,
                     String referencedPlanUid, List<Integer> referencedFractionGroups,
                     List<Integer> referencedBeamNumbers, DoseVolume volume) {

    public static final double OFFSET_TOLERANCE_MM = 0.01;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RtDose.class);

    public RtDose {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(volume, "volume");
        referencedFractionGroups = List.copyOf(referencedFractionGroups);
        referencedBeamNumbers = List.copyOf(referencedBeamNumbers);
    }

    public ImageGrid grid() {
        return volume.grid();
    }

    public int frames() {
        return volume.grid().nz();
    }

    public static RtDose read(Path file) {
        return of(DicomFile.read(file));
    }

    public static RtDose of(DicomFile file) {
        RtObjects.requireModality(file, "RTDOSE");
        DicomDataset ds = file.dataset();
        String src = file.source();
        int rows = ds.requireInt(Tag.Rows);
        int cols = ds.requireInt(Tag.Columns);
        int frames = ds.getInt(Tag.NumberOfFrames, 1);
        double[] iop = ds.requireDoubles(Tag.ImageOrientationPatient);
        double[] ipp = ds.requireDoubles(Tag.ImagePositionPatient);
        double[] ps = ds.requireDoubles(Tag.PixelSpacing);
        if (iop.length != 6 || ipp.length != 3 || ps.length != 2) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.ImageOrientationPatient,
                    "ImageOrientationPatient/ImagePositionPatient/PixelSpacing need 6/3/2 values, got "
                            + iop.length + "/" + ipp.length + "/" + ps.length);
        }
        RtObjects.requireFinite(src, ds, Tag.ImageOrientationPatient, "ImageOrientationPatient", iop);
        RtObjects.requireFinite(src, ds, Tag.ImagePositionPatient, "ImagePositionPatient", ipp);
        RtObjects.requireFinite(src, ds, Tag.PixelSpacing, "PixelSpacing", ps);
        Vec3 row = new Vec3(iop[0], iop[1], iop[2]);
        Vec3 col = new Vec3(iop[3], iop[4], iop[5]);
        Vec3 normal = checkedNormal(src, row, col);
        Vec3 origin = new Vec3(ipp[0], ipp[1], ipp[2]);
        double[] offsets = ds.getDoubles(Tag.GridFrameOffsetVector);
        double[] rel = relativeOffsets(src, offsets, frames, origin, normal);
        double dz;
        Vec3 axisK = normal;
        if (frames == 1) {
            double t = RtObjects.doubleOr(ds, Tag.SliceThickness, 0);
            dz = t > 0 ? t : 1; // one frame has no spacing; the thickness (or 1 mm) only sizes its voxel
        } else {
            double step = (rel[frames - 1] - rel[0]) / (frames - 1);
            if (Math.abs(step) < OFFSET_TOLERANCE_MM) {
                throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.GridFrameOffsetVector,
                        "GridFrameOffsetVector does not advance: frames are " + step + " mm apart");
            }
            for (int k = 1; k < frames; k++) {
                double expected = rel[0] + k * step;
                if (Math.abs(rel[k] - expected) > OFFSET_TOLERANCE_MM) {
                    throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.GridFrameOffsetVector,
                            "GridFrameOffsetVector is not evenly spaced: frame " + k + " at " + rel[k]
                                    + " mm, expected " + expected + " mm (tolerance " + OFFSET_TOLERANCE_MM + " mm)");
                }
            }
            dz = Math.abs(step);
            if (step < 0) {
                axisK = normal.times(-1);
            }
        }
        origin = origin.plus(normal.times(rel[0]));
        ImageGrid grid;
        try {
            grid = new ImageGrid(cols, rows, frames, ps[1], ps[0], dz, origin, row, col, axisK);
        } catch (InvalidInputException e) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.ImagePositionPatient,
                    "dose grid geometry is invalid: " + e.getMessage(), e);
        }
        String units = ds.getString(Tag.DoseUnits, "").trim().toUpperCase(Locale.ROOT);
        double scaling = RtObjects.doubleOr(ds, Tag.DoseGridScaling, 1);
        if (!(scaling > 0) || !Double.isFinite(scaling)) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.DoseGridScaling,
                    "DoseGridScaling " + scaling + " is not a positive number");
        }
        double factor = units.equals("CGY") ? scaling / 100 : scaling;
        PixelData pixels = file.pixelData();
        int bits = pixels.bitsAllocated();
        boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
        if (pixels.samplesPerPixel() != 1 || (bits != 16 && bits != 32) || pixels.rows() != rows
                || pixels.columns() != cols || pixels.numberOfFrames() != frames) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.BitsAllocated,
                    "RTDOSE pixel data must be one 16- or 32-bit sample per voxel, got " + pixels.samplesPerPixel()
                            + " sample(s) of " + bits + " bits");
        }
        int plane = rows * cols;
        // Big endian OW comes from the codec swapped per 16-bit word (PS3.5 6.2, as dcmtk reads and writes
        // it): a 32-bit dose is used as read. pydicom's own rtdose_expb.dcm swaps 32-bit values whole and
        // so reads with its 16-bit halves exchanged here, as in dcmtk (docs/dicom.md).
        float[] gy = new float[grid.voxelCount()];
        for (int k = 0; k < frames; k++) {
            ByteBuffer b = ByteBuffer.wrap(pixels.frame(k)).order(ByteOrder.LITTLE_ENDIAN);
            int base = k * plane;
            if (bits == 16) {
                for (int i = 0; i < plane; i++) {
                    short s = b.getShort();
                    gy[base + i] = (float) ((signed ? s : s & 0xFFFF) * factor);
                }
            } else {
                for (int i = 0; i < plane; i++) {
                    int v = b.getInt();
                    gy[base + i] = (float) ((signed ? v : v & 0xFFFFFFFFL) * factor);
                }
            }
        }
        String planUid = null;
        List<Integer> groups = new ArrayList<>();
        List<Integer> beams = new ArrayList<>();
        DicomDataset plan = ds.getItem(Tag.ReferencedRTPlanSequence);
        if (plan != null) {
            planUid = plan.getString(Tag.ReferencedSOPInstanceUID);
            for (DicomDataset fg : plan.getSequence(Tag.ReferencedFractionGroupSequence)) {
                int n = fg.getInt(Tag.ReferencedFractionGroupNumber, Integer.MIN_VALUE);
                if (n != Integer.MIN_VALUE) {
                    groups.add(n);
                }
                for (DicomDataset b : fg.getSequence(Tag.ReferencedBeamSequence)) {
                    int bn = b.getInt(Tag.ReferencedBeamNumber, Integer.MIN_VALUE);
                    if (bn != Integer.MIN_VALUE) {
                        beams.add(bn);
                    }
                }
            }
        }
        return new RtDose(src, RtObjects.sopInstanceUid(file), ds.getString(Tag.PatientID),
                ds.getString(Tag.FrameOfReferenceUID), units, ds.getString(Tag.DoseType, ""),
                ds.getString(Tag.DoseSummationType, ""), scaling, bits, planUid, groups, beams,
                new DoseVolume(grid, gy));
    }

    static Vec3 checkedNormal(String src, Vec3 row, Vec3 col) {
        if (Math.abs(row.norm() - 1) > 1e-3 || Math.abs(col.norm() - 1) > 1e-3 || Math.abs(row.dot(col)) > 1e-3) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.ImageOrientationPatient,
                    "ImageOrientationPatient " + row + ", " + col + " is not two orthogonal unit vectors");
        }
        return row.cross(col).normalized();
    }

    /** Offsets along the normal from ImagePositionPatient, whichever form the file uses. */
    static double[] relativeOffsets(String src, double[] offsets, int frames, Vec3 origin, Vec3 normal) {
        if (offsets.length == 0 && frames == 1) {
            return new double[] {0};
        }
        if (offsets.length > frames) {
            // Seen in the wild (a single-frame export keeping the multi-frame vector): the first values apply.
            LOG.warn("{}: GridFrameOffsetVector has {} values for {} frame(s); using the first {}", src, offsets.length,
                    frames, frames);
            offsets = java.util.Arrays.copyOf(offsets, frames);
        }
        if (offsets.length != frames) {
            throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.GridFrameOffsetVector,
                    "GridFrameOffsetVector has " + offsets.length + " values for " + frames + " frame(s)");
        }
        if (offsets[0] == 0) {
            return offsets.clone();
        }
        boolean axial = Math.abs(Math.abs(normal.z()) - 1) < 1e-6;
        if (axial && Math.abs(offsets[0] - origin.z()) <= OFFSET_TOLERANCE_MM) {
            double[] rel = new double[frames];
            for (int k = 0; k < frames; k++) {
                rel[k] = (offsets[k] - origin.z()) / normal.z();
            }
            return rel;
        }
        throw new DicomFormatException(src, DicomFormatException.NO_OFFSET, Tag.GridFrameOffsetVector,
                "GridFrameOffsetVector starts at " + offsets[0] + ": neither 0 (relative form) nor ImagePositionPatient z "
                        + origin.z() + (axial ? "" : " of axial frames") + " (absolute form)");
    }
}
