package org.rtsite.core.expert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.decision.TraceStep;
import org.rtsite.core.geometry.Affine;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.Region;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * The paper's manual expert protocol (Hink et al. §2.6.1) automated, as a second classifier
 * behind the same input and result types as {@link SiteClassifier}:
 * <ol>
 * <li>whole-brain plans (V85 covers ≥ {@code wholeBrainCoverage} of the brain) → Cranial only;</li>
 * <li>a region is labelled when V85 penetrates one of its organs by ≥ 5 mm (femoral heads
 * excluded); labelled regions are ordered by the greatest linear dimension of V85 ∩ region in the
 * coronal or sagittal plane, whichever shows V85's largest cross-section;</li>
 * <li>no penetration and V85 entirely superior to C7 (thyroid when C7 is absent) → Head and Neck;</li>
 * <li>otherwise the organ closest to the maximum-dose point in its axial plane (in 3-D when that
 * plane holds no organ).</li>
 * </ol>
 * It runs the paper's pipeline first (same crop, resampling, dictionary and metrics, reported in
 * {@link ExpertResult#paperLabels()}), then measures on the cropped CT. Immutable and thread-safe.
 */
public final class ExpertProtocolClassifier {

    private static final String BRAIN = "brain";
    /** Penetration depths are exact up to max(4 × threshold, this); deeper ones read as the cap. */
    static final double MIN_DEPTH_CAP_MM = 20.0;

    private final SiteClassifier paper;
    private final RegionDictionary dictionary;
    private final double penetrationMm;
    private final double wholeBrainCoverage;
    private final boolean separateFemoralHeads;

    private ExpertProtocolClassifier(Builder b, SiteClassifier paper) {
        this.paper = paper;
        this.dictionary = b.dictionary;
        this.penetrationMm = b.penetrationMm;
        this.wholeBrainCoverage = b.wholeBrainCoverage;
        this.separateFemoralHeads = b.separateFemoralHeads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options: the paper classifier's (config, backend, dictionary) and the protocol's own. */
    public static final class Builder {
        private ClassifierConfig config = ClassifierConfig.defaults();
        private RegionDictionary dictionary = RegionDictionary.defaults();
        private String backendName = "auto";
        private OverlapBackend backend;
        private double penetrationMm = 5.0;
        private double wholeBrainCoverage = 0.8;
        private boolean separateFemoralHeads = true;

        public Builder config(ClassifierConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder dictionary(RegionDictionary dictionary) {
            this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
            return this;
        }

        public Builder backend(String name) {
            this.backendName = Objects.requireNonNull(name, "backend name");
            this.backend = null;
            return this;
        }

        public Builder backend(OverlapBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** An organ counts when V85 penetrates it at least this deep (protocol: 5 mm). */
        public Builder penetrationMm(double mm) {
            if (!(mm > 0) || !Double.isFinite(mm)) {
                throw new InvalidInputException("penetrationMm must be finite and > 0, got " + mm);
            }
            this.penetrationMm = mm;
            return this;
        }

        /** A plan is whole-brain when V85 covers at least this share of the brain (0.8). */
        public Builder wholeBrainCoverage(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new InvalidInputException("wholeBrainCoverage must be in (0, 1], got " + share);
            }
            this.wholeBrainCoverage = share;
            return this;
        }

        /** Split whole-femur masks at the hip bone's lowest point ({@link FemoralHeads}); on by default. */
        public Builder separateFemoralHeads(boolean on) {
            this.separateFemoralHeads = on;
            return this;
        }

        public ExpertProtocolClassifier build() {
            SiteClassifier.Builder sb = SiteClassifier.builder().config(config).dictionary(dictionary);
            if (backend != null) {
                sb.backend(backend);
            } else {
                sb.backend(backendName);
            }
            return new ExpertProtocolClassifier(this, sb.build());
        }
    }

    /** One EDT unit: an organ, or the union of the bowel organs. Sources: label maps, then masks. */
    private record Unit(String name, String source, Region region, boolean bowel, int[][] members) {
        /** 1 = left femur, 2 = right femur (whose heads the protocol excludes), else 0. */
        int femurSide() {
            return name.equals("femur_left") ? 1 : name.equals("femur_right") ? 2 : 0;
        }
    }

    /**
     * Per unit, the patient z above which its voxels do not count: for each femur, the lowest
     * point of the same side's hip bone in the crop (the other side's when one is missing), so
     * that the femoral head is excluded (ALGORITHM.md §3); +∞ otherwise.
     */
    private double[] femoralHeadLimits(List<Unit> units, double[] lowestZ) {
        double[] limit = new double[units.size()];
        Arrays.fill(limit, Double.POSITIVE_INFINITY);
        if (!separateFemoralHeads) {
            return limit;
        }
        double left = Double.NaN, right = Double.NaN;
        for (int u = 0; u < units.size(); u++) {
            if (units.get(u).name().equals("hip_left")) {
                left = lowestZ[u];
            } else if (units.get(u).name().equals("hip_right")) {
                right = lowestZ[u];
            }
        }
        if (Double.isNaN(left)) {
            left = right;
        }
        if (Double.isNaN(right)) {
            right = left;
        }
        for (int u = 0; u < units.size(); u++) {
            int side = units.get(u).femurSide();
            if (side != 0 && !Double.isNaN(side == 1 ? left : right)) {
                limit[u] = side == 1 ? left : right;
            }
        }
        return limit;
    }

    private static boolean belowLimit(Affine p, double limit, int i, int j, int k) {
        return limit == Double.POSITIVE_INFINITY
                || p.get(2, 0) * i + p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3) <= limit;
    }

    /** Per reported organ (a unit, or one half of the split bowel): V85 overlap, depth, in-plane extents. */
    private static final class Tally {
        final String name;
        final String source;
        final Region region;
        long v85;
        double depth2;
        int i0 = Integer.MAX_VALUE, j0 = Integer.MAX_VALUE, k0 = Integer.MAX_VALUE;
        int i1 = -1, j1 = -1, k1 = -1;

        Tally(String name, String source, Region region) {
            this.name = name;
            this.source = source;
            this.region = region;
        }

        void add(int i, int j, int k, double d2) {
            v85++;
            depth2 = Math.max(depth2, d2);
            i0 = Math.min(i0, i);
            i1 = Math.max(i1, i);
            j0 = Math.min(j0, j);
            j1 = Math.max(j1, j);
            k0 = Math.min(k0, k);
            k1 = Math.max(k1, k);
        }
    }

    public ExpertResult classify(PlanInput in) {
        OrganMasks[] captured = new OrganMasks[1];
        PlanInput run;
        if (in.masks() != null) {
            captured[0] = in.masks();
            run = in;
        } else {
            run = PlanInput.withSegmenter(in.ct(), in.dose(), ct -> {
                OrganMasks m = in.segmenter().segment(ct);
                captured[0] = m;
                return m;
            });
        }
        // The paper's tree on the masks as given; the femoral-head rule below applies to the
        // protocol's measurements only, on the crop (FemoralHeads.split does it for whole masks).
        SiteResult tree = paper.classify(run);
        OrganMasks masks = captured[0];
        ImageGrid ctGrid = in.ctGrid();
        IndexBox crop = new IndexBox(0, 0, tree.crop().k0(), ctGrid.nx(), ctGrid.ny(), tree.crop().k1());
        ImageGrid cropGrid = ctGrid.sub(crop);
        // Ready masks live on the whole CT grid; a segmenter's on the cropped one.
        int maskK0 = in.masks() != null ? crop.k0() : 0;
        IndexBox foot = DoseResampler.footprint(in.dose().grid(), cropGrid);
        float[] dose = DoseResampler.resample(in.dose(), cropGrid, foot);
        float level85 = (float) tree.level85Gy();

        List<Unit> units = units(masks, tree.landmarks().hipTopZ());
        int nMaps = masks.labelMaps().size();
        int sources = nMaps + masks.masks().size();
        // Which unit each (source, bin) belongs to; -1 = none.
        int[][] unitOf = new int[sources][];
        for (int s = 0; s < sources; s++) {
            unitOf[s] = new int[s < nMaps ? LabelMap.MAX_LABEL + 1 : 2];
            Arrays.fill(unitOf[s], -1);
        }
        for (int u = 0; u < units.size(); u++) {
            for (int[] m : units.get(u).members()) {
                unitOf[m[0]][m[1]] = u;
            }
        }
        ImageGrid mg = masks.grid();
        Affine p = cropGrid.indexToPatient();
        double depthCapMm = Math.max(4 * penetrationMm, MIN_DEPTH_CAP_MM);

        // Pass 1 over V85: V85's extent, cross-sections, maximum, and which units it touches.
        int fnx = foot.nx(), fny = foot.ny();
        boolean[] touched = new boolean[units.size()];
        int[] v85Box = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1};
        long[] coronal = new long[cropGrid.ny()];
        long[] sagittal = new long[cropGrid.nx()];
        double zTop = Double.NEGATIVE_INFINITY, zBottom = Double.POSITIVE_INFINITY;
        float max = -1;
        int maxI = 0, maxJ = 0, maxK = 0;
        for (int k = foot.k0(); k < foot.k1(); k++) {
            for (int j = foot.j0(); j < foot.j1(); j++) {
                for (int i = foot.i0(); i < foot.i1(); i++) {
                    float d = dose[((k - foot.k0()) * fny + (j - foot.j0())) * fnx + (i - foot.i0())];
                    if (d > max) {
                        max = d;
                        maxI = i;
                        maxJ = j;
                        maxK = k;
                    }
                    if (d < level85) {
                        continue;
                    }
                    coronal[j]++;
                    sagittal[i]++;
                    v85Box[0] = Math.min(v85Box[0], i);
                    v85Box[1] = Math.min(v85Box[1], j);
                    v85Box[2] = Math.min(v85Box[2], k);
                    v85Box[3] = Math.max(v85Box[3], i);
                    v85Box[4] = Math.max(v85Box[4], j);
                    v85Box[5] = Math.max(v85Box[5], k);
                    double z = p.get(2, 0) * i + p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3);
                    zTop = Math.max(zTop, z);
                    zBottom = Math.min(zBottom, z);
                    int idx = mg.index(i, j, k + maskK0);
                    for (int s = 0; s < sources; s++) {
                        int u = unitOf[s][bin(masks, s, nMaps, idx)];
                        if (u >= 0) {
                            touched[u] = true;
                        }
                    }
                }
            }
        }
        double coronalMax = 0, sagittalMax = 0;
        for (long c : coronal) {
            coronalMax = Math.max(coronalMax, c * cropGrid.dx() * cropGrid.dz());
        }
        for (long c : sagittal) {
            sagittalMax = Math.max(sagittalMax, c * cropGrid.dy() * cropGrid.dz());
        }
        boolean useCoronal = coronalMax >= sagittalMax;

        // Pass 2, per touched unit: distance transform over its bounding box, depth over V85 ∩ unit.
        Map<String, Tally> tallies = new LinkedHashMap<>();
        long brainVoxels = 0, brainV85 = 0;
        boolean brainSeen = false;
        double[] lowestZ = new double[units.size()];
        int[][] boxes = boundingBoxes(masks, units, unitOf, crop, maskK0, nMaps, sources, p, lowestZ);
        double[] limit = femoralHeadLimits(units, lowestZ);
        for (int u = 0; u < units.size(); u++) {
            Unit unit = units.get(u);
            if (unit.region() == Region.CRANIAL && BRAIN.equals(unit.name())) {
                brainSeen = true;
                brainVoxels += boxes[u][6];
            }
            if (!touched[u]) {
                continue;
            }
            // Only distances up to the cap are needed exactly: the transform runs on the organ's box
            // cut to V85's box grown by the cap (voxels left out can only make depths read larger,
            // and only where the true depth is at least the cap).
            int[] ob = boxes[u];
            int gi = (int) Math.ceil(depthCapMm / cropGrid.dx()), gj = (int) Math.ceil(depthCapMm / cropGrid.dy()),
                    gk = (int) Math.ceil(depthCapMm / cropGrid.dz());
            int[] b = {Math.max(ob[0], v85Box[0] - gi), Math.max(ob[1], v85Box[1] - gj), Math.max(ob[2], v85Box[2] - gk),
                    Math.min(ob[3], v85Box[3] + gi), Math.min(ob[4], v85Box[4] + gj), Math.min(ob[5], v85Box[5] + gk)};
            // One voxel of margin; in-plane margins beyond the grid count as outside the organ,
            // margins beyond the crop's ends repeat the end slice: the organ goes on past the crop.
            int bi0 = b[0] - 1, bj0 = b[1] - 1, bk0 = b[2] - 1, bi1 = b[3] + 1, bj1 = b[4] + 1, bk1 = b[5] + 1;
            int nx = bi1 - bi0 + 1, ny = bj1 - bj0 + 1, nz = bk1 - bk0 + 1;
            double[] f = new double[nx * ny * nz];
            for (int kk = 0; kk < nz; kk++) {
                int k = Math.min(Math.max(bk0 + kk, 0), cropGrid.nz() - 1);
                for (int jj = 0; jj < ny; jj++) {
                    int j = bj0 + jj;
                    for (int ii = 0; ii < nx; ii++) {
                        int i = bi0 + ii;
                        boolean inside = i >= 0 && j >= 0 && i < cropGrid.nx() && j < cropGrid.ny()
                                && member(masks, unit, nMaps, mg.index(i, j, k + maskK0))
                                && belowLimit(p, limit[u], i, j, k);
                        f[(kk * ny + jj) * nx + ii] = inside ? Double.POSITIVE_INFINITY : 0;
                    }
                }
            }
            DistanceTransform.squared(f, nx, ny, nz, cropGrid.dx(), cropGrid.dy(), cropGrid.dz());
            for (int k = Math.max(b[2], foot.k0()); k <= Math.min(b[5], foot.k1() - 1); k++) {
                for (int j = Math.max(b[1], foot.j0()); j <= Math.min(b[4], foot.j1() - 1); j++) {
                    for (int i = Math.max(b[0], foot.i0()); i <= Math.min(b[3], foot.i1() - 1); i++) {
                        float d = dose[((k - foot.k0()) * fny + (j - foot.j0())) * fnx + (i - foot.i0())];
                        if (d < level85 || !member(masks, unit, nMaps, mg.index(i, j, k + maskK0))
                                || !belowLimit(p, limit[u], i, j, k)) {
                            continue;
                        }
                        double d2 = f[((k - bk0) * ny + (j - bj0)) * nx + (i - bi0)];
                        String name = unit.name();
                        Region region = unit.region();
                        if (unit.bowel()) {
                            double z = p.get(2, 0) * i + p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3);
                            Double hip = tree.landmarks().hipTopZ();
                            boolean pelvic = hip != null && z <= hip;
                            name = pelvic ? "pelvic_bowel" : "abdominal_bowel";
                            region = pelvic ? Region.PELVIS : Region.ABDOMEN;
                        }
                        String n = name;
                        Region r = region;
                        tallies.computeIfAbsent(unit.source() + "\u0000" + name, key -> new Tally(n,
                                unit.bowel() ? SiteClassifier.BOWEL_SOURCE : unit.source(), r)).add(i, j, k, d2);
                        if (unit.region() == Region.CRANIAL && BRAIN.equals(unit.name())) {
                            brainV85++;
                        }
                    }
                }
            }
        }

        List<OrganPenetration> penetrations = new ArrayList<>();
        Map<Region, int[]> extent = new EnumMap<>(Region.class);
        Map<Region, Double> deepest = new EnumMap<>(Region.class);
        for (Tally t : tallies.values()) {
            double depth = Math.min(Math.sqrt(t.depth2), depthCapMm);
            // A hair of tolerance: n voxels deep must read as n × spacing even after rounding.
            boolean pen = depth >= penetrationMm - 1e-9;
            penetrations.add(new OrganPenetration(t.name, t.source, t.region, t.v85, depth, depth >= depthCapMm, pen));
            int[] e = extent.computeIfAbsent(t.region, r -> new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE,
                    Integer.MAX_VALUE, -1, -1, -1});
            e[0] = Math.min(e[0], t.i0);
            e[1] = Math.min(e[1], t.j0);
            e[2] = Math.min(e[2], t.k0);
            e[3] = Math.max(e[3], t.i1);
            e[4] = Math.max(e[4], t.j1);
            e[5] = Math.max(e[5], t.k1);
            if (pen) {
                deepest.merge(t.region, depth, Math::max);
            }
        }
        penetrations.sort(Comparator.comparingDouble(OrganPenetration::depthMm).reversed()
                .thenComparing(OrganPenetration::name));
        Map<Region, Double> length = new EnumMap<>(Region.class);
        for (Map.Entry<Region, int[]> e : extent.entrySet()) {
            int[] x = e.getValue();
            double along = useCoronal ? (x[3] - x[0] + 1) * cropGrid.dx() : (x[4] - x[1] + 1) * cropGrid.dy();
            double si = (x[5] - x[2] + 1) * cropGrid.dz();
            length.put(e.getKey(), Math.max(along, si));
        }
        List<Region> labelled = new ArrayList<>(deepest.keySet());
        // EnumMap order + stable sort: ties in length go to the deeper penetration, then region order.
        labelled.sort(Comparator.comparingDouble((Region r) -> -length.get(r))
                .thenComparingDouble(r -> -deepest.get(r)));
        List<RegionLength> lengths = new ArrayList<>();
        for (Region r : labelled) {
            lengths.add(new RegionLength(r, length.get(r), true));
        }
        for (Map.Entry<Region, Double> e : length.entrySet()) {
            if (!deepest.containsKey(e.getKey())) {
                lengths.add(new RegionLength(e.getKey(), e.getValue(), false));
            }
        }

        List<TraceStep> trace = new ArrayList<>();
        String plane = useCoronal ? "CORONAL" : "SAGITTAL";
        double section = Math.max(coronalMax, sagittalMax) / 100.0;
        Double coverage = brainSeen && brainVoxels > 0 ? (double) brainV85 / brainVoxels : null;
        Vec3 maxPoint = p.apply(maxI, maxJ, maxK);
        List<Region> labels;
        Rule rule;
        if (coverage != null && coverage >= wholeBrainCoverage) {
            trace.add(new TraceStep(Rule.CRANIAL_DICE, true, "expert protocol: whole brain, V85 covers "
                    + f(coverage) + " of the brain >= " + wholeBrainCoverage + " → Cranial only"));
            labels = List.of(Region.CRANIAL);
            rule = Rule.CRANIAL_DICE;
        } else {
            trace.add(new TraceStep(Rule.CRANIAL_DICE, false, "expert protocol: not whole brain (brain coverage "
                    + (coverage == null ? "n/a" : f(coverage)) + ")"));
            if (!labelled.isEmpty()) {
                trace.add(new TraceStep(Rule.V85_OVERLAP, true, "expert protocol: organs penetrated >= "
                        + penetrationMm + " mm " + describe(penetrations) + "; regions by greatest linear dimension"
                        + " of V85 ∩ region in the " + plane.toLowerCase(Locale.ROOT) + " plane (largest V85"
                        + " cross-section " + f(section) + " cm²): " + describeLengths(lengths)));
                labels = labelled;
                rule = Rule.V85_OVERLAP;
            } else {
                trace.add(new TraceStep(Rule.V85_OVERLAP, false, "expert protocol: no organ penetrated >= "
                        + penetrationMm + " mm " + describe(penetrations)));
                Double ref = tree.landmarks().c7TopZ() != null ? tree.landmarks().c7TopZ()
                        : tree.landmarks().thyroidTopZ();
                String refName = tree.landmarks().c7TopZ() != null ? "C7" : "thyroid";
                if (ref != null && zBottom > ref) {
                    trace.add(new TraceStep(Rule.HN_LANDMARK, true, "expert protocol: V85 entirely superior to "
                            + refName + " (V85 bottom z " + f(zBottom) + " mm > " + f(ref) + " mm)"));
                    labels = List.of(Region.HEAD_AND_NECK);
                    rule = Rule.HN_LANDMARK;
                } else {
                    trace.add(new TraceStep(Rule.HN_LANDMARK, false, ref == null
                            ? "expert protocol: neither C7 nor thyroid in the cropped CT"
                            : "expert protocol: V85 bottom z " + f(zBottom) + " mm is not superior to " + refName
                            + " top z " + f(ref) + " mm"));
                    Hit hit = nearestToMaxDose(masks, units, unitOf, cropGrid, maskK0, nMaps, sources, maxPoint,
                            tree.landmarks().hipTopZ(), limit);
                    if (hit != null) {
                        trace.add(new TraceStep(Rule.PROXIMITY, true, "expert protocol: organ closest to the"
                                + " maximum-dose point " + fmt(maxPoint) + " is " + hit.name() + " (" + hit.region() + ") at "
                                + f(hit.distanceMm()) + " mm " + (hit.inPlane() ? "in its axial plane" : "in 3-D")));
                        labels = List.of(hit.region());
                        rule = Rule.PROXIMITY;
                    } else {
                        trace.add(new TraceStep(Rule.NONE, true, "expert protocol: no labelling organ in the cropped CT"));
                        labels = List.of();
                        rule = Rule.NONE;
                    }
                }
            }
        }
        SiteResult site = new SiteResult(tree.schemaVersion(), labels, rule, trace, tree.dmaxGy(),
                tree.doseGridDmaxGy(), tree.level85Gy(), tree.level50Gy(), tree.v85Cc(), tree.v50Cc(), tree.com85(),
                tree.com85Geometric(), tree.com85DoseWeighted(), tree.crop(), tree.isodoseBox(), tree.isodoseBoxCc(),
                tree.landmarks(), tree.organs(), tree.unmappedNames(), tree.backend(), tree.config(), tree.timingsMs(),
                tree.maskNotes());
        return new ExpertResult(site, tree.labels(), penetrationMm, plane, section, penetrations, lengths, coverage,
                zTop, zBottom, maxPoint);
    }

    /** The bin of voxel idx in source s (label value, or 0/1 for a mask). */
    private static int bin(OrganMasks masks, int s, int nMaps, int idx) {
        return s < nMaps ? masks.labelMaps().get(s).labels()[idx] & 0xFF : masks.masks().get(s - nMaps).contains(idx) ? 1 : 0;
    }

    /** Whether voxel idx belongs to the unit: only its own (source, bin) pairs are looked at. */
    private static boolean member(OrganMasks masks, Unit unit, int nMaps, int idx) {
        for (int[] m : unit.members()) {
            if (m[0] < nMaps ? (masks.labelMaps().get(m[0]).labels()[idx] & 0xFF) == m[1]
                    : masks.masks().get(m[0] - nMaps).contains(idx)) {
                return true;
            }
        }
        return false;
    }

    /** Voting organs (not excluded, not femoral heads) plus one unit for the bowel union. */
    private List<Unit> units(OrganMasks masks, Double hipTop) {
        List<Unit> units = new ArrayList<>();
        List<int[]> bowel = new ArrayList<>();
        int s = 0;
        for (LabelMap m : masks.labelMaps()) {
            for (Map.Entry<Integer, String> e : m.names().entrySet()) {
                addUnit(units, bowel, s, e.getKey(), e.getValue(), m.task());
            }
            s++;
        }
        for (BinaryMask m : masks.masks()) {
            addUnit(units, bowel, s++, 1, m.name(), m.name());
        }
        if (!bowel.isEmpty()) {
            units.add(new Unit("bowel", SiteClassifier.BOWEL_SOURCE, null, true, bowel.toArray(new int[0][])));
        }
        return units;
    }

    private void addUnit(List<Unit> units, List<int[]> bowel, int source, int bin, String name, String sourceName) {
        DictionaryEntry e = dictionary.lookup(name).orElse(null);
        if (e == null) {
            return;
        }
        if (SiteClassifier.BOWEL_PARTS.contains(e.canonical())) {
            bowel.add(new int[] {source, bin});
        } else if (!e.excluded() && !FemoralHeads.isContouredHead(name)) {
            units.add(new Unit(e.canonical(), sourceName, e.region(), false, new int[][] {{source, bin}}));
        }
    }

    /** Per unit: bounding box on the crop (i0, j0, k0, i1, j1, k1 inclusive) and voxel count. */
    private static int[][] boundingBoxes(OrganMasks masks, List<Unit> units, int[][] unitOf, IndexBox crop,
                                         int maskK0, int nMaps, int sources, Affine p, double[] lowestZ) {
        Arrays.fill(lowestZ, Double.POSITIVE_INFINITY);
        int[][] b = new int[units.size()][];
        for (int u = 0; u < b.length; u++) {
            b[u] = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1, 0};
        }
        ImageGrid g = masks.grid();
        int nx = g.nx(), plane = g.nx() * g.ny();
        // The crop is a slab of whole slices: one contiguous index range of every mask.
        int first = maskK0 * plane, end = (maskK0 + crop.nz()) * plane;
        for (int s = 0; s < sources; s++) {
            int[] uo = unitOf[s];
            boolean any = false;
            for (int v = 1; v < uo.length; v++) {
                any |= uo[v] >= 0;
            }
            if (!any) {
                continue;
            }
            if (s < nMaps) {
                byte[] labels = masks.labelMaps().get(s).labels();
                for (int idx = first; idx < end; idx++) {
                    int v = labels[idx] & 0xFF;
                    if (v != 0 && uo[v] >= 0) {
                        lowestZ[uo[v]] = Math.min(lowestZ[uo[v]], grow(b[uo[v]], idx, first, nx, plane, p));
                    }
                }
            } else {
                long[] bits = masks.masks().get(s - nMaps).bits();
                int u = uo[1];
                int[] x = b[u];
                for (int w = first >>> 6; w <= (end - 1) >>> 6; w++) {
                    long word = bits[w];
                    while (word != 0) {
                        int idx = (w << 6) + Long.numberOfTrailingZeros(word);
                        word &= word - 1;
                        if (idx >= first && idx < end) {
                            lowestZ[u] = Math.min(lowestZ[u], grow(x, idx, first, nx, plane, p));
                        }
                    }
                }
            }
        }
        for (int u = 0; u < lowestZ.length; u++) {
            if (lowestZ[u] == Double.POSITIVE_INFINITY) {
                lowestZ[u] = Double.NaN;
            }
        }
        return b;
    }

    /** Adds a voxel (crop-relative index) to a bounding box; returns its patient z. */
    private static double grow(int[] x, int idx, int first, int nx, int plane, Affine p) {
        int rel = idx - first;
        int k = rel / plane, r = rel - k * plane, j = r / nx, i = r - j * nx;
        x[0] = Math.min(x[0], i);
        x[1] = Math.min(x[1], j);
        x[2] = Math.min(x[2], k);
        x[3] = Math.max(x[3], i);
        x[4] = Math.max(x[4], j);
        x[5] = Math.max(x[5], k);
        x[6]++;
        return p.get(2, 0) * i + p.get(2, 1) * j + p.get(2, 2) * k + p.get(2, 3);
    }

    private record Hit(String name, Region region, double distanceMm, boolean inPlane) {
    }

    /** The voting organ closest to the maximum-dose point, or null. */
    private static Hit nearestToMaxDose(OrganMasks masks, List<Unit> units, int[][] unitOf, ImageGrid cropGrid,
                                        int maskK0, int nMaps, int sources, Vec3 point, Double hipTop, double[] limit) {
        Affine p = cropGrid.indexToPatient();
        double halfSlab = 0.5 * (Math.abs(cropGrid.axisI().z()) * cropGrid.dx()
                + Math.abs(cropGrid.axisJ().z()) * cropGrid.dy() + Math.abs(cropGrid.axisK().z()) * cropGrid.dz()) + 1e-6;
        double bestPlane = Double.POSITIVE_INFINITY, best3d = Double.POSITIVE_INFINITY;
        int planeUnit = -1, unit3d = -1;
        double planeZ = 0, z3d = 0;
        ImageGrid g = masks.grid();
        for (int s = 0; s < sources; s++) {
            for (int k = 0; k < cropGrid.nz(); k++) {
                for (int j = 0; j < cropGrid.ny(); j++) {
                    for (int i = 0; i < cropGrid.nx(); i++) {
                        int bin = bin(masks, s, nMaps, g.index(i, j, k + maskK0));
                        int u = bin == 0 ? -1 : unitOf[s][bin];
                        if (u < 0) {
                            continue;
                        }
                        Vec3 v = p.apply(i, j, k);
                        if (v.z() > limit[u]) {
                            continue;
                        }
                        double dx = v.x() - point.x(), dy = v.y() - point.y(), dz = v.z() - point.z();
                        double d2 = dx * dx + dy * dy;
                        if (Math.abs(dz) <= halfSlab && d2 < bestPlane) {
                            bestPlane = d2;
                            planeUnit = u;
                            planeZ = v.z();
                        }
                        if (d2 + dz * dz < best3d) {
                            best3d = d2 + dz * dz;
                            unit3d = u;
                            z3d = v.z();
                        }
                    }
                }
            }
        }
        boolean inPlane = planeUnit >= 0;
        int u = inPlane ? planeUnit : unit3d;
        if (u < 0) {
            return null;
        }
        Unit unit = units.get(u);
        double z = inPlane ? planeZ : z3d;
        String name = unit.name();
        Region region = unit.region();
        if (unit.bowel()) {
            boolean pelvic = hipTop != null && z <= hipTop;
            name = pelvic ? "pelvic_bowel" : "abdominal_bowel";
            region = pelvic ? Region.PELVIS : Region.ABDOMEN;
        }
        return new Hit(name, region, Math.sqrt(inPlane ? bestPlane : best3d), inPlane);
    }

    private static String describe(List<OrganPenetration> ps) {
        List<String> parts = new ArrayList<>();
        for (OrganPenetration o : ps) {
            parts.add(o.name() + " " + (o.atLeast() ? ">= " : "") + f(o.depthMm()) + " mm (" + o.region().label() + ")");
        }
        return parts.toString();
    }

    private static String describeLengths(List<RegionLength> ls) {
        List<String> parts = new ArrayList<>();
        for (RegionLength l : ls) {
            parts.add(l.region().label() + " " + f(l.lengthMm()) + " mm" + (l.labelled() ? "" : " (not penetrated)"));
        }
        return parts.toString();
    }

    private static String fmt(Vec3 v) {
        return "(" + f(v.x()) + ", " + f(v.y()) + ", " + f(v.z()) + ")";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
