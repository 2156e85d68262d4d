package org.rtsite.nifti;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes single-file NIfTI-1 volumes ({@code .nii}, {@code .nii.gz}), streaming the
 * voxels straight into a primitive array.
 *
 * <p>Orientation: the sform is used when {@code sform_code > 0}, else the qform when
 * {@code qform_code > 0}, else (ANALYZE-style files) pixdim scaling along +x, +y, +z with a
 * warning. NIfTI world coordinates are RAS+; DICOM patient coordinates are LPS+, so the first two
 * rows of the affine change sign. The spatial unit of {@code xyzt_units} (m, mm, µm; unknown taken
 * as mm) is converted to mm.
 */
public final class Nifti {

    private static final Logger LOG = LoggerFactory.getLogger(Nifti.class);
    private static final int HEADER_BYTES = 348;
    private static final int VOX_OFFSET = 352;
    private static final int CHUNK = 1 << 20;

    private Nifti() {
    }

    /**
     * Reads a 3-D volume (a 4th dimension of length 1 is accepted).
     *
     * @throws InvalidInputException for a missing or truncated file, a header rtsite cannot follow (more
     *                               dimensions, an unsupported datatype, a degenerate affine), naming the file
     * @throws RtsiteIOException     when the file cannot be read (the {@code IOException} as cause)
     */
    public static NiftiImage read(Path file) {
        String name = file.toString();
        try (InputStream in = open(file)) {
            byte[] raw = in.readNBytes(HEADER_BYTES);
            if (raw.length < HEADER_BYTES) {
                throw new InvalidInputException("NIfTI file " + name + " is too short for a header (" + raw.length + " bytes)");
            }
            NiftiHeader h = parseHeader(ByteBuffer.wrap(raw), name);
            long skip = (long) h.voxOffset() - HEADER_BYTES;
            if (skip > 0) {
                in.skipNBytes(skip);
            }
            ImageGrid grid = grid(h, name);
            Object data = readVoxels(in, h, grid.voxelCount(), name);
            return new NiftiImage(name, h, grid, data);
        } catch (EOFException e) {
            throw new InvalidInputException("NIfTI file " + name + " ends before its vox_offset", e);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("NIfTI file " + name + " does not exist", e);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read NIfTI file " + name, e);
        }
    }

    /** Reads a label map; labels without a name in {@code names} are named {@code label_N}. */
    public static LabelMap readLabelMap(Path file, String task, java.util.Map<Integer, String> names) {
        return read(file).toLabelMap(task, names);
    }

    /** Reads a one-structure file (non-zero = inside) as a mask named {@code name}. */
    public static BinaryMask readMask(Path file, String name) {
        return read(file).toBinaryMask(name);
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    static NiftiHeader parseHeader(ByteBuffer b, String name) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt(0);
        if (size != HEADER_BYTES) {
            b.order(ByteOrder.BIG_ENDIAN);
            size = b.getInt(0);
        }
        if (size != HEADER_BYTES) {
            if (size == 540 || Integer.reverseBytes(size) == 540) {
                throw new InvalidInputException("NIfTI file " + name + " is NIfTI-2, which is not supported");
            }
            throw new InvalidInputException("file " + name + " is not NIfTI-1: sizeof_hdr is " + b.order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        }
        String magic = new String(new byte[] {b.get(344), b.get(345), b.get(346)}, StandardCharsets.US_ASCII);
        if (magic.equals("ni1")) {
            throw new InvalidInputException("NIfTI file " + name + " is a .hdr/.img pair; only single-file .nii(.gz) is supported");
        }
        if (!magic.equals("n+1")) {
            throw new InvalidInputException("file " + name + " has no NIfTI-1 magic 'n+1' (found '" + magic + "')");
        }
        int ndim = b.getShort(40);
        if (ndim < 1 || ndim > 7) {
            throw new InvalidInputException("NIfTI file " + name + ": dim[0] = " + ndim + " is outside 1..7");
        }
        int[] dim = new int[8];
        for (int d = 1; d <= 7; d++) {
            dim[d] = d <= ndim ? b.getShort(40 + 2 * d) : 1;
            if (dim[d] < 1) {
                throw new InvalidInputException("NIfTI file " + name + ": dim[" + d + "] = " + dim[d] + " is not positive");
            }
        }
        for (int d = 4; d <= 7; d++) {
            if (dim[d] != 1) {
                throw new InvalidInputException("NIfTI file " + name + " has " + dim[d] + " volumes along dimension " + d
                        + "; only 3-D volumes are supported");
            }
        }
        NiftiDatatype type = NiftiDatatype.ofCode(b.getShort(70), name);
        float[] pixdim = new float[8];
        for (int d = 0; d < 8; d++) {
            pixdim[d] = b.getFloat(76 + 4 * d);
        }
        float voxOffset = b.getFloat(108);
        if (voxOffset < VOX_OFFSET && voxOffset != 0 || voxOffset != Math.floor(voxOffset)) {
            throw new InvalidInputException("NIfTI file " + name + ": vox_offset " + voxOffset + " is before the end of the header");
        }
        float[][] srow = new float[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
            }
        }
        byte[] descrip = new byte[80];
        b.get(148, descrip);
        int end = 0;
        while (end < 80 && descrip[end] != 0) {
            end++;
        }
        return new NiftiHeader(dim[1], dim[2], dim[3], type, pixdim, voxOffset == 0 ? VOX_OFFSET : voxOffset,
                b.getFloat(112), b.getFloat(116), b.get(123) & 7, b.getShort(252), b.getShort(254),
                b.getFloat(256), b.getFloat(260), b.getFloat(264), b.getFloat(268), b.getFloat(272), b.getFloat(276),
                srow, new String(descrip, 0, end, StandardCharsets.ISO_8859_1), b.order() == ByteOrder.LITTLE_ENDIAN);
    }

    /** The RAS+ voxel → world affine the header asks for, 3×4, in the file's unit. */
    static double[][] rasAffine(NiftiHeader h, String name) {
        double[][] m = new double[3][4];
        if (h.sformCode() > 0) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    m[r][c] = h.srow()[r][c];
                }
            }
            return m;
        }
        if (h.qformCode() > 0) {
            double b = h.quaternB();
            double c = h.quaternC();
            double d = h.quaternD();
            double a = 1 - (b * b + c * c + d * d);
            if (a < 1e-7) { // as nifti1_io: a 180° rotation stored with rounding; renormalize (b, c, d)
                double norm = Math.sqrt(b * b + c * c + d * d);
                b /= norm;
                c /= norm;
                d /= norm;
                a = 0;
            } else {
                a = Math.sqrt(a);
            }
            double[][] r = {
                {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
            double qfac = h.pixdim()[0] < 0 ? -1 : 1;
            double[] s = {h.pixdim()[1], h.pixdim()[2], h.pixdim()[3] * qfac};
            for (int row = 0; row < 3; row++) {
                for (int col = 0; col < 3; col++) {
                    m[row][col] = r[row][col] * s[col];
                }
            }
            m[0][3] = h.qoffsetX();
            m[1][3] = h.qoffsetY();
            m[2][3] = h.qoffsetZ();
            return m;
        }
        LOG.warn("NIfTI file {} has neither sform nor qform; using pixdim scaling along +x, +y, +z (RAS)", name);
        for (int i = 0; i < 3; i++) {
            m[i][i] = Math.abs(h.pixdim()[i + 1]);
        }
        return m;
    }

    static ImageGrid grid(NiftiHeader h, String name) {
        double[][] m = rasAffine(h, name);
        double unit = switch (h.xyzUnits()) {
            case 1 -> 1000.0;
            case 3 -> 0.001;
            default -> 1.0;
        };
        double[] flip = {-unit, -unit, unit}; // RAS → LPS, and into mm
        Vec3[] col = new Vec3[4];
        for (int c = 0; c < 4; c++) {
            col[c] = new Vec3(flip[0] * m[0][c], flip[1] * m[1][c], flip[2] * m[2][c]);
        }
        double[] spacing = new double[3];
        for (int c = 0; c < 3; c++) {
            spacing[c] = col[c].norm();
            if (!(spacing[c] > 0) || !Double.isFinite(spacing[c])) {
                throw new InvalidInputException("NIfTI file " + name + ": voxel axis " + c + " of the "
                        + (h.sformCode() > 0 ? "sform" : h.qformCode() > 0 ? "qform" : "pixdim") + " has length " + spacing[c]);
            }
        }
        try {
            return new ImageGrid(h.nx(), h.ny(), h.nz(), spacing[0], spacing[1], spacing[2], col[3],
                    col[0].times(1 / spacing[0]), col[1].times(1 / spacing[1]), col[2].times(1 / spacing[2]));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("NIfTI file " + name + ": " + e.getMessage(), e);
        }
    }

    private static Object readVoxels(InputStream in, NiftiHeader h, int n, String name) throws IOException {
        NiftiDatatype t = h.datatype();
        Object data = switch (t) {
            case UINT8, INT8 -> new byte[n];
            case INT16, UINT16 -> new short[n];
            case INT32 -> new int[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
        };
        int size = t.bytes();
        byte[] buf = new byte[CHUNK - CHUNK % 8];
        ByteOrder order = h.littleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int done = 0;
        while (done < n) {
            int want = (int) Math.min((long) (n - done) * size, buf.length);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw new InvalidInputException("NIfTI file " + name + " is truncated: its data ends after "
                        + (done + got / size) + " of " + n + " voxels");
            }
            int count = want / size;
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, want).order(order);
            switch (t) {
                case UINT8, INT8 -> System.arraycopy(buf, 0, data, done, count);
                case INT16, UINT16 -> bb.asShortBuffer().get((short[]) data, done, count);
                case INT32 -> bb.asIntBuffer().get((int[]) data, done, count);
                case FLOAT32 -> bb.asFloatBuffer().get((float[]) data, done, count);
                case FLOAT64 -> bb.asDoubleBuffer().get((double[]) data, done, count);
            }
            done += count;
        }
        return data;
    }

    /**
     * Writes a volume: {@code byte[]} as uint8, {@code short[]} int16, {@code int[]} int32,
     * {@code float[]} float32, {@code double[]} float64; gzip-compressed when the name ends in
     * {@code .gz}. Both sform and (when the axes are orthogonal) qform are written, in RAS+ mm.
     *
     * @throws InvalidInputException for an array type not listed or a length that does not match the grid
     * @throws RtsiteIOException     when the file cannot be written, naming it and the OS's words
     */
    public static void write(Path file, ImageGrid grid, Object data) {
        NiftiDatatype t;
        int length;
        if (data instanceof byte[] a) {
            t = NiftiDatatype.UINT8;
            length = a.length;
        } else if (data instanceof short[] a) {
            t = NiftiDatatype.INT16;
            length = a.length;
        } else if (data instanceof int[] a) {
            t = NiftiDatatype.INT32;
            length = a.length;
        } else if (data instanceof float[] a) {
            t = NiftiDatatype.FLOAT32;
            length = a.length;
        } else if (data instanceof double[] a) {
            t = NiftiDatatype.FLOAT64;
            length = a.length;
        } else {
            throw new InvalidInputException("cannot write " + (data == null ? "null" : data.getClass().getSimpleName())
                    + " as NIfTI; use byte[], short[], int[], float[] or double[]");
        }
        if (length != grid.voxelCount()) {
            throw new InvalidInputException("data for " + file + " has " + length + " voxels, grid " + grid.describe()
                    + " has " + grid.voxelCount());
        }
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header(grid, t));
            writeVoxels(out, t, data, length);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write NIfTI file " + file, e);
        }
    }

    /** Writes a label map as uint8. */
    public static void writeLabelMap(Path file, LabelMap map) {
        write(file, map.grid(), map.labels());
    }

    /** Writes a mask as uint8 0/1. */
    public static void writeMask(Path file, BinaryMask mask) {
        int n = mask.grid().voxelCount();
        byte[] v = new byte[n];
        for (int x = 0; x < n; x++) {
            v[x] = mask.contains(x) ? (byte) 1 : 0;
        }
        write(file, mask.grid(), v);
    }

    private static byte[] header(ImageGrid g, NiftiDatatype t) {
        ByteBuffer b = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, HEADER_BYTES);
        b.put(38, (byte) 'r');
        short[] dim = {3, (short) g.nx(), (short) g.ny(), (short) g.nz(), 1, 1, 1, 1};
        if (g.nx() > Short.MAX_VALUE || g.ny() > Short.MAX_VALUE || g.nz() > Short.MAX_VALUE) {
            throw new InvalidInputException("grid " + g.describe() + " exceeds NIfTI-1's 32767 voxels per axis");
        }
        for (int d = 0; d < 8; d++) {
            b.putShort(40 + 2 * d, dim[d]);
        }
        b.putShort(70, (short) t.code());
        b.putShort(72, (short) t.bitpix());
        // RAS affine: flip the LPS x and y rows
        Vec3[] cols = {g.axisI().times(g.dx()), g.axisJ().times(g.dy()), g.axisK().times(g.dz()), g.origin()};
        double[][] m = new double[3][4];
        for (int c = 0; c < 4; c++) {
            m[0][c] = -cols[c].x();
            m[1][c] = -cols[c].y();
            m[2][c] = cols[c].z();
        }
        double[] q = quaternion(g);
        b.putFloat(76, q == null ? 1 : (float) q[3]);
        b.putFloat(80, (float) g.dx());
        b.putFloat(84, (float) g.dy());
        b.putFloat(88, (float) g.dz());
        b.putFloat(108, VOX_OFFSET);
        b.putFloat(112, 1);
        b.putFloat(116, 0);
        b.put(123, (byte) 2); // mm
        byte[] descrip = "rtsite".getBytes(StandardCharsets.US_ASCII);
        b.put(148, descrip);
        b.putShort(252, (short) (q == null ? 0 : 1));
        b.putShort(254, (short) 1);
        if (q != null) {
            b.putFloat(256, (float) q[0]);
            b.putFloat(260, (float) q[1]);
            b.putFloat(264, (float) q[2]);
        }
        b.putFloat(268, (float) m[0][3]);
        b.putFloat(272, (float) m[1][3]);
        b.putFloat(276, (float) m[2][3]);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                b.putFloat(280 + 16 * r + 4 * c, (float) m[r][c]);
            }
        }
        b.put(344, (byte) 'n');
        b.put(345, (byte) '+');
        b.put(346, (byte) '1');
        return b.array();
    }

    /** {b, c, d, qfac} of the grid's RAS rotation, or null when the axes are not orthogonal. */
    static double[] quaternion(ImageGrid g) {
        Vec3 i = g.axisI();
        Vec3 j = g.axisJ();
        Vec3 k = g.axisK();
        if (Math.abs(i.dot(j)) > 1e-4 || Math.abs(i.dot(k)) > 1e-4 || Math.abs(j.dot(k)) > 1e-4) {
            return null;
        }
        double[][] r = {{-i.x(), -j.x(), -k.x()}, {-i.y(), -j.y(), -k.y()}, {i.z(), j.z(), k.z()}};
        double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
                - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        double qfac = 1;
        if (det < 0) {
            qfac = -1;
            for (int row = 0; row < 3; row++) {
                r[row][2] = -r[row][2];
            }
        }
        double a = r[0][0] + r[1][1] + r[2][2] + 1;
        double b;
        double c;
        double d;
        if (a > 0.5) {
            a = 0.5 * Math.sqrt(a);
            b = 0.25 * (r[2][1] - r[1][2]) / a;
            c = 0.25 * (r[0][2] - r[2][0]) / a;
            d = 0.25 * (r[1][0] - r[0][1]) / a;
        } else {
            double xd = 1 + r[0][0] - (r[1][1] + r[2][2]);
            double yd = 1 + r[1][1] - (r[0][0] + r[2][2]);
            double zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
            if (xd > 1) {
                b = 0.5 * Math.sqrt(xd);
                c = 0.25 * (r[0][1] + r[1][0]) / b;
                d = 0.25 * (r[0][2] + r[2][0]) / b;
                a = 0.25 * (r[2][1] - r[1][2]) / b;
            } else if (yd > 1) {
                c = 0.5 * Math.sqrt(yd);
                b = 0.25 * (r[0][1] + r[1][0]) / c;
                d = 0.25 * (r[1][2] + r[2][1]) / c;
                a = 0.25 * (r[0][2] - r[2][0]) / c;
            } else {
                d = 0.5 * Math.sqrt(zd);
                b = 0.25 * (r[0][2] + r[2][0]) / d;
                c = 0.25 * (r[1][2] + r[2][1]) / d;
                a = 0.25 * (r[1][0] - r[0][1]) / d;
            }
            if (a < 0) {
                b = -b;
                c = -c;
                d = -d;
            }
        }
        return new double[] {b, c, d, qfac};
    }

    private static void writeVoxels(OutputStream out, NiftiDatatype t, Object data, int n) throws IOException {
        int size = t.bytes();
        if (t == NiftiDatatype.UINT8) {
            out.write((byte[]) data, 0, n);
            return;
        }
        ByteBuffer bb = ByteBuffer.allocate(CHUNK - CHUNK % 8).order(ByteOrder.LITTLE_ENDIAN);
        int per = bb.capacity() / size;
        for (int done = 0; done < n; done += per) {
            int count = Math.min(per, n - done);
            bb.clear();
            switch (t) {
                case INT16 -> bb.asShortBuffer().put((short[]) data, done, count);
                case INT32 -> bb.asIntBuffer().put((int[]) data, done, count);
                case FLOAT32 -> bb.asFloatBuffer().put((float[]) data, done, count);
                case FLOAT64 -> bb.asDoubleBuffer().put((double[]) data, done, count);
                default -> throw new RtsiteException(t.toString());
            }
            out.write(bb.array(), 0, count * size);
        }
    }
}
