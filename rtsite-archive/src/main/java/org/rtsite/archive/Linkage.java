package org.rtsite.archive;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.rtsite.core.InvalidInputException;

/**
 * Linkage one group of files at a time, with the same result as linking the whole archive at once:
 * what bounds the single-machine linker's memory by the largest patient ({@link DicomArchive}) and what
 * a distributed engine runs per group (docs/archive.md, "Linking patient by patient").
 *
 * <p>The rules link a plan only to objects of its own patient, except through explicit UIDs: a reference
 * (structure set, plan, series, contour image) may resolve to an object of another PatientID (refused as
 * {@code CROSS_PATIENT_REFERENCE}, or linked as {@code PATIENT_ID_MISMATCH}), and one SOP Instance UID or
 * image Series Instance UID may be carried by files of several patients (a {@code DUPLICATE_SOP_UID} or
 * {@code DUPLICATE_SERIES_UID} conflict). So the grouping is:
 * <ol>
 *   <li>{@link #groupKey}: the PatientID; all files without PatientID form one group (the rules treat
 *       them as one patient); files that are not DICOM or are unreadable are grouped by folder;</li>
 *   <li>groups whose files meet through a UID are joined ({@link Groups}): a UID {@link #carriedUids carried}
 *       by some file and carried or {@link #referencedUids referenced} by files of several groups joins
 *       those groups. In a curated archive this joins nothing or a few pairs of patients; a UID that no
 *       file carries (a vendor placeholder, a plan that is not in the archive) joins nothing;</li>
 *   <li>unreadable files are named in the reasons of plans and doses beside them (same folder, or folders
 *       with one parent), whatever their group: {@link #link(Collection, Collection)} takes them as
 *       context, grouped by {@link #besideKey}, without reporting or counting them twice.</li>
 * </ol>
 * Identical copies share their SOP Instance UID, so they are in one group. {@link #merge} then combines
 * the groups' reports into the whole archive's (every list in the whole archive's order, counts summed).
 */
public final class Linkage {

    private Linkage() {
    }

    /**
     * The key files are first grouped by: {@code "P" + PatientID} for DICOM files, {@code "N"} for DICOM
     * files without PatientID, {@code "~" + folder} for files that are not DICOM or unreadable (they meet
     * other files only as orphans and as context, see {@link #besideKey}). Groups that share a UID must
     * still be joined ({@link Groups}).
     */
    public static String groupKey(IndexedFile f) {
        Objects.requireNonNull(f, "file");
        if (f.status() != FileStatus.DICOM) {
            return "~" + Linker.folder(f.path());
        }
        return f.patientId() == null ? "N" : "P" + f.patientId();
    }

    /**
     * UIDs the file is the object of: its SOP Instance UID, and its Series Instance UID when it is an
     * image (empty for files that are not DICOM).
     */
    public static Set<String> carriedUids(IndexedFile f) {
        Set<String> out = new LinkedHashSet<>();
        if (f.status() != FileStatus.DICOM) {
            return out;
        }
        out.add(f.sopInstance());
        if (Linker.kind(f) == Linker.Kind.IMAGE) {
            out.add(f.seriesUid());
        }
        return out;
    }

    /**
     * UIDs the linkage rules look objects up by from this file: its referenced structure sets, plans,
     * image series and contour images (beam numbers and frames of reference are compared within a patient only).
     */
    public static Set<String> referencedUids(IndexedFile f) {
        Set<String> out = new LinkedHashSet<>();
        if (f.status() != FileStatus.DICOM) {
            return out;
        }
        for (RefKind k : REFERENCING) {
            out.addAll(f.refs(k));
        }
        return out;
    }

    /**
     * The key of the unreadable files a plan or dose may name as "beside it": its parent's parent folder
     * (exports put each modality in a subfolder of the patient's), or its own folder at the top of the
     * file system. An unreadable file is named in the reasons of a plan or dose with the same key.
     */
    public static String besideKey(IndexedFile f) {
        String folder = Linker.folder(f.path());
        String parent = Linker.folder(folder);
        return parent.isEmpty() ? "F" + folder : "P" + parent;
    }

    /** Whether the file is unreadable, so needed as context by the groups of its {@link #besideKey}. */
    public static boolean isContext(IndexedFile f) {
        return f.status() == FileStatus.UNREADABLE;
    }

    /**
     * Links one group (a component of {@link Groups}), naming the group's own unreadable files only.
     *
     * @throws InvalidInputException when {@code group} is null
     */
    public static LinkageReport link(Collection<IndexedFile> group) {
        return link(group, List.of());
    }

    /**
     * Links one group. {@code unreadable} are unreadable files of the archive with the {@link #besideKey}
     * of a plan or dose of the group (a superset is fine: the others are ignored); they appear in reasons
     * only, never as orphans or in counts, which are their own group's.
     *
     * @throws InvalidInputException when {@code group} or {@code unreadable} is null
     */
    public static LinkageReport link(Collection<IndexedFile> group, Collection<IndexedFile> unreadable) {
        return link(group, unreadable, FileProbe.FILES);
    }

    static LinkageReport link(Collection<IndexedFile> group, Collection<IndexedFile> unreadable, FileProbe probe) {
        if (group == null || unreadable == null) {
            throw new InvalidInputException("group and unreadable files are required, got " + group + " and "
                    + unreadable);
        }
        long notDicom = 0;
        long bad = 0;
        List<String> noMeta = new ArrayList<>();
        for (IndexedFile f : group) {
            switch (f.status()) {
                case NOT_DICOM -> notDicom++;
                case UNREADABLE -> bad++;
                default -> {
                    if (!f.hasMeta()) {
                        noMeta.add(f.path());
                    }
                }
            }
        }
        noMeta.sort(Comparator.naturalOrder());
        Linker.Result r = new Linker(group, unreadable, probe).link();
        return LinkageReport.of(group.size(), group.size() - notDicom - bad, notDicom, bad, r.bundles(),
                r.structureSets(), r.archiveConflicts(), r.orphans(), noMeta, r.planlessDoses(), r.doses(),
                r.imageSeries());
    }

    /**
     * The report of the whole archive from the reports of its groups (each file in exactly one group,
     * groups joined as {@link Groups} says), in any order: plans, structure sets, doses without plan,
     * files without meta header in path order; archive conflicts by type then UID; orphans in the whole
     * archive's blocks (structure sets, doses, image series, other objects, copies, unusable files), each
     * in path order; counts summed.
     *
     * @throws InvalidInputException when {@code parts} is null
     */
    public static LinkageReport merge(List<LinkageReport> parts) {
        if (parts == null) {
            throw new InvalidInputException("no reports to merge (null)");
        }
        Merger m = new Merger();
        parts.forEach(m::add);
        return m.report();
    }

    /**
     * Accumulates group reports into the whole archive's ({@link #merge}), one group at a time. With
     * {@code keepBundles} false it keeps counts only (what a caller that streams the bundles needs):
     * {@link #summary()} is then the whole archive's, and {@link #report()} is refused.
     */
    public static final class Merger {
        private final boolean keepBundles;
        private long files;
        private long dicom;
        private long notDicom;
        private long unreadable;
        private int plans;
        private int complete;
        private int fallbacks;
        private int conflicts;
        private int orphanCount;
        private int doses;
        private int imageSeries;
        private int planlessCount;
        private final List<PlanBundle> bundles = new ArrayList<>();
        private final List<StructureSetLink> structureSets = new ArrayList<>();
        private final List<Conflict> archiveConflicts = new ArrayList<>();
        private final List<List<Orphan>> orphans = new ArrayList<>();
        private final List<String> noMeta = new ArrayList<>();
        private final List<PlanBundle> planless = new ArrayList<>();

        /** A merger that keeps every bundle and orphan, for {@link #report()}. */
        public Merger() {
            this(true);
        }

        /** @param keepBundles false to keep the counts only */
        public Merger(boolean keepBundles) {
            this.keepBundles = keepBundles;
            for (int i = 0; i < 6; i++) {
                orphans.add(new ArrayList<>());
            }
        }

        /** Adds one group's report. */
        public Merger add(LinkageReport part) {
            Objects.requireNonNull(part, "report");
            LinkageReport.Summary s = part.summary();
            files += s.files();
            dicom += s.dicom();
            notDicom += s.notDicom();
            unreadable += s.unreadable();
            plans += s.plans();
            complete += s.complete();
            fallbacks += s.fallbacks();
            conflicts += s.conflicts();
            orphanCount += s.orphans();
            doses += s.doses();
            imageSeries += s.imageSeries();
            planlessCount += s.planlessDoses();
            if (keepBundles) {
                bundles.addAll(part.plans());
                structureSets.addAll(part.structureSets());
                archiveConflicts.addAll(part.archiveConflicts());
                Set<String> structs = new HashSet<>();
                part.structureSets().forEach(l -> structs.add(l.structureSetFile()));
                for (Orphan o : part.orphans()) {
                    orphans.get(Linker.orphanBlock(o, structs)).add(o);
                }
                noMeta.addAll(part.filesWithoutMetaHeader());
                planless.addAll(part.planlessDoses());
            }
            return this;
        }

        /** The whole archive's counts so far. */
        public LinkageReport.Summary summary() {
            return new LinkageReport.Summary(files, dicom, notDicom, unreadable, plans, complete, plans - complete,
                    fallbacks, conflicts, orphanCount, doses, imageSeries, planlessCount);
        }

        /**
         * The whole archive's report so far.
         *
         * @throws InvalidInputException when this merger keeps counts only
         */
        public LinkageReport report() {
            if (!keepBundles) {
                throw new InvalidInputException("this merger keeps counts only (keepBundles false): no report");
            }
            List<PlanBundle> p = new ArrayList<>(bundles);
            p.sort(Comparator.comparing(PlanBundle::planFile));
            List<StructureSetLink> l = new ArrayList<>(structureSets);
            l.sort(Comparator.comparing(StructureSetLink::structureSetFile));
            // one conflict per UID and type; the detail starts with the UID followed by a space, which sorts
            // before any UID character, so ordering by detail is ordering by UID (as Linker does)
            List<Conflict> c = new ArrayList<>(archiveConflicts);
            c.sort(Comparator.comparing((Conflict x) -> x.type() == Conflict.Type.DUPLICATE_SOP_UID ? 0 : 1)
                    .thenComparing(Conflict::detail));
            List<Orphan> o = new ArrayList<>();
            for (List<Orphan> block : orphans) {
                List<Orphan> b = new ArrayList<>(block);
                b.sort(Comparator.comparing(Orphan::path));
                o.addAll(b);
            }
            List<String> m = new ArrayList<>(noMeta);
            m.sort(Comparator.naturalOrder());
            List<PlanBundle> d = new ArrayList<>(planless);
            d.sort(Comparator.comparing(PlanBundle::planFile));
            return LinkageReport.of(files, dicom, notDicom, unreadable, p, l, c, o, m, d, doses, imageSeries);
        }
    }

    /**
     * Union of group keys that meet through UIDs. The key of a component is its smallest group key, so
     * it does not depend on the order of the joins. Serializable: built on a driver, shipped to workers.
     */
    public static final class Groups implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Map<String, String> parent = new HashMap<>();

        /** Joins these group keys into one component (fewer than two: nothing to do). */
        public Groups join(Collection<String> keys) {
            String first = null;
            for (String k : keys) {
                Objects.requireNonNull(k, "group key");
                if (first == null) {
                    first = k;
                } else {
                    union(first, k);
                }
            }
            return this;
        }

        private String find(String k) {
            String root = k;
            while (true) {
                String p = parent.get(root);
                if (p == null || p.equals(root)) {
                    break;
                }
                root = p;
            }
            String x = k;
            while (!x.equals(root)) {
                String next = parent.get(x);
                parent.put(x, root);
                x = next;
            }
            return root;
        }

        private void union(String a, String b) {
            String ra = find(a);
            String rb = find(b);
            if (ra.equals(rb)) {
                return;
            }
            // the smaller key is the root: the component's key is its smallest member
            if (ra.compareTo(rb) < 0) {
                parent.put(rb, ra);
                parent.putIfAbsent(ra, ra);
            } else {
                parent.put(ra, rb);
                parent.putIfAbsent(rb, rb);
            }
        }

        /** The component key of a group key (the key itself when it was never joined). */
        public String key(String groupKey) {
            return parent.containsKey(groupKey) ? find(groupKey) : groupKey;
        }

        /** The final group key of a file: the component of its {@link #groupKey}. */
        public String keyOf(IndexedFile f) {
            return key(groupKey(f));
        }

        /** Group keys that were joined with another, each to its component key, sorted by group key. */
        public Map<String, String> joined() {
            Map<String, String> out = new TreeMap<>();
            for (String k : new ArrayList<>(parent.keySet())) {
                out.put(k, find(k));
            }
            return out;
        }
    }

    /**
     * The joins of the whole archive, computed in memory (for archives or tests that fit; the index
     * computes the same in SQL, a distributed engine by grouping on UID): every UID carried by a file and
     * carried or referenced by files of several groups joins them. {@code files} is iterated twice.
     */
    public static Groups groups(Iterable<IndexedFile> files) {
        // A UID joins the group keys of every file carrying or referencing it when it is carried and has
        // several keys. The first carrier's key is kept per carried UID; only UIDs that meet a second key get
        // a set (a map of a set per UID of the archive was most of a 100,000-file linkage's time here).
        Map<String, String> firstKey = new HashMap<>();
        Map<String, Set<String>> several = new HashMap<>();
        for (IndexedFile f : files) {
            if (f.status() != FileStatus.DICOM) {
                continue;
            }
            String k = groupKey(f);
            for (String u : carriedUids(f)) {
                String first = firstKey.putIfAbsent(u, k);
                if (first != null && !first.equals(k)) {
                    Set<String> keys = several.computeIfAbsent(u, x -> new HashSet<>());
                    keys.add(first);
                    keys.add(k);
                }
            }
        }
        for (IndexedFile f : files) {
            if (f.status() != FileStatus.DICOM) {
                continue;
            }
            String k = null;
            for (RefKind kind : REFERENCING) {
                for (String u : f.refs(kind)) {
                    String first = firstKey.get(u);
                    if (first == null) {
                        continue; // no file carries it: it joins nothing
                    }
                    if (k == null) {
                        k = groupKey(f);
                    }
                    if (!first.equals(k)) {
                        Set<String> keys = several.computeIfAbsent(u, x -> new HashSet<>());
                        keys.add(first);
                        keys.add(k);
                    }
                }
            }
        }
        Groups g = new Groups();
        several.values().forEach(g::join);
        return g;
    }

    /** The reference kinds of {@link #referencedUids}. */
    private static final RefKind[] REFERENCING = {RefKind.STRUCTURE_SET, RefKind.PLAN, RefKind.SERIES,
        RefKind.CONTOUR_IMAGE};

    /**
     * Links an archive held in memory group by group ({@link #groups}, {@link #link(Collection, Collection)},
     * {@link #merge}); equal to linking it whole.
     */
    public static LinkageReport linkByGroup(Collection<IndexedFile> files) {
        return linkByGroup(files, FileProbe.FILES);
    }

    static LinkageReport linkByGroup(Collection<IndexedFile> files, FileProbe probe) {
        Groups g = groups(files);
        Map<String, List<IndexedFile>> byKey = new TreeMap<>();
        Map<String, List<IndexedFile>> unreadableBeside = new HashMap<>();
        for (IndexedFile f : files) {
            byKey.computeIfAbsent(g.keyOf(f), k -> new ArrayList<>()).add(f);
            if (isContext(f)) {
                unreadableBeside.computeIfAbsent(besideKey(f), k -> new ArrayList<>()).add(f);
            }
        }
        Merger m = new Merger();
        for (List<IndexedFile> group : byKey.values()) {
            m.add(link(group, context(group, unreadableBeside), probe));
        }
        return m.report();
    }

    /**
     * The unreadable files a group needs as context ({@link #link(Collection, Collection)}): those with the
     * {@link #besideKey} of one of its DICOM files, from the archive's unreadable files by that key.
     */
    public static List<IndexedFile> context(Collection<IndexedFile> group, Map<String, List<IndexedFile>> unreadableBeside) {
        if (unreadableBeside.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new HashSet<>();
        List<IndexedFile> out = new ArrayList<>();
        for (IndexedFile f : group) {
            if (f.status() == FileStatus.DICOM && keys.add(besideKey(f))) {
                out.addAll(unreadableBeside.getOrDefault(besideKey(f), List.of()));
            }
        }
        return out;
    }
}
