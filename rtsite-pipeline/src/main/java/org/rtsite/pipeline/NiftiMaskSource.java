package org.rtsite.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.AxisReorder;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.NearestNeighbour;
import org.rtsite.core.phantom.TotalSegmentatorLabels;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.nifti.Nifti;
import org.rtsite.nifti.NiftiImage;

/**
 * Organ masks from TotalSegmentator outputs on disk. For each plan the folder
 * {@code root/<PatientID>/} is used, else {@code root/<CT SeriesInstanceUID>/}, else
 * {@code root/<RTPLAN SOPInstanceUID>/}. In it (and in its {@code segmentations/} sub-folder):
 * <ul>
 *   <li>{@code total.nii.gz}, {@code head_glands_cavities.nii.gz}, {@code appendicular_bones.nii.gz}
 *       (or {@code .nii}) are multilabel maps with TotalSegmentator's class numbers of that task;</li>
 *   <li>any other {@code NAME.nii[.gz]} is one structure called NAME (TotalSegmentator's
 *       {@code --ml}-less output).</li>
 * </ul>
 * Each key becomes one path component: path separators, NUL and control characters are replaced by
 * {@code _}, and a key of {@code .} or {@code ..} names no folder, so a hostile PatientID never leads
 * outside {@code root}.
 *
 * <p>A file whose voxel centres are the CT's (voxel centres within {@link #GRID_TOLERANCE_MM}, which
 * absorbs the float32 rounding of NIfTI's affine) is used as is, also when its voxels are stored in
 * another axis order, as dcm2niix and dicom2nifti write them (rows flipped; slices flipped for
 * feet-first or descending series): such a file is re-indexed exactly, and the result says so in its
 * {@code maskNotes}. A file on any other grid is refused with both grids in the message, unless the
 * source was made with {@link OffGrid#NEAREST}: then it is resampled by nearest neighbour, also noted.
 */
public final class NiftiMaskSource implements MaskSource {
    /** Largest distance between NIfTI and CT voxel geometry accepted (NIfTI stores its affine in float32). */
    public static final double GRID_TOLERANCE_MM = 0.01;
    private static final Set<String> TASKS = Set.of(TotalSegmentatorLabels.TOTAL,
            TotalSegmentatorLabels.HEAD_GLANDS_CAVITIES, TotalSegmentatorLabels.APPENDICULAR_BONES);

    /** What to do with a file whose voxel centres are not the CT's. */
    public enum OffGrid {
        /** Refuse the plan, naming both grids (the default: resampling moves organ boundaries). */
        REFUSE,
        /** Resample by nearest neighbour onto the CT grid, and note it in the result. */
        NEAREST
    }

    private final Path root;
    private final RegionDictionary dictionary;
    private final OffGrid offGrid;

    /** A source that refuses files off the CT grid. */
    public NiftiMaskSource(Path root, RegionDictionary dictionary) {
        this(root, dictionary, OffGrid.REFUSE);
    }

    public NiftiMaskSource(Path root, RegionDictionary dictionary, OffGrid offGrid) {
        Objects.requireNonNull(root, "root");
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
        this.offGrid = Objects.requireNonNull(offGrid, "offGrid");
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException("NIfTI mask folder " + root + " does not exist");
        }
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public MaskSource withDictionary(RegionDictionary dictionary) {
        return dictionary == this.dictionary ? this : new NiftiMaskSource(root, dictionary, offGrid);
    }

    @Override
    public String name() {
        return "nifti";
    }

    /** The folder holding this plan's segmentations. */
    public Path folderOf(LoadedPlan plan) {
        List<String> keys = new ArrayList<>();
        keys.add(plan.bundle().patientId());
        keys.add(plan.ct().seriesInstanceUid());
        keys.add(plan.bundle().planUid());
        List<String> looked = new ArrayList<>();
        for (String k : keys) {
            Optional<Path> d = folderFor(k);
            if (d.isEmpty()) {
                continue;
            }
            looked.add(d.get().getFileName().toString());
            if (Files.isDirectory(d.get())) {
                return d.get();
            }
        }
        throw new InvalidInputException("no NIfTI segmentation folder for plan " + plan.bundle().planFile()
                + " under " + root + " (looked for " + looked + ")");
    }

    /**
     * {@code root/<key>} with the key made one safe path component, or empty when the key names no
     * folder (null, blank, {@code .} or {@code ..}). The result always lies directly in {@code root}.
     */
    Optional<Path> folderFor(String key) {
        if (key == null) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            b.append(c == '/' || c == '\\' || Character.isISOControl(c) ? '_' : c);
        }
        String name = b.toString();
        if (name.isBlank() || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        Path d;
        try {
            d = root.resolve(name);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
        // belt and braces: whatever the file system makes of the name, it must be one entry of root
        if (!root.equals(d.getParent()) || !d.normalize().equals(d)) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    @Override
    public Prepared prepare(LoadedPlan plan) {
        Path dir = folderOf(plan);
        ImageGrid ct = plan.ct().volume().grid();
        List<LabelMap> maps = new ArrayList<>();
        List<BinaryMask> masks = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        for (Path f : niftiFiles(dir)) {
            String stem = stem(f);
            boolean task = TASKS.contains(stem);
            if (!task && dictionary.lookup(stem).isEmpty()) {
                unmatched.add(stem);
                continue;
            }
            NiftiImage image = Nifti.read(f);
            Placement place = place(f, image.grid(), ct);
            if (place.note() != null) {
                notes.computeIfAbsent(place.note(), n -> new ArrayList<>()).add(dir.relativize(f).toString());
            }
            if (task) {
                LabelMap m = image.toLabelMap(stem, TotalSegmentatorLabels.of(stem));
                maps.add(new LabelMap(stem, ct, place.labels(m.grid(), m.labels(), ct), m.names()));
            } else {
                BinaryMask m = image.toBinaryMask(stem);
                masks.add(new BinaryMask(stem, ct, place.bits(m.grid(), m.bits(), ct)));
            }
        }
        if (maps.isEmpty() && masks.isEmpty()) {
            throw new InvalidInputException("NIfTI folder " + dir + " holds no segmentation rtsite can use"
                    + (unmatched.isEmpty() ? "" : " (unknown structure names " + unmatched + ")"));
        }
        List<String> noteLines = new ArrayList<>();
        // file names relative to the plan's folder only: the folder is often named by PatientID, which the JSON otherwise never holds
        notes.forEach((note, files) -> noteLines.add("NIfTI " + String.join(", ", files) + " " + note));
        return new Prepared(PlanInput.withMasks(ct, plan.dose(), new OrganMasks(ct, maps, masks)), unmatched, noteLines);
    }

    /**
     * How one file's voxels reach the CT grid: as stored, re-indexed, or resampled.
     *
     * @param reorder non-null to re-index
     * @param nearest true to resample by nearest neighbour
     * @param note    what the result records, or null when the voxels are used as stored
     */
    record Placement(AxisReorder reorder, boolean nearest, String note) {
        byte[] labels(ImageGrid from, byte[] values, ImageGrid ct) {
            return reorder != null ? reorder.apply(from, values) : nearest ? NearestNeighbour.resample(from, values, ct) : values;
        }

        long[] bits(ImageGrid from, long[] bits, ImageGrid ct) {
            return reorder != null ? reorder.applyBits(from, bits)
                    : nearest ? NearestNeighbour.resampleBits(from, bits, ct) : bits;
        }
    }

    Placement place(Path file, ImageGrid nifti, ImageGrid ct) {
        if (nifti.sameGeometry(ct, GRID_TOLERANCE_MM)) {
            return new Placement(null, false, null);
        }
        Optional<AxisReorder> reorder = AxisReorder.find(nifti, ct, GRID_TOLERANCE_MM);
        if (reorder.isPresent()) {
            return new Placement(reorder.get(), false, "re-indexed exactly onto the CT grid from the file's own voxel "
                    + "order (CT axes from the file's: " + reorder.get().describe() + "; no interpolation)");
        }
        if (offGrid == OffGrid.NEAREST) {
            return new Placement(null, true, "resampled by nearest neighbour from grid " + nifti.describe()
                    + " (axes " + nifti.axisI() + ", " + nifti.axisJ() + ", " + nifti.axisK() + ") onto the CT grid "
                    + ct.describe());
        }
        throw new InvalidInputException("NIfTI " + file + " is on grid " + nifti.describe() + " (axes " + nifti.axisI()
                + ", " + nifti.axisJ() + ", " + nifti.axisK() + "), not on the CT grid " + ct.describe() + " (axes "
                + ct.axisI() + ", " + ct.axisJ() + ", " + ct.axisK() + ") in any axis order; masks are resampled "
                + "only when asked (rtsite classify --nifti-resample nearest)");
    }

    private static List<Path> niftiFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve("segmentations"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".nii") || n.endsWith(".nii.gz");
                }).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new RtsiteIOException("cannot list " + d, e);
            }
        }
        return out;
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        return n.substring(0, n.length() - (lower.endsWith(".nii.gz") ? 7 : 4));
    }

}
