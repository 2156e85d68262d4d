package org.rtsite.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.rtsite.core.decision.ComMode;
import org.rtsite.core.decision.DecisionPolicy;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.decision.ProximityHit;
import org.rtsite.core.decision.VolumeScope;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.overlap.OverlapBackends;
import org.rtsite.core.overlap.OverlapCounts;
import org.rtsite.core.prepare.BoxCutter;
import org.rtsite.core.prepare.CropPlanner;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.prepare.MaskSurvey;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.Region;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.CropExtent;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: classifies which body region(s) a plan treats (ALGORITHM.md §1 steps 2 and
 * 4–9, §2, §3). Immutable and thread-safe; build one and classify many plans with it.
 *
 * <pre>{@code
 * SiteClassifier classifier = SiteClassifier.builder().build();
 * SiteResult r = classifier.classify(PlanInput.withMasks(ctGrid, dose, masks));
 * r.labels();  // e.g. [Thorax, Abdomen]
 * }</pre>
 */
public final class SiteClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(SiteClassifier.class);

    /** The source name of the split bowel's label map. */
    public static final String BOWEL_SOURCE = "bowel_split";
    /**
     * The canonical organs that together make the bowel, split into pelvic and abdominal bowel
     * ({@link #BOWEL_SOURCE}) instead of being judged one by one.
     */
    public static final Set<String> BOWEL_PARTS = Set.of("small_bowel", "colon", "duodenum");
    static final Set<String> HIPS = Set.of("hip_left", "hip_right");
    static final String C7 = "vertebrae_C7";
    static final String THYROID = "thyroid_gland";

    private final ClassifierConfig config;
    private final OverlapBackend backend;
    private final RegionDictionary dictionary;
    private final DecisionTree tree;
    private final DecisionPolicy policy;

    private SiteClassifier(ClassifierConfig config, DecisionPolicy policy, OverlapBackend backend,
                           RegionDictionary dictionary) {
        this.config = config;
        this.policy = policy;
        this.backend = backend;
        this.dictionary = dictionary;
        this.tree = new DecisionTree(config, policy);
    }

    /** A builder with the paper's defaults, the {@code auto} backend and the bundled dictionary. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options: config (paper defaults), overlap backend ({@code auto}), region dictionary (bundled). */
    public static final class Builder {
        private ClassifierConfig config = ClassifierConfig.defaults();
        private OverlapBackend backend;
        private String backendName = OverlapBackends.AUTO;
        private RegionDictionary dictionary = RegionDictionary.defaults();
        private DecisionPolicy policy = DecisionPolicy.defaults();

        /** Thresholds and options (paper defaults); see {@link ClassifierConfig}. */
        public Builder config(ClassifierConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Landmark choice and V50 use (paper defaults); see {@link DecisionPolicy}. */
        public Builder policy(DecisionPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Config and policy from a settings file, e.g. one written by {@code rtsite calibrate}. */
        public Builder settings(ClassifierSettings settings) {
            Objects.requireNonNull(settings, "settings");
            this.config = settings.config();
            this.policy = settings.policy();
            return this;
        }

        /** A backend by name ({@code cpu}, {@code cuda}, or {@code auto}). */
        public Builder backend(String name) {
            this.backendName = Objects.requireNonNull(name, "backend name");
            this.backend = null;
            return this;
        }

        /** A backend instance, e.g. one made for a test; replaces a backend chosen by name. */
        public Builder backend(OverlapBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** Structure name → region; mask sources that read ROI names should use the same one. */
        public Builder dictionary(RegionDictionary dictionary) {
            this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
            return this;
        }

        /**
         * The classifier; a backend chosen by name is looked up now.
         *
         * @throws RtsiteException when no backend has that name or the named one cannot run here
         */
        public SiteClassifier build() {
            OverlapBackend b = backend != null ? backend : OverlapBackends.select(backendName);
            return new SiteClassifier(config, policy, b, dictionary);
        }
    }

    /** The thresholds and options every result echoes. */
    public ClassifierConfig config() {
        return config;
    }

    /** The decision tree's structural choices. */
    public DecisionPolicy policy() {
        return policy;
    }

    /** The overlap backend that counts for this classifier. */
    public OverlapBackend backend() {
        return backend;
    }

    /** The dictionary that maps structure names to regions. */
    public RegionDictionary dictionary() {
        return dictionary;
    }

    /**
     * Classifies one plan from ready masks on the CT grid.
     *
     * @throws InvalidInputException for an empty (Dmax = 0) or non-finite dose, masks on another grid,
     *                               or a dose that misses the CT; the message names the input and value
     */
    public SiteResult classify(ImageGrid ctGrid, DoseVolume dose, OrganMasks masks) {
        return classify(PlanInput.withMasks(ctGrid, dose, masks));
    }

    /**
     * Classifies one plan with masks from a segmenter called with the cropped CT.
     *
     * @throws InvalidInputException as {@link #classify(PlanInput)}, and for segmenter masks that are
     *                               not on the cropped CT's grid
     * @throws RtsiteException       what the segmenter throws (its own failures, cause kept)
     */
    public SiteResult classify(CtVolume ct, DoseVolume dose, org.rtsite.core.segment.OrganSegmenter segmenter) {
        return classify(PlanInput.withSegmenter(ct, dose, segmenter));
    }

    /**
     * Classifies one plan.
     *
     * @throws InvalidInputException for an empty (Dmax = 0) or non-finite dose, masks on another grid,
     *                               or a dose that misses the CT; the message names the input and value
     */
    public SiteResult classify(PlanInput in) {
        return classify(in, null);
    }

    /**
     * Classifies one plan and hands the organ masks it used to {@code masksUsed} (once, before the
     * overlap): the given masks on the CT grid, or the segmenter's on the cropped CT grid. Lets a
     * caller draw or store what the decision saw (e.g. {@code org.rtsite.core.qa.QaPicture}) without
     * segmenting twice.
     *
     * @param masksUsed may be null
     * @throws InvalidInputException as {@link #classify(PlanInput)}
     * @throws RtsiteException       what the segmenter or the overlap backend throws (a GPU backend
     *                               that fails mid-run), cause kept
     */
    public SiteResult classify(PlanInput in, Consumer<OrganMasks> masksUsed) {
        Map<String, Double> timings = new LinkedHashMap<>();
        long t = System.nanoTime();
        ImageGrid ctGrid = in.ctGrid();
        DoseVolume dose = in.dose();
        Cropped cropped = crop(in);
        t = lap(timings, "crop", t);

        Masked masked = masks(in, cropped);
        if (masked.segmented()) {
            t = lap(timings, "segment", t);
        }
        if (masksUsed != null) {
            masksUsed.accept(masked.masks());
        }

        Resampled resampled = resample(dose, cropped);
        float dmax = resampled.dmax();
        float level85 = resampled.level85();
        float level50 = resampled.level50();
        t = lap(timings, "resample", t);

        Surveyed surveyed = survey(masked);
        t = lap(timings, "survey", t);

        IndexBox box = BoxCutter.boundingBox(resampled.values(), resampled.footprint(), level50);
        IsodoseBox isodose = BoxCutter.cut(cropped.grid(), resampled.values(), resampled.footprint(), box, level85,
                level50, masked.masks(), masked.region(), surveyed.anyBowel() ? surveyed.bowel() : null,
                surveyed.hipTop());
        // The resampled dose is the largest array of a run: let it go before the overlap counts.
        resampled = null;
        t = lap(timings, "cut", t);

        OverlapCounts counts = backend.count(isodose);
        t = lap(timings, "overlap", t);

        Measured measured = measure(masked, surveyed, counts, isodose.grid());
        t = lap(timings, "metrics", t);

        Vec3 com = measured.com();
        DecisionTree.Decision decision = tree.decide(measured.metrics(), com, surveyed.landmarks(),
                () -> nearestOrgan(masked.masks(), masked.region(), surveyed.organs(), com, surveyed.hipTop()));
        lap(timings, "decision", t);

        List<String> unmapped = unmapped(surveyed.organs());
        IndexBox crop = cropped.crop();
        double voxCc = cropped.grid().voxelVolumeCc();
        IndexBox boxOnCt = new IndexBox(box.i0(), box.j0(), box.k0() + crop.k0(), box.i1(), box.j1(),
                box.k1() + crop.k0());
        double z0 = ctGrid.toPatient(0, 0, crop.k0()).z();
        double z1 = ctGrid.toPatient(0, 0, crop.k1() - 1).z();
        CropExtent cropExtent = new CropExtent(crop.k0(), crop.k1(), CropPlanner.lengthMm(crop, ctGrid),
                Math.min(z0, z1), Math.max(z0, z1));
        return new SiteResult(SiteResult.SCHEMA_VERSION, decision.labels(), decision.rule(), decision.trace(),
                dmax, cropped.doseGridMax(), level85, level50, counts.v85() * voxCc, counts.v50() * voxCc, com,
                measured.comGeo(), measured.comDose(), cropExtent, boxOnCt, isodose.grid().voxelCount() * voxCc,
                surveyed.landmarks(), measured.metrics(), unmapped, backend.name(), config, timings, List.of(), policy);
    }

    // ---- stages of classify, in the order they run (ALGORITHM.md §1); each is timed by one lap ----

    /** The input checked and the CT cropped around the dose (stage "crop"). */
    private record Cropped(float doseGridMax, IndexBox crop, ImageGrid grid) {
    }

    private Cropped crop(PlanInput in) {
        ImageGrid ctGrid = in.ctGrid();
        DoseVolume dose = in.dose();
        float doseGridMax = dose.max();
        if (Float.isNaN(doseGridMax)) {
            throw new InvalidInputException("dose contains NaN values (dose grid " + dose.grid().describe() + ")");
        }
        if (Float.isInfinite(doseGridMax)) {
            throw new InvalidInputException("dose contains infinite values (dose grid " + dose.grid().describe() + ")");
        }
        if (!(doseGridMax > 0)) {
            throw new InvalidInputException("dose is empty: Dmax = " + doseGridMax + " Gy (dose grid "
                    + dose.grid().describe() + ")");
        }
        if (in.masks() != null && !in.masks().grid().sameGeometry(ctGrid, OrganMasks.GRID_TOLERANCE_MM)) {
            throw new InvalidInputException("organ masks are on grid " + in.masks().grid().describe()
                    + ", not on the CT grid " + ctGrid.describe());
        }
        IndexBox crop = CropPlanner.plan(ctGrid, dose, doseGridMax, config.cropDoseFraction(),
                config.cropMarginSlices(), config.minCropLengthMm());
        return new Cropped(doseGridMax, crop, ctGrid.sub(crop));
    }

    /**
     * The organ masks and the region of them that covers the crop: the given masks (region = the crop)
     * or the segmenter's on the cropped CT (region = all of them; stage "segment").
     */
    private record Masked(OrganMasks masks, IndexBox region, boolean segmented) {
    }

    private static Masked masks(PlanInput in, Cropped cropped) {
        if (in.masks() != null) {
            return new Masked(in.masks(), cropped.crop(), false);
        }
        ImageGrid ctGrid = in.ctGrid();
        IndexBox crop = cropped.crop();
        ImageGrid cropGrid = cropped.grid();
        CtVolume ct = new CtVolume(cropGrid, Arrays.copyOfRange(in.ct().hu(),
                ctGrid.index(0, 0, crop.k0()), ctGrid.index(0, 0, crop.k1() - 1) + ctGrid.nx() * ctGrid.ny()));
        OrganMasks masks = in.segmenter().segment(ct);
        if (masks == null || !masks.grid().sameGeometry(cropGrid, OrganMasks.GRID_TOLERANCE_MM)) {
            throw new InvalidInputException("the segmenter returned masks on grid "
                    + (masks == null ? "null" : masks.grid().describe()) + ", not on the cropped CT grid "
                    + cropGrid.describe());
        }
        return new Masked(masks, IndexBox.of(cropGrid), true);
    }

    /** The dose on the cropped CT grid, inside its footprint there (stage "resample"). */
    private record Resampled(IndexBox footprint, float[] values, float dmax) {
        float level85() {
            return 0.85f * dmax;
        }

        float level50() {
            return 0.5f * dmax;
        }
    }

    private static Resampled resample(DoseVolume dose, Cropped cropped) {
        ImageGrid cropGrid = cropped.grid();
        IndexBox footprint = DoseResampler.footprint(dose.grid(), cropGrid);
        if (footprint.isEmpty()) {
            throw new InvalidInputException("dose outside the CT: dose grid " + dose.grid().describe()
                    + " does not meet the cropped CT grid " + cropGrid.describe());
        }
        float[] resampled = DoseResampler.resample(dose, cropGrid, footprint);
        float dmax = 0;
        for (float v : resampled) {
            dmax = Math.max(dmax, v);
        }
        if (!(dmax > 0)) {
            throw new InvalidInputException("dose outside the CT: no dose reaches the cropped CT grid "
                    + cropGrid.describe() + " (dose grid " + dose.grid().describe() + ", Dmax "
                    + cropped.doseGridMax() + " Gy)");
        }
        return new Resampled(footprint, resampled, dmax);
    }

    /**
     * The named organs, which bins are bowel, the landmarks (top of the hips, C7, thyroid) and the
     * survey of every mask over its region (stage "survey").
     */
    private record Surveyed(List<Organ> organs, int sources, boolean[][] bowel, boolean anyBowel,
                            MaskSurvey.Result result, Landmarks landmarks, double hipTop) {
    }

    private Surveyed survey(Masked masked) {
        OrganMasks masks = masked.masks();
        List<Organ> organs = catalog(masks);
        int sources = masks.labelMaps().size() + masks.masks().size();
        boolean[][] interest = new boolean[sources][];
        boolean[][] bowel = new boolean[sources][];
        boolean anyBowel = false;
        for (int s = 0; s < sources; s++) {
            interest[s] = new boolean[s < masks.labelMaps().size() ? LabelMap.MAX_LABEL + 1 : 2];
            bowel[s] = new boolean[interest[s].length];
        }
        for (Organ o : organs) {
            String c = o.canonical();
            if (c != null && (HIPS.contains(c) || C7.equals(c) || THYROID.equals(c))) {
                interest[o.source][o.bin] = true;
            }
            if (c != null && BOWEL_PARTS.contains(c)) {
                bowel[o.source][o.bin] = true;
                anyBowel = true;
            }
        }
        boolean cropScope = config.volumeScope() == VolumeScope.CROPPED_CT;
        MaskSurvey.Result survey = MaskSurvey.survey(masks, masked.region(), interest, cropScope);
        Landmarks landmarks = new Landmarks(maxZ(organs, survey, HIPS), maxZ(organs, survey, Set.of(C7)),
                maxZ(organs, survey, Set.of(THYROID)));
        double hipTop = landmarks.hipTopZ() == null ? Double.NaN : landmarks.hipTopZ();
        return new Surveyed(organs, sources, bowel, anyBowel, survey, landmarks, hipTop);
    }

    /** Per-organ metrics, largest V50 overlap first, and the isodose's centres of mass (stage "metrics"). */
    private record Measured(List<OrganMetrics> metrics, Vec3 com, Vec3 comGeo, Vec3 comDose) {
    }

    private Measured measure(Masked masked, Surveyed surveyed, OverlapCounts counts, ImageGrid boxGrid) {
        OrganMasks masks = masked.masks();
        boolean anyBowel = surveyed.anyBowel();
        boolean cropScope = config.volumeScope() == VolumeScope.CROPPED_CT;
        // In the box the bowel map follows the label maps, so binary masks move up by one.
        int nMaps = masks.labelMaps().size();
        int bowelSource = anyBowel ? nMaps : -1;
        int shift = anyBowel ? 1 : 0;
        long[][] organVoxels = counts.organ();
        if (cropScope) {
            organVoxels = new long[counts.sourceCount()][];
            for (int s = 0; s < surveyed.sources(); s++) {
                organVoxels[s < nMaps ? s : s + shift] = surveyed.result().voxels()[s];
            }
            if (anyBowel) {
                organVoxels[bowelSource] = bowelCropCounts(masks, masked.region(), surveyed.bowel(),
                        surveyed.hipTop());
            }
        }
        List<Organ> boxOrgans = new ArrayList<>();
        for (Organ o : surveyed.organs()) {
            boxOrgans.add(o.source < nMaps ? o : new Organ(o.source + shift, o.bin, o.name, o.sourceName, o.entry));
        }
        if (anyBowel) {
            boxOrgans.add(new Organ(bowelSource, BoxCutter.PELVIC_BOWEL, "pelvic_bowel", BOWEL_SOURCE,
                    bowelEntry("pelvic_bowel", Region.PELVIS)));
            boxOrgans.add(new Organ(bowelSource, BoxCutter.ABDOMINAL_BOWEL, "abdominal_bowel", BOWEL_SOURCE,
                    bowelEntry("abdominal_bowel", Region.ABDOMEN)));
        }
        List<OrganMetrics> metrics = new ArrayList<>();
        for (Organ o : boxOrgans) {
            long vox = organVoxels[o.source][o.bin];
            long in50 = counts.inter50()[o.source][o.bin];
            if (vox == 0 && in50 == 0) {
                continue;
            }
            DictionaryEntry e = o.entry;
            OrganRole role = e == null ? OrganRole.UNMAPPED : e.excluded() ? OrganRole.EXCLUDED : OrganRole.REGION;
            metrics.add(OrganMetrics.of(o.name, o.sourceName, e == null ? null : e.canonical(),
                    e == null ? null : e.region(), role, vox, counts.inter85()[o.source][o.bin], in50,
                    counts.v85(), counts.v50()));
        }
        metrics.sort(Comparator.comparingLong(OrganMetrics::v50Voxels).reversed()
                .thenComparing(Comparator.comparingLong(OrganMetrics::voxels).reversed())
                .thenComparing(OrganMetrics::name));
        Vec3 comGeo = counts.moments().centroid(boxGrid);
        Vec3 comDose = counts.moments().doseWeightedCentroid(boxGrid);
        if (comDose == null) {
            comDose = comGeo;
        }
        Vec3 com = config.comMode() == ComMode.DOSE_WEIGHTED ? comDose : comGeo;
        return new Measured(metrics, com, comGeo, comDose);
    }

    /** Structure names the dictionary does not know, sorted; they take no part in the decision. */
    private static List<String> unmapped(List<Organ> organs) {
        Set<String> unmapped = new TreeSet<>();
        for (Organ o : organs) {
            if (o.entry == null) {
                unmapped.add(o.name);
            }
        }
        if (!unmapped.isEmpty()) {
            LOG.debug("unmapped structure names (ignored): {}", unmapped);
        }
        return new ArrayList<>(unmapped);
    }

    private DictionaryEntry bowelEntry(String name, Region fallback) {
        return dictionary.lookup(name).orElse(new DictionaryEntry(name, fallback));
    }

    private static long lap(Map<String, Double> timings, String stage, long since) {
        long now = System.nanoTime();
        timings.put(stage, (now - since) / 1e6);
        return now;
    }

    /** One named structure: source s (label maps, then masks) and bin (label value, or 1 for a mask). */
    private record Organ(int source, int bin, String name, String sourceName, DictionaryEntry entry) {
        String canonical() {
            return entry == null ? null : entry.canonical();
        }
    }

    private List<Organ> catalog(OrganMasks masks) {
        List<Organ> organs = new ArrayList<>();
        int s = 0;
        for (LabelMap m : masks.labelMaps()) {
            for (Map.Entry<Integer, String> e : m.names().entrySet()) {
                organs.add(new Organ(s, e.getKey(), e.getValue(), m.task(), dictionary.lookup(e.getValue()).orElse(null)));
            }
            s++;
        }
        for (BinaryMask m : masks.masks()) {
            organs.add(new Organ(s++, 1, m.name(), m.name(), dictionary.lookup(m.name()).orElse(null)));
        }
        return organs;
    }

    private static Double maxZ(List<Organ> organs, MaskSurvey.Result survey, Set<String> canonical) {
        double best = Double.NEGATIVE_INFINITY;
        for (Organ o : organs) {
            if (o.canonical() != null && canonical.contains(o.canonical())) {
                best = Math.max(best, survey.maxZ()[o.source][o.bin]);
            }
        }
        return best == Double.NEGATIVE_INFINITY ? null : best;
    }

    /** Voxels of the bowel union over the crop: [0, pelvic, abdominal]. */
    private static long[] bowelCropCounts(OrganMasks masks, IndexBox region, boolean[][] bowel, double hipTop) {
        ImageGrid g = masks.grid();
        Affine p = g.indexToPatient();
        int nMaps = masks.labelMaps().size();
        long pelvic = 0, abdominal = 0;
        for (int k = region.k0(); k < region.k1(); k++) {
            for (int j = region.j0(); j < region.j1(); j++) {
                double zRow = p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3);
                for (int i = region.i0(); i < region.i1(); i++) {
                    int idx = g.index(i, j, k);
                    boolean in = false;
                    for (int m = 0; m < nMaps && !in; m++) {
                        in = bowel[m][masks.labelMaps().get(m).labels()[idx] & 0xFF];
                    }
                    for (int m = 0; m < masks.masks().size() && !in; m++) {
                        in = bowel[nMaps + m][1] && masks.masks().get(m).contains(idx);
                    }
                    if (in) {
                        if (!Double.isNaN(hipTop) && zRow + p.get(2, 0) * i <= hipTop) {
                            pelvic++;
                        } else {
                            abdominal++;
                        }
                    }
                }
            }
        }
        return new long[] {0, pelvic, abdominal};
    }

    /**
     * The PROXIMITY search over the cropped CT: the labelling organ whose nearest voxel centre is
     * closest to {@code com} within com's axial plane (voxels whose extent along z contains com's z),
     * else closest in 3-D.
     */
    private static Optional<ProximityHit> nearestOrgan(OrganMasks masks, IndexBox region, List<Organ> organs,
                                                       Vec3 com, double hipTop) {
        ImageGrid g = masks.grid();
        Affine p = g.indexToPatient();
        double halfSlab = 0.5 * (Math.abs(g.axisI().z()) * g.dx() + Math.abs(g.axisJ().z()) * g.dy()
                + Math.abs(g.axisK().z()) * g.dz()) + 1e-6;
        int nMaps = masks.labelMaps().size();
        double bestPlane = Double.POSITIVE_INFINITY, best3d = Double.POSITIVE_INFINITY;
        Organ planeOrgan = null, organ3d = null;
        double planeZ = 0, z3d = 0;
        for (int s = 0; s < nMaps + masks.masks().size(); s++) {
            Organ[] byBin = new Organ[s < nMaps ? LabelMap.MAX_LABEL + 1 : 2];
            boolean any = false;
            for (Organ o : organs) {
                if (o.source == s && o.entry != null && (!o.entry.excluded() || BOWEL_PARTS.contains(o.canonical()))) {
                    byBin[o.bin] = o;
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            byte[] labels = s < nMaps ? masks.labelMaps().get(s).labels() : null;
            BinaryMask mask = s < nMaps ? null : masks.masks().get(s - nMaps);
            for (int k = region.k0(); k < region.k1(); k++) {
                for (int j = region.j0(); j < region.j1(); j++) {
                    for (int i = region.i0(); i < region.i1(); i++) {
                        int idx = g.index(i, j, k);
                        Organ o = labels != null ? byBin[labels[idx] & 0xFF] : (mask.contains(idx) ? byBin[1] : null);
                        if (o == null) {
                            continue;
                        }
                        Vec3 v = p.apply(i, j, k);
                        double dx = v.x() - com.x(), dy = v.y() - com.y(), dz = v.z() - com.z();
                        double d2 = dx * dx + dy * dy;
                        if (Math.abs(dz) <= halfSlab && d2 < bestPlane) {
                            bestPlane = d2;
                            planeOrgan = o;
                            planeZ = v.z();
                        }
                        double d3 = d2 + dz * dz;
                        if (d3 < best3d) {
                            best3d = d3;
                            organ3d = o;
                            z3d = v.z();
                        }
                    }
                }
            }
        }
        if (planeOrgan != null) {
            return Optional.of(hit(planeOrgan, Math.sqrt(bestPlane), true, planeZ, hipTop));
        }
        if (organ3d != null) {
            return Optional.of(hit(organ3d, Math.sqrt(best3d), false, z3d, hipTop));
        }
        return Optional.empty();
    }

    private static ProximityHit hit(Organ o, double distance, boolean inPlane, double z, double hipTop) {
        if (BOWEL_PARTS.contains(o.canonical())) {
            boolean pelvic = !Double.isNaN(hipTop) && z <= hipTop;
            return new ProximityHit(pelvic ? "pelvic_bowel" : "abdominal_bowel",
                    pelvic ? Region.PELVIS : Region.ABDOMEN, distance, inPlane);
        }
        return new ProximityHit(o.name, o.entry.region(), distance, inPlane);
    }
}
