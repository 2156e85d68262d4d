package org.rtsite.dicom.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.phantom.TotalSegmentatorLabels;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.nifti.Nifti;

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
 * Every file must lie on the CT grid (same dimensions, and voxel centres within
 * {@link #GRID_TOLERANCE_MM}, which absorbs the float32 rounding of NIfTI's affine); a file on any
 * other grid is refused with both grids in the message, never resampled.
 */
public final class NiftiMaskSource implements MaskSource {
    /** Largest distance between NIfTI and CT voxel geometry accepted (NIfTI stores its affine in float32). */
    public static final double GRID_TOLERANCE_MM = 0.01;
    private static final Set<String> TASKS = Set.of(TotalSegmentatorLabels.TOTAL,
            TotalSegmentatorLabels.HEAD_GLANDS_CAVITIES, TotalSegmentatorLabels.APPENDICULAR_BONES);
    private final Path root;
    private final RegionDictionary dictionary;

    public NiftiMaskSource(Path root, RegionDictionary dictionary) {
        this.root = Objects.requireNonNull(root, "root");
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException("NIfTI mask folder " + root + " does not exist");
        }
    }

    @Override
    public String name() {
        return "nifti";
    }

    /** The folder holding this plan's segmentations. */
    public Path folderOf(LoadedPlan plan) {
        List<String> keys = new ArrayList<>();
        if (plan.bundle().patientId() != null) {
            keys.add(plan.bundle().patientId());
        }
        keys.add(plan.ct().seriesInstanceUid());
        keys.add(plan.bundle().planUid());
        for (String k : keys) {
            if (k != null && !k.isBlank()) {
                Path d = root.resolve(k.replaceAll("[/\\\\]", "_"));
                if (Files.isDirectory(d)) {
                    return d;
                }
            }
        }
        throw new InvalidInputException("no NIfTI segmentation folder for plan " + plan.bundle().planFile()
                + " under " + root + " (looked for " + keys + ")");
    }

    @Override
    public Prepared prepare(LoadedPlan plan) {
        Path dir = folderOf(plan);
        ImageGrid ct = plan.ct().volume().grid();
        List<LabelMap> maps = new ArrayList<>();
        List<BinaryMask> masks = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (Path f : niftiFiles(dir)) {
            String stem = stem(f);
            if (TASKS.contains(stem)) {
                LabelMap m = Nifti.readLabelMap(f, stem, TotalSegmentatorLabels.of(stem));
                checkGrid(f, m.grid(), ct);
                maps.add(new LabelMap(stem, ct, m.labels(), m.names()));
            } else {
                if (dictionary.lookup(stem).isEmpty()) {
                    unmatched.add(stem);
                    continue;
                }
                BinaryMask m = Nifti.readMask(f, stem);
                checkGrid(f, m.grid(), ct);
                masks.add(new BinaryMask(stem, ct, m.bits()));
            }
        }
        if (maps.isEmpty() && masks.isEmpty()) {
            throw new InvalidInputException("NIfTI folder " + dir + " holds no segmentation rtsite can use"
                    + (unmatched.isEmpty() ? "" : " (unknown structure names " + unmatched + ")"));
        }
        return new Prepared(PlanInput.withMasks(ct, plan.dose(), new OrganMasks(ct, maps, masks)), unmatched);
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
                throw new UncheckedIOException("cannot list " + d, e);
            }
        }
        return out;
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        return n.substring(0, n.length() - (lower.endsWith(".nii.gz") ? 7 : 4));
    }

    static void checkGrid(Path file, ImageGrid nifti, ImageGrid ct) {
        if (nifti.nx() != ct.nx() || nifti.ny() != ct.ny() || nifti.nz() != ct.nz()
                || !nifti.sameGeometry(ct, GRID_TOLERANCE_MM)) {
            throw new InvalidInputException("NIfTI " + file + " is on grid " + nifti.describe()
                    + ", not on the CT grid " + ct.describe() + " (masks are never resampled)");
        }
    }
}
