package org.rtsite.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rtsite's {@link OrganSegmenter} on DJL: runs every model package's task on the CT, in the given order, the
 * way nnU-Net v2 and TotalSegmentator run them, and returns one {@link LabelMap} per task on the CT's grid.
 * Tasks may depend on earlier ones (a crop around the skull, a model run only when ribs are present).
 * Thread-safe: models are shared, each worker thread of a call takes its own predictor.
 */
public final class DjlSegmenter implements OrganSegmenter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DjlSegmenter.class);

    private final List<ModelPackage> packages;
    private final List<Network> networks = new ArrayList<>();
    private final ExecutorService workers;
    private final int workerCount;
    private final int intraOpThreads;

    /**
     * Opens the packages (directories or zips) and loads their networks.
     *
     * @param workers threads running windows concurrently, each with its own predictor (1 = the calling thread)
     * @throws org.rtsite.core.InvalidInputException for no package, a worker count below 1, a package whose
     *                                               spec is invalid or that is not a readable zip or folder
     * @throws org.rtsite.core.RtsiteException       when the engine cannot load a network (DJL's exception as
     *                                               cause), or a package cannot be unpacked (RtsiteIOException)
     */
    public static DjlSegmenter open(List<Path> packagePaths, int workers) {
        return open(packagePaths, workers, Network.ENGINE_DEFAULT);
    }

    /**
     * As {@link #open(List, int)}, each window's operators on at most {@code intraOpThreads} threads inside the
     * engine ({@link Network#ENGINE_DEFAULT}: the engine's own count, every physical core). A caller that runs
     * several segmentations at once (plans in parallel) gives each its share of the cores, so that the
     * callers' engine pools together do not ask for more threads than there are cores.
     *
     * @throws org.rtsite.core.InvalidInputException as {@link #open(List, int)}, and for a negative {@code intraOpThreads}
     */
    public static DjlSegmenter open(List<Path> packagePaths, int workers, int intraOpThreads) {
        List<ModelPackage> packages = new ArrayList<>();
        try {
            for (Path p : packagePaths) {
                packages.add(ModelPackage.open(p));
            }
            return new DjlSegmenter(packages, workers, intraOpThreads);
        } catch (RuntimeException e) {
            packages.forEach(ModelPackage::close);
            throw e;
        }
    }

    /** Takes ownership of {@code packages} (closed with this segmenter). */
    public DjlSegmenter(List<ModelPackage> packages, int workers) {
        this(packages, workers, Network.ENGINE_DEFAULT);
    }

    /** Takes ownership of {@code packages} (closed with this segmenter); {@code intraOpThreads} as in {@link #open(List, int, int)}. */
    public DjlSegmenter(List<ModelPackage> packages, int workers, int intraOpThreads) {
        if (packages.isEmpty()) {
            throw new InvalidInputException("a segmenter needs at least one model package");
        }
        if (workers < 1) {
            throw new InvalidInputException("worker count must be ≥ 1, got " + workers);
        }
        if (intraOpThreads < 0) {
            throw new InvalidInputException("intra-op thread count must be ≥ 0 (0: the engine's default), got "
                    + intraOpThreads);
        }
        this.intraOpThreads = intraOpThreads;
        this.packages = List.copyOf(packages);
        try {
            checkOrder(this.packages);
        } catch (RuntimeException e) {
            this.packages.forEach(ModelPackage::close);
            throw e;
        }
        this.workerCount = workers;
        this.workers = workers > 1 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "rtsite-djl-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            for (ModelPackage p : this.packages) {
                ModelSpec s = p.spec();
                networks.add(new Network(p.networkFile(), s.engine(), toInts(s.patchSize()), s.numClasses(),
                        intraOpThreads));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A task may depend on one of its own earlier tasks or on a label map the caller passes in; never on a later one. */
    private static void checkOrder(List<ModelPackage> packages) {
        Set<String> all = new HashSet<>();
        Set<String> earlier = new HashSet<>();
        for (ModelPackage p : packages) {
            if (!all.add(p.spec().task())) {
                throw new InvalidInputException("task '" + p.spec().task() + "' appears twice (" + p.source() + ")");
            }
        }
        for (ModelPackage p : packages) {
            ModelSpec s = p.spec();
            for (String dep : dependencies(s)) {
                if (all.contains(dep) && !earlier.contains(dep)) {
                    throw new InvalidInputException("task '" + s.task() + "' (" + p.source() + ") depends on task '"
                            + dep + "', which must come before it");
                }
            }
            earlier.add(s.task());
        }
    }

    /** Wall time spent inside the networks' predictions since opening, summed over tasks and threads: the rest is rtsite's overhead. */
    public long forwardNanos() {
        return networks.stream().mapToLong(Network::forwardNanos).sum();
    }

    /** Threads each window may use inside the engine ({@link Network#ENGINE_DEFAULT}: the engine's choice). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** The specs of the model packages this segmenter runs, in the order it runs them. */
    public List<ModelSpec> specs() {
        return packages.stream().map(ModelPackage::spec).toList();
    }

    /**
     * Runs every task on {@code ct} with no label maps given (see {@link #segment(CtVolume, List)}).
     *
     * @throws org.rtsite.core.RtsiteException when the engine fails on a window (its exception as cause)
     */
    @Override
    public OrganMasks segment(CtVolume ct) {
        return segment(ct, List.of());
    }

    /**
     * Runs every task on {@code ct}; tasks that crop around, or depend on, a task this segmenter does not run
     * (such as a {@code total} segmentation computed before) find it among {@code given}, which must lie on the CT's grid.
     * Only this segmenter's label maps are returned.
     *
     * @throws org.rtsite.core.InvalidInputException when a task needs a label map that neither this segmenter
     *                                               nor {@code given} provides, or one of {@code given} is off the CT grid
     * @throws org.rtsite.core.RtsiteException       when the engine fails on a window (its exception as cause)
     */
    public OrganMasks segment(CtVolume ct, List<LabelMap> given) {
        Map<String, LabelMap> known = new LinkedHashMap<>();
        for (LabelMap m : given) {
            if (!m.grid().sameGeometry(ct.grid(), OrganMasks.GRID_TOLERANCE_MM)) {
                throw new InvalidInputException("given label map '" + m.task() + "' is on grid " + m.grid().describe()
                        + ", not on the CT grid " + ct.grid().describe());
            }
            known.put(m.task(), m);
        }
        for (ModelPackage p : packages) {
            for (String dep : dependencies(p.spec())) {
                if (!known.containsKey(dep) && packages.stream().noneMatch(q -> q.spec().task().equals(dep))) {
                    throw new InvalidInputException("task '" + p.spec().task() + "' (" + p.source() + ") needs the label map of task '"
                            + dep + "', which neither this segmenter runs nor the caller gave");
                }
            }
        }
        Map<String, LabelMap> done = new LinkedHashMap<>();
        for (int t = 0; t < packages.size(); t++) {
            ModelSpec spec = packages.get(t).spec();
            long start = System.nanoTime();
            LabelMap map = runTask(spec, networks.get(t), ct, known);
            done.put(spec.task(), map);
            known.put(spec.task(), map);
            LOG.debug("task {} on {} took {} ms", spec.task(), ct.grid().describe(), (System.nanoTime() - start) / 1_000_000);
        }
        return new OrganMasks(ct.grid(), List.copyOf(done.values()), List.of());
    }

    private LabelMap runTask(ModelSpec spec, Network network, CtVolume ct, Map<String, LabelMap> done) {
        ImageGrid grid = ct.grid();
        if (spec.requires() != null && !anyPresent(done.get(spec.requires().task()), Pattern.compile(spec.requires().pattern()))) {
            LOG.debug("task {} skipped: no structure of {} matches {}", spec.task(), spec.requires().task(), spec.requires().pattern());
            return new LabelMap(spec.task(), grid, new byte[grid.voxelCount()], spec.outputLabels());
        }
        IndexBox box = IndexBox.of(grid);
        if (spec.crop() != null) {
            box = cropBox(done.get(spec.crop().task()), spec.crop());
            if (box == null) {
                LOG.debug("task {} skipped: none of {} found by {}", spec.task(), spec.crop().structures(), spec.crop().task());
                return new LabelMap(spec.task(), grid, new byte[grid.voxelCount()], spec.outputLabels());
            }
        }
        CtVolume region = box.equals(IndexBox.of(grid)) ? ct : subVolume(ct, box);
        byte[] labels = predictLabels(spec, network, region);
        if (region == ct) {
            return new LabelMap(spec.task(), grid, labels, spec.outputLabels());
        }
        byte[] full = new byte[grid.voxelCount()];
        ImageGrid rg = region.grid();
        for (int k = 0; k < rg.nz(); k++) {
            for (int j = 0; j < rg.ny(); j++) {
                System.arraycopy(labels, rg.index(0, j, k), full, grid.index(box.i0(), box.j0() + j, box.k0() + k), rg.nx());
            }
        }
        return new LabelMap(spec.task(), grid, full, spec.outputLabels());
    }

    /** The network's labels for {@code ct}, on the CT's grid: resample, normalize, windows, argmax, drop auxiliaries, back. */
    static byte[] predictLabels(ModelSpec spec, Network network, CtVolume ct, ExecutorService workers, int workerCount) {
        NetworkImage input = NetworkImage.of(spec, ct);
        byte[] labels = new WindowedPrediction(network, spec, workers, workerCount).labels(input.image(), input.dims());
        if (!spec.auxiliaryLabels().isEmpty()) {
            boolean[] aux = new boolean[256];
            spec.auxiliaryLabels().forEach(a -> aux[a] = true);
            for (int v = 0; v < labels.length; v++) {
                if (aux[labels[v] & 0xFF]) {
                    labels[v] = 0;
                }
            }
        }
        byte[] back = input.labelsTo(labels, ct.grid());
        if (spec.minComponentMm3() > 0) {
            ImageGrid g = ct.grid();
            long minVoxels = (long) Math.ceil(spec.minComponentMm3() / (g.voxelVolumeCc() * 1000.0));
            Components.removeSmall(back, g.nx(), g.ny(), g.nz(), minVoxels);
        }
        return back;
    }

    private byte[] predictLabels(ModelSpec spec, Network network, CtVolume ct) {
        return predictLabels(spec, network, ct, workers, workerCount);
    }

    /** The grid in which the network sees {@code ct}: its axis order, its target spacing (axisK, axisJ, axisI = tensor axes 0, 1, 2). */
    public static ImageGrid networkGrid(ModelSpec spec, ImageGrid ct) {
        Vec3[] axes = PatientAxes.parse(spec.axisOrder());
        double[] spacing = spec.targetSpacing().stream().mapToDouble(Double::doubleValue).toArray();
        return Resampling.networkGrid(ct, axes, spacing);
    }

    private static List<String> dependencies(ModelSpec s) {
        List<String> deps = new ArrayList<>();
        if (s.crop() != null) {
            deps.add(s.crop().task());
        }
        if (s.requires() != null) {
            deps.add(s.requires().task());
        }
        return deps;
    }

    private static boolean anyPresent(LabelMap map, Pattern pattern) {
        boolean[] wanted = new boolean[256];
        boolean any = false;
        for (Map.Entry<Integer, String> e : map.names().entrySet()) {
            if (pattern.matcher(e.getValue()).matches()) {
                wanted[e.getKey()] = true;
                any = true;
            }
        }
        if (!any) {
            return false;
        }
        for (byte b : map.labels()) {
            if (wanted[b & 0xFF]) {
                return true;
            }
        }
        return false;
    }

    /** Bounding box of the crop's structures grown by its margin, or {@code null} when they are absent. */
    static IndexBox cropBox(LabelMap map, ModelSpec.Crop crop) {
        boolean[] wanted = new boolean[256];
        for (Map.Entry<Integer, String> e : map.names().entrySet()) {
            if (crop.structures().contains(e.getValue())) {
                wanted[e.getKey()] = true;
            }
        }
        ImageGrid g = map.grid();
        int i0 = Integer.MAX_VALUE, j0 = Integer.MAX_VALUE, k0 = Integer.MAX_VALUE, i1 = -1, j1 = -1, k1 = -1;
        byte[] labels = map.labels();
        int v = 0;
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++, v++) {
                    if (wanted[labels[v] & 0xFF]) {
                        i0 = Math.min(i0, i);
                        i1 = Math.max(i1, i);
                        j0 = Math.min(j0, j);
                        j1 = Math.max(j1, j);
                        k0 = Math.min(k0, k);
                        k1 = Math.max(k1, k);
                    }
                }
            }
        }
        if (i1 < 0) {
            return null;
        }
        int mi = (int) Math.ceil(crop.marginMm() / g.dx());
        int mj = (int) Math.ceil(crop.marginMm() / g.dy());
        int mk = (int) Math.ceil(crop.marginMm() / g.dz());
        return new IndexBox(Math.max(0, i0 - mi), Math.max(0, j0 - mj), Math.max(0, k0 - mk),
                Math.min(g.nx(), i1 + 1 + mi), Math.min(g.ny(), j1 + 1 + mj), Math.min(g.nz(), k1 + 1 + mk));
    }

    static CtVolume subVolume(CtVolume ct, IndexBox box) {
        ImageGrid g = ct.grid();
        ImageGrid sub = g.sub(box);
        short[] hu = new short[sub.voxelCount()];
        for (int k = 0; k < sub.nz(); k++) {
            for (int j = 0; j < sub.ny(); j++) {
                System.arraycopy(ct.hu(), g.index(box.i0(), box.j0() + j, box.k0() + k), hu, sub.index(0, j, k), sub.nx());
            }
        }
        return new CtVolume(sub, hu);
    }

    static int[] toInts(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Closes the networks and model packages and stops the worker threads. */
    @Override
    public void close() {
        for (Network n : networks) {
            n.close();
        }
        networks.clear();
        for (ModelPackage p : packages) {
            p.close();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
