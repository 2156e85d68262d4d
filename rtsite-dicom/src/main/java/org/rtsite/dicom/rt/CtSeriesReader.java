package org.rtsite.dicom.rt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.PixelData;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.TransferSyntax;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slices of one CT series into a {@link CtSeries}.
 *
 * <p>Headers are read first (without pixel data) to sort the slices by ImagePositionPatient
 * projected on the slice normal and to check the series: one series, one frame of reference, one
 * orientation (within {@link #ORIENTATION_TOLERANCE}), one size and pixel spacing, positions along
 * the normal (else the series was acquired with gantry tilt and is refused), evenly spaced within
 * the spacing tolerance (default {@link #DEFAULT_SPACING_TOLERANCE} of the median spacing). A
 * missing slice, two slices at one position, or irregular spacing raise an
 * {@link InvalidInputException} naming the files and positions. The one repair offered is opt-in:
 * {@link #dropDuplicateSlices()} keeps the first (lowest InstanceNumber) of slices sharing a
 * position. Pixels are then read in parallel straight into the volume and rescaled to HU
 * (clamped to the 16-bit range).
 */
public final class CtSeriesReader {

    private static final Logger LOG = LoggerFactory.getLogger(CtSeriesReader.class);

    public static final double DEFAULT_SPACING_TOLERANCE = 0.01;
    public static final double ORIENTATION_TOLERANCE = 1e-4;
    /** Positions may stray this far (mm) sideways from the normal through the first slice before it is a tilt. */
    public static final double TILT_TOLERANCE_MM = 0.01;

    private final double spacingTolerance;
    private final boolean dropDuplicates;

    private CtSeriesReader(double spacingTolerance, boolean dropDuplicates) {
        this.spacingTolerance = spacingTolerance;
        this.dropDuplicates = dropDuplicates;
    }

    public static CtSeriesReader defaults() {
        return new CtSeriesReader(DEFAULT_SPACING_TOLERANCE, false);
    }

    /** Relative tolerance on each gap between slices, as a fraction of the median gap. */
    public CtSeriesReader withSpacingTolerance(double fraction) {
        if (!(fraction > 0 && fraction < 0.5)) {
            throw new InvalidInputException("spacing tolerance must be a fraction in (0, 0.5), got " + fraction);
        }
        return new CtSeriesReader(fraction, dropDuplicates);
    }

    /** Opt-in repair: of slices at one position keep the one with the lowest InstanceNumber. */
    public CtSeriesReader dropDuplicateSlices() {
        return new CtSeriesReader(spacingTolerance, true);
    }

    /** Every regular file in {@code dir} (not recursive) whose Modality is CT; other files are ignored. */
    public CtSeries readDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new RtsiteIOException("cannot list CT directory " + dir, e);
        }
        List<Slice> slices = files.parallelStream().map(f -> {
            DicomFile h;
            try {
                h = DicomReader.defaults().withStopBeforePixelData(true).read(f);
            } catch (DicomFormatException e) {
                LOG.debug("skipping {}: {}", f, e.getMessage());
                return null;
            }
            return "CT".equalsIgnoreCase(h.dataset().getString(Tag.Modality, "").trim()) ? slice(f, h) : null;
        }).filter(java.util.Objects::nonNull).toList();
        if (slices.isEmpty()) {
            throw new InvalidInputException("no CT slices in " + dir);
        }
        return assemble(slices);
    }

    /** The given files, which must all be slices of one CT series. */
    public CtSeries read(List<Path> files) {
        if (files.isEmpty()) {
            throw new InvalidInputException("no CT files given");
        }
        List<Slice> slices = files.parallelStream().map(f -> {
            DicomFile h = DicomReader.defaults().withStopBeforePixelData(true).read(f);
            RtObjects.requireModality(h, "CT");
            return slice(f, h);
        }).toList();
        return assemble(slices);
    }

    private record Slice(Path file, String uid, String series, String frame, int instance, int rows, int cols,
                         double[] iop, Vec3 position, double[] spacing, DicomDataset header, String transferSyntax) {
    }

    private static Slice slice(Path f, DicomFile h) {
        DicomDataset ds = h.dataset();
        double[] iop = ds.requireDoubles(Tag.ImageOrientationPatient);
        double[] ipp = ds.requireDoubles(Tag.ImagePositionPatient);
        double[] ps = ds.requireDoubles(Tag.PixelSpacing);
        if (iop.length != 6 || ipp.length != 3 || ps.length != 2) {
            throw new DicomFormatException(f.toString(), DicomFormatException.NO_OFFSET, Tag.ImageOrientationPatient,
                    "ImageOrientationPatient/ImagePositionPatient/PixelSpacing need 6/3/2 values, got "
                            + iop.length + "/" + ipp.length + "/" + ps.length);
        }
        RtObjects.requireFinite(f.toString(), ds, Tag.ImageOrientationPatient, "ImageOrientationPatient", iop);
        RtObjects.requireFinite(f.toString(), ds, Tag.ImagePositionPatient, "ImagePositionPatient", ipp);
        RtObjects.requireFinite(f.toString(), ds, Tag.PixelSpacing, "PixelSpacing", ps);
        return new Slice(f, RtObjects.sopInstanceUid(h), ds.getString(Tag.SeriesInstanceUID, ""),
                ds.getString(Tag.FrameOfReferenceUID, ""), ds.getInt(Tag.InstanceNumber, Integer.MAX_VALUE),
                ds.requireInt(Tag.Rows), ds.requireInt(Tag.Columns), iop, new Vec3(ipp[0], ipp[1], ipp[2]), ps, ds,
                h.transferSyntaxUid());
    }

    private CtSeries assemble(List<Slice> input) {
        Slice first = input.get(0);
        TreeSet<String> series = new TreeSet<>();
        input.forEach(s -> series.add(s.series));
        if (series.size() > 1) {
            throw new InvalidInputException("CT files belong to " + series.size() + " series " + series
                    + "; read one series at a time");
        }
        Vec3 row = new Vec3(first.iop[0], first.iop[1], first.iop[2]);
        Vec3 col = new Vec3(first.iop[3], first.iop[4], first.iop[5]);
        Vec3 normal = RtDose.checkedNormal(first.file.toString(), row, col);
        for (Slice s : input) {
            for (int i = 0; i < 6; i++) {
                if (Math.abs(s.iop[i] - first.iop[i]) > ORIENTATION_TOLERANCE) {
                    throw new InvalidInputException("CT slice " + s.file + " has ImageOrientationPatient "
                            + Arrays.toString(s.iop) + ", unlike " + Arrays.toString(first.iop) + " of " + first.file);
                }
            }
            if (s.rows != first.rows || s.cols != first.cols
                    || Math.abs(s.spacing[0] - first.spacing[0]) > 1e-4 || Math.abs(s.spacing[1] - first.spacing[1]) > 1e-4) {
                throw new InvalidInputException("CT slice " + s.file + " is " + s.cols + "×" + s.rows + " at "
                        + Arrays.toString(s.spacing) + " mm, unlike " + first.cols + "×" + first.rows + " at "
                        + Arrays.toString(first.spacing) + " mm of " + first.file);
            }
            if (!s.frame.equals(first.frame)) {
                throw new InvalidInputException("CT slice " + s.file + " is in frame of reference '" + s.frame
                        + "', unlike '" + first.frame + "' of " + first.file);
            }
        }
        List<Slice> sorted = new ArrayList<>(input);
        sorted.sort(Comparator.<Slice>comparingDouble(s -> s.position.dot(normal)).thenComparingInt(s -> s.instance));
        sorted = checkDuplicates(sorted, normal);
        int n = sorted.size();
        Slice lo = sorted.get(0);
        for (Slice s : sorted) {
            Vec3 d = s.position.minus(lo.position);
            Vec3 sideways = d.minus(normal.times(d.dot(normal)));
            if (sideways.norm() > TILT_TOLERANCE_MM) {
                String tilt = s.header.getString(Tag.GantryDetectorTilt, "absent");
                throw new InvalidInputException("CT slice " + s.file + " lies " + String.format("%.3f", sideways.norm())
                        + " mm off the slice normal through " + lo.file + ": a gantry-tilted series (GantryDetectorTilt "
                        + tilt + ") is not supported; resample it to an orthogonal grid first");
            }
        }
        double dz = 1;
        if (n > 1) {
            double[] gaps = new double[n - 1];
            for (int k = 0; k + 1 < n; k++) {
                gaps[k] = sorted.get(k + 1).position.dot(normal) - sorted.get(k).position.dot(normal);
            }
            double[] g = gaps.clone();
            Arrays.sort(g);
            double median = g[g.length / 2];
            for (int k = 0; k < gaps.length; k++) {
                if (Math.abs(gaps[k] - median) > spacingTolerance * median) {
                    Slice a = sorted.get(k), b = sorted.get(k + 1);
                    double ratio = gaps[k] / median;
                    String what = Math.abs(ratio - Math.rint(ratio)) <= spacingTolerance * Math.rint(ratio) && ratio > 1.5
                            ? "missing " + (Math.round(ratio) - 1) + " slice(s)"
                            : "irregular slice spacing";
                    throw new InvalidInputException("CT series " + first.series + ": " + what + " between " + a.file
                            + " and " + b.file + " (" + String.format("%.3f", gaps[k]) + " mm apart, the series' spacing is "
                            + String.format("%.3f", median) + " mm, tolerance " + (spacingTolerance * 100) + " %)");
                }
            }
            dz = (sorted.get(n - 1).position.dot(normal) - lo.position.dot(normal)) / (n - 1);
        } else {
            double t = RtObjects.doubleOr(lo.header, Tag.SliceThickness, 0);
            dz = t > 0 ? t : 1; // one slice has no spacing; its thickness (or 1 mm) only sizes its voxels
        }
        ImageGrid grid = new ImageGrid(first.cols, first.rows, n, first.spacing[1], first.spacing[0], dz,
                lo.position, row, col, normal);
        short[] hu = new short[grid.voxelCount()];
        List<Slice> order = sorted;
        int plane = first.rows * first.cols;
        IntStream.range(0, n).parallel().forEach(k -> readPixels(order.get(k), hu, k * plane, plane));
        List<String> uids = new ArrayList<>(n);
        List<String> files = new ArrayList<>(n);
        for (Slice s : sorted) {
            uids.add(s.uid);
            files.add(s.file.toString());
        }
        DicomDataset h = lo.header;
        return new CtSeries(first.series, h.getString(Tag.StudyInstanceUID), first.frame.isEmpty() ? null : first.frame,
                h.getString(Tag.PatientID), h.getString(Tag.PatientPosition), uids, files, new CtVolume(grid, hu));
    }

    private List<Slice> checkDuplicates(List<Slice> sorted, Vec3 normal) {
        List<Slice> kept = new ArrayList<>(sorted.size());
        for (Slice s : sorted) {
            if (!kept.isEmpty()) {
                Slice prev = kept.get(kept.size() - 1);
                if (Math.abs(s.position.dot(normal) - prev.position.dot(normal)) < TILT_TOLERANCE_MM) {
                    if (!dropDuplicates) {
                        throw new InvalidInputException("CT slices " + prev.file + " and " + s.file
                                + " share the position " + s.position + " (duplicate slices; "
                                + "CtSeriesReader.dropDuplicateSlices() keeps the first)");
                    }
                    LOG.warn("CT slice {} duplicates the position of {}; dropped", s.file, prev.file);
                    continue;
                }
            }
            kept.add(s);
        }
        return kept;
    }

    /** One slice-sized read buffer per thread: a 200-slice series would otherwise allocate 100 MB of garbage. */
    private static final ThreadLocal<ByteBuffer> TAIL = ThreadLocal.withInitial(() -> ByteBuffer.allocate(0));

    /**
     * The pixel bytes of a native little endian slice whose Pixel Data is the file's last element, read
     * straight from the file's tail after checking the element header in front of it; null when the
     * file is laid out otherwise (the codec then reads it). Saves parsing each 0.5 MB slice twice.
     */
    private static ByteBuffer tailPixels(Slice s, int plane) {
        boolean implicit = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(s.transferSyntax);
        if (!implicit && !TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.equals(s.transferSyntax)) {
            return null;
        }
        DicomDataset ds = s.header;
        if (ds.getInt(Tag.BitsAllocated, 0) != 16 || ds.getInt(Tag.SamplesPerPixel, 1) != 1) {
            return null;
        }
        int length = 2 * plane;
        int headerLength = implicit ? 8 : 12;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(s.file)) {
            long start = ch.size() - length;
            if (start < headerLength) {
                return null;
            }
            ByteBuffer buf = TAIL.get();
            if (buf.capacity() < headerLength + length) {
                buf = ByteBuffer.allocate(headerLength + length);
                TAIL.set(buf);
            }
            buf.clear().limit(headerLength + length);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            long at = start - headerLength;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, at + buf.position());
                if (n < 0) {
                    return null;
                }
            }
            boolean tagOk = buf.getShort(0) == 0x7FE0 && buf.getShort(2) == 0x0010;
            boolean lengthOk = implicit ? buf.getInt(4) == length
                    : (buf.get(4) == 'O' && (buf.get(5) == 'W' || buf.get(5) == 'B') && buf.getInt(8) == length);
            return tagOk && lengthOk ? buf.position(headerLength).slice() : null;
        } catch (IOException e) {
            throw new RtsiteIOException("cannot read CT slice " + s.file, e);
        }
    }

    private static void readPixels(Slice s, short[] hu, int base, int plane) {
        ByteBuffer b = tailPixels(s, plane);
        DicomDataset ds = s.header;
        if (b == null) {
            LOG.debug("{}: Pixel Data is not the file's tail; read through the codec", s.file);
            DicomFile f = DicomFile.read(s.file);
            ds = f.dataset();
            PixelData px = f.pixelData();
            if (px.bitsAllocated() != 16 || px.samplesPerPixel() != 1) {
                throw new DicomFormatException(s.file.toString(), DicomFormatException.NO_OFFSET, Tag.BitsAllocated,
                        "CT pixels must be one 16-bit sample, got " + px.samplesPerPixel() + " × " + px.bitsAllocated()
                                + " bits");
            }
            b = ByteBuffer.wrap(px.frame(0)).order(ByteOrder.LITTLE_ENDIAN);
        }
        double slope = RtObjects.doubleOr(ds, Tag.RescaleSlope, 1);
        double intercept = RtObjects.doubleOr(ds, Tag.RescaleIntercept, 0);
        boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
        int stored = ds.getInt(Tag.BitsStored, 16);
        if (!Double.isFinite(slope) || slope == 0 || !Double.isFinite(intercept)) {
            throw new DicomFormatException(s.file.toString(), DicomFormatException.NO_OFFSET, Tag.RescaleSlope,
                    "RescaleSlope " + slope + " / RescaleIntercept " + intercept + " cannot map pixels to HU");
        }
        if (stored < 1 || stored > 16) {
            throw new DicomFormatException(s.file.toString(), DicomFormatException.NO_OFFSET, Tag.BitsStored,
                    "BitsStored " + stored + " is not in 1..16");
        }
        // Stored values occupy the low BitsStored bits (HighBit = BitsStored − 1 in every CT we know).
        // Bulk copy, then one table look-up per voxel: the table folds masking, sign, slope, intercept,
        // rounding and clamping, and is shared by the slices with the same rescale.
        b.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(0, hu, base, plane);
        if (signed && stored == 16 && slope == 1 && intercept == 0) {
            return;
        }
        short[] lut = LUTS.computeIfAbsent(new Rescale(signed, stored, slope, intercept), CtSeriesReader::table);
        for (int i = base, end = base + plane; i < end; i++) {
            hu[i] = lut[hu[i] & 0xFFFF];
        }
    }

    private record Rescale(boolean signed, int stored, double slope, double intercept) {
    }

    /** A handful of distinct rescales exist per archive; 128 kB each. */
    private static final java.util.Map<Rescale, short[]> LUTS = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Rescale, short[]> e) {
                    return size() > 16;
                }
            });

    private static short[] table(Rescale r) {
        short[] lut = new short[1 << 16];
        int shift = 32 - r.stored;
        for (int raw = 0; raw < 1 << 16; raw++) {
            int v = r.signed ? (raw << shift) >> shift : (raw << shift) >>> shift;
            long h = Math.round(v * r.slope + r.intercept);
            lut[raw] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, h));
        }
        return lut;
    }
}
