package org.rtsite.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.rt.RtStructureSet;

/**
 * Organ masks from the plan's own structure set: each ROI whose name the region dictionary knows
 * (canonical name or alias, e.g. TG-263 {@code Lung_L}, {@code Femur_Head_R}) is rasterized onto
 * the CT grid with the CT's slice spacing as contour spacing. ROIs without closed contours (markers,
 * isocentres) are skipped; names the dictionary does not know are reported as unmatched. Excluded
 * names (e.g. {@code Body}, targets) are rasterized too, since the classifier reports them.
 */
public final class RtStructMaskSource implements MaskSource {
    private final RegionDictionary dictionary;

    public RtStructMaskSource(RegionDictionary dictionary) {
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
    }

    /** A source matching ROI names with the default dictionary, until a classifier gives its own. */
    public RtStructMaskSource() {
        this(RegionDictionary.defaults());
    }

    @Override
    public MaskSource withDictionary(RegionDictionary dictionary) {
        return dictionary == this.dictionary ? this : new RtStructMaskSource(dictionary);
    }

    @Override
    public String name() {
        return "rtstruct";
    }

    @Override
    public Prepared prepare(LoadedPlan plan) {
        RtStructureSet ss = plan.structureSet();
        if (ss == null) {
            throw new InvalidInputException(DicomPlanLoader.what(plan.bundle()) + ": no structure set linked, "
                    + "so the rtstruct mask source has no contours" + DicomPlanLoader.reasons(plan.bundle()));
        }
        ImageGrid grid = plan.ct().volume().grid();
        List<RtStructureSet.Roi> wanted = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (RtStructureSet.Roi roi : ss.rois()) {
            all.add(roi.name());
            boolean closed = roi.contours().stream().anyMatch(c -> c.type().isClosed());
            if (!closed) {
                continue;
            }
            if (dictionary.lookup(roi.name()).isEmpty()) {
                unmatched.add(roi.name());
                continue;
            }
            wanted.add(roi);
        }
        // ROIs in parallel: in a one-plan run (or the last plans of a run) the classify pool's other threads are
        // idle while this worker rasterizes; started on a pool worker, the stream runs in that pool, so it never
        // uses more threads than the run has. Masks keep the structure set's order, and of several bad ROIs the
        // first one's error is thrown, as one at a time would.
        Object[] done = new Object[wanted.size()];
        IntStream.range(0, done.length).parallel().forEach(i -> {
            try {
                done[i] = wanted.get(i).rasterize(grid, grid.dz());
            } catch (RuntimeException e) {
                done[i] = e;
            }
        });
        List<BinaryMask> masks = new ArrayList<>(done.length);
        for (Object o : done) {
            if (o instanceof RuntimeException e) {
                throw e;
            }
            masks.add((BinaryMask) o);
        }
        if (masks.isEmpty()) {
            throw new InvalidInputException("structure set " + ss.source() + ": none of its " + all.size()
                    + " ROI names matches an organ of the region dictionary " + all);
        }
        return new Prepared(PlanInput.withMasks(grid, plan.dose(), new OrganMasks(grid, List.of(), masks)), unmatched);
    }
}
