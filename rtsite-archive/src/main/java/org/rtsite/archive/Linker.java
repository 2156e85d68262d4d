package org.rtsite.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.rtsite.dicom.SopClass;

/**
 * Links plans to structure sets, image series and doses from the index held in memory (rules in
 * docs/archive.md). Explicit references first, every item of every sequence; fallbacks only when
 * a reference is missing; conflicts refuse a link instead of picking one candidate.
 *
 * <p>Members are grouped by concern, in the order a link runs: the index in memory, plans, the patient
 * guard, plans → structure sets, structure sets → image series, plans → doses, doses without a plan,
 * conflicts and orphans.
 */
final class Linker {
    enum Kind { PLAN, STRUCT, DOSE, IMAGE, OTHER }

    private final List<IndexedFile> failed = new ArrayList<>();
    private final Map<String, List<IndexedFile>> bySop = new HashMap<>();
    /**
     * Sorted by Series Instance UID, not hashed: candidate lists built from it (and the conflicts naming
     * them) then come in one order whatever else the index holds, so that linking a patient's group alone
     * yields what linking the whole archive yields ({@link Linkage}).
     */
    private final Map<String, List<IndexedFile>> imagesBySeries = new java.util.TreeMap<>();
    private final List<IndexedFile> structs = new ArrayList<>();
    private final List<IndexedFile> doses = new ArrayList<>();
    private final List<IndexedFile> plans = new ArrayList<>();
    private final List<IndexedFile> others = new ArrayList<>();
    private final Map<String, List<IndexedFile>> dosesByPlanRef = new HashMap<>();
    private final Map<String, List<IndexedFile>> plansByFrame = new HashMap<>();
    /** Identical copies: path of a copy → path of the kept file. */
    private final Map<String, String> copies = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, String> refused = new HashMap<>();
    /** SOP Instance UID carried by files with different content → how they differ. */
    private final Map<String, String> duplicateWhy = new HashMap<>();
    /** Unreadable files by folder: named in the reasons of plans whose objects may be among them. */
    private final Map<String, List<IndexedFile>> failedByFolder = new HashMap<>();
    private final FileProbe probe;

    // ---- the index in memory: files by kind, identical copies, duplicates ----

    Linker(Iterable<IndexedFile> files) {
        this(files, FileProbe.FILES);
    }

    Linker(Iterable<IndexedFile> files, FileProbe probe) {
        this(files, List.of(), probe);
    }

    /**
     * @param unreadable unreadable files of the archive that are not among {@code files}, named in reasons
     *                   only (never orphans nor counted here): those beside the objects of a group linked
     *                   alone ({@link Linkage#link(java.util.Collection, java.util.Collection)})
     */
    Linker(Iterable<IndexedFile> files, java.util.Collection<IndexedFile> unreadable, FileProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
        Set<String> own = new HashSet<>();
        for (IndexedFile f : files) {
            own.add(f.path());
            if (f.status() != FileStatus.DICOM) {
                failed.add(f);
                if (f.status() == FileStatus.UNREADABLE) {
                    failedByFolder.computeIfAbsent(folder(f.path()), k -> new ArrayList<>()).add(f);
                }
                continue;
            }
            bySop.computeIfAbsent(f.sopInstance(), k -> new ArrayList<>()).add(f);
        }
        // one object per SOP Instance UID and content; identical copies are set aside
        for (List<IndexedFile> same : bySop.values()) {
            same.sort(Comparator.comparing(IndexedFile::path));
            Map<String, IndexedFile> byContent = new LinkedHashMap<>();
            Map<String, String> keys = contentKeys(same);
            for (IndexedFile f : same) {
                IndexedFile kept = byContent.putIfAbsent(keys.get(f.path()), f);
                if (kept != null) {
                    copies.put(f.path(), kept.path());
                }
            }
            same.retainAll(byContent.values());
            for (IndexedFile f : same) {
                switch (kind(f)) {
                    case PLAN -> {
                        plans.add(f);
                        if (f.frameOfReference() != null) {
                            plansByFrame.computeIfAbsent(f.frameOfReference(), k -> new ArrayList<>()).add(f);
                        }
                    }
                    case STRUCT -> structs.add(f);
                    case DOSE -> {
                        doses.add(f);
                        for (String uid : new LinkedHashSet<>(f.refs(RefKind.PLAN))) {
                            dosesByPlanRef.computeIfAbsent(uid, k -> new ArrayList<>()).add(f);
                        }
                    }
                    case IMAGE -> imagesBySeries.computeIfAbsent(f.seriesUid(), k -> new ArrayList<>()).add(f);
                    default -> others.add(f);
                }
            }
        }
        for (IndexedFile u : unreadable) {
            if (u.status() == FileStatus.UNREADABLE && own.add(u.path())) {
                failedByFolder.computeIfAbsent(folder(u.path()), k -> new ArrayList<>()).add(u);
            }
        }
        Comparator<IndexedFile> byPath = Comparator.comparing(IndexedFile::path);
        failed.sort(byPath);
        plans.sort(byPath);
        structs.sort(byPath);
        doses.sort(byPath);
        others.sort(byPath);
        dosesByPlanRef.values().forEach(l -> l.sort(byPath));
        imagesBySeries.values().forEach(l -> l.sort(byPath));
    }

    /**
     * Content keys of the files of one SOP Instance UID. Files whose indexed attributes agree are
     * compared on their decoded pixel values too (read now, only for them), so that "copies" with
     * different pixels are conflicts; why they differ is kept for the conflict's detail. A file whose
     * pixels cannot be read gets a key of its own: unverifiable is never a copy.
     */
    private Map<String, String> contentKeys(List<IndexedFile> same) {
        Map<String, String> keys = new HashMap<>();
        if (same.size() == 1) {
            keys.put(same.get(0).path(), same.get(0).contentKey());
            return keys;
        }
        Map<String, List<IndexedFile>> byHeader = new LinkedHashMap<>();
        same.forEach(f -> byHeader.computeIfAbsent(f.contentKey(), k -> new ArrayList<>()).add(f));
        List<String> why = new ArrayList<>();
        if (byHeader.size() > 1) {
            why.add(differingAttributes(byHeader.values().stream().map(l -> l.get(0)).toList()));
        }
        for (Map.Entry<String, List<IndexedFile>> e : byHeader.entrySet()) {
            List<IndexedFile> group = e.getValue();
            Kind k = kind(group.get(0));
            if (group.size() == 1 || (k != Kind.DOSE && k != Kind.IMAGE)) {
                group.forEach(f -> keys.put(f.path(), e.getKey()));
                continue;
            }
            Set<String> digests = new TreeSet<>();
            for (IndexedFile f : group) {
                String d;
                try {
                    d = probe.pixelDigest(f);
                } catch (RuntimeException ex) {
                    d = "unverified " + f.path();
                    why.add(ex.getMessage());
                }
                digests.add(d);
                keys.put(f.path(), e.getKey() + "/" + d);
            }
            if (digests.size() > 1 && digests.stream().anyMatch(d -> !d.startsWith("unverified "))) {
                why.add("pixel data differ");
            }
        }
        if (new HashSet<>(keys.values()).size() > 1) {
            duplicateWhy.put(same.get(0).sopInstance(), String.join("; ", new LinkedHashSet<>(why)));
        }
        return keys;
    }

    /**
     * Which indexed attributes differ between files of one SOP Instance UID; when every stored one agrees,
     * the digest's remaining inputs (the values that scale stored pixels) are what differ.
     */
    private static String differingAttributes(List<IndexedFile> files) {
        Map<String, java.util.function.Function<IndexedFile, Object>> fields = new LinkedHashMap<>();
        fields.put("SOP Class", IndexedFile::sopClass);
        fields.put("Modality", IndexedFile::modality);
        fields.put("PatientID", IndexedFile::patientId);
        fields.put("study", IndexedFile::studyUid);
        fields.put("series", IndexedFile::seriesUid);
        fields.put("frame of reference", IndexedFile::frameOfReference);
        fields.put("InstanceNumber", IndexedFile::instanceNumber);
        fields.put("slice position", IndexedFile::slicePosition);
        fields.put("DoseSummationType", IndexedFile::doseSummationType);
        fields.put("grid geometry", IndexedFile::doseGrid);
        fields.put("fractions", IndexedFile::fractions);
        fields.put("references", IndexedFile::refs);
        List<String> differ = new ArrayList<>();
        fields.forEach((name, get) -> {
            if (files.stream().map(get).distinct().count() > 1) {
                differ.add(name);
            }
        });
        return differ.isEmpty() ? "DoseGridScaling or RescaleSlope/RescaleIntercept differ"
                : String.join(", ", differ) + " differ";
    }

    static String folder(String path) {
        int i = path.lastIndexOf('/');
        return i < 0 ? "" : path.substring(0, i);
    }

    /**
     * Unreadable files near {@code f} (its folder and the folders beside it: exports often put each
     * modality in a subfolder of the patient's), named with their reader's message ("" when none).
     */
    private String unreadableBeside(IndexedFile f) {
        String parent = folder(folder(f.path()));
        List<IndexedFile> bad = failedByFolder.entrySet().stream()
                .filter(e -> e.getKey().equals(folder(f.path())) || !parent.isEmpty() && folder(e.getKey()).equals(parent))
                .flatMap(e -> e.getValue().stream()).sorted(Comparator.comparing(IndexedFile::path)).toList();
        if (bad.isEmpty()) {
            return "";
        }
        return "; unreadable file(s) beside it, possibly the missing object: " + bad.stream().limit(5)
                .map(b -> b.path() + " (" + b.reason() + ")").collect(Collectors.joining(", "))
                + (bad.size() > 5 ? " and " + (bad.size() - 5) + " more" : "");
    }

    private String duplicated(String uid, List<IndexedFile> files) {
        return "SOP Instance UID " + uid + " is carried by " + files.size() + " files with different content ("
                + duplicateWhy.getOrDefault(uid, "indexed attributes differ") + "): "
                + files.stream().map(IndexedFile::path).collect(Collectors.joining(", "));
    }

    /** Keyed on Modality (RT Ion Plans say RTPLAN too); the SOP Class decides only when Modality is missing. */
    static Kind kind(IndexedFile f) {
        String m = f.modality();
        if (m != null) {
            return switch (m) {
                case "RTPLAN" -> Kind.PLAN;
                case "RTSTRUCT" -> Kind.STRUCT;
                case "RTDOSE" -> Kind.DOSE;
                default -> m.startsWith("RT") || f.seriesUid() == null ? Kind.OTHER : Kind.IMAGE;
            };
        }
        String c = f.sopClass() == null ? "" : f.sopClass();
        return switch (c) {
            case SopClass.RT_PLAN, SopClass.RT_ION_PLAN -> Kind.PLAN;
            case SopClass.RT_STRUCTURE_SET -> Kind.STRUCT;
            case SopClass.RT_DOSE -> Kind.DOSE;
            default -> Kind.OTHER;
        };
    }

    /** Standard UIDs (PS3.6 registry, root 1.2.840.10008) never name an instance: a vendor placeholder. */
    static boolean isPlaceholder(String uid) {
        return SopClass.isStandard(uid);
    }

    // ---- plans: link() runs every plan, then the doses without one, the conflicts and the orphans ----

    /** The result of linking every plan. */
    record Result(List<PlanBundle> bundles, List<StructureSetLink> structureSets, List<Conflict> archiveConflicts,
                  List<Orphan> orphans, List<PlanBundle> planlessDoses, int doses, int imageSeries) {
    }

    Result link() {
        List<PlanBundle> bundles = new ArrayList<>();
        Map<String, List<IndexedFile>> plansBySop = new LinkedHashMap<>();
        for (IndexedFile p : plans) {
            plansBySop.computeIfAbsent(p.sopInstance(), k -> new ArrayList<>()).add(p);
        }
        for (IndexedFile p : plans) {
            bundles.add(linkPlan(p, plansBySop.get(p.sopInstance())));
        }
        // doses no plan claims, linked after every plan so that they never take a plan's objects
        List<PlanBundle> planless = planlessDoses();
        List<StructureSetLink> links = structureSetLinks();
        // series of unused structure sets are not "used" by a plan: orphans are computed from plan links only
        int series = imagesBySeries.values().stream().mapToInt(f -> distinctSeries(f).size()).sum();
        return new Result(bundles, links, archiveConflicts(), orphans(), planless, doses.size(), series);
    }

    /** Collects the fallbacks, conflicts and reasons of one plan. */
    static final class Ctx {
        final List<Fallback> fallbacks = new ArrayList<>();
        final List<Conflict> conflicts = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();

        void conflict(Conflict.Type t, String detail, List<String> files) {
            conflicts.add(new Conflict(t, detail, files));
        }
    }

    private PlanBundle linkPlan(IndexedFile plan, List<IndexedFile> sameUid) {
        Ctx ctx = new Ctx();
        used.add(plan.path());
        boolean duplicated = sameUid.size() > 1;
        if (duplicated) {
            ctx.conflict(Conflict.Type.DUPLICATE_SOP_UID, "plan SOP Instance UID " + plan.sopInstance() + " is carried by "
                    + sameUid.size() + " files with different content; doses referencing it cannot be attributed",
                    sameUid.stream().map(IndexedFile::path).toList());
            ctx.reasons.add("plan " + duplicated(plan.sopInstance(), sameUid)
                    + "; doses referencing this UID cannot be attributed");
        }
        IndexedFile rs = linkStructureSet(plan, ctx);
        List<IndexedFile> series = linkSeries(plan, rs, ctx);
        DoseChoice dose = linkDoses(plan, duplicated, ctx);
        if (rs != null) {
            used.add(rs.path());
        }
        series.forEach(f -> used.add(f.path()));
        used.addAll(dose.files());
        used.addAll(dose.unused());
        boolean ion = SopClass.RT_ION_PLAN.equals(plan.sopClass());
        PlanBundle.Status status = ctx.reasons.isEmpty() ? PlanBundle.Status.COMPLETE : PlanBundle.Status.INCOMPLETE;
        return new PlanBundle(plan.path(), plan.sopInstance(), ion, plan.patientId(), rs == null ? null : rs.path(),
                series.isEmpty() ? null : series.get(0).seriesUid(), series.stream().map(IndexedFile::path).toList(),
                dose, ctx.fallbacks, ctx.conflicts, status, ctx.reasons);
    }

    // ---- patient guard ----

    private static Set<String> frames(IndexedFile f) {
        Set<String> s = new LinkedHashSet<>();
        if (f.frameOfReference() != null) {
            s.add(f.frameOfReference());
        }
        s.addAll(f.refs(RefKind.FRAME_OF_REFERENCE));
        return s;
    }

    private static boolean sharesStudyOrFrame(IndexedFile a, IndexedFile b) {
        if (a.studyUid() != null && a.studyUid().equals(b.studyUid())) {
            return true;
        }
        Set<String> fa = frames(a);
        fa.retainAll(frames(b));
        return !fa.isEmpty();
    }

    /**
     * Null when {@code to} may be linked from {@code from}; else the conflict. A differing PatientID
     * with a shared study or frame of reference is reported and linked (ids get edited by anonymisers);
     * with neither shared it is another patient and the link is refused.
     */
    private static Conflict patientGuard(IndexedFile from, IndexedFile to, String what) {
        if (from.patientId() == null || to.patientId() == null || from.patientId().equals(to.patientId())) {
            return null;
        }
        List<String> files = List.of(from.path(), to.path());
        if (sharesStudyOrFrame(from, to)) {
            return new Conflict(Conflict.Type.PATIENT_ID_MISMATCH, what + ": PatientID '" + from.patientId() + "' vs '"
                    + to.patientId() + "', same study or frame of reference; linked", files);
        }
        return new Conflict(Conflict.Type.CROSS_PATIENT_REFERENCE, what + " resolves to another patient: PatientID '"
                + from.patientId() + "' vs '" + to.patientId() + "', study " + from.studyUid() + " vs " + to.studyUid()
                + ", frame of reference " + frames(from) + " vs " + frames(to) + "; not linked", files);
    }

    private static boolean samePatient(IndexedFile a, IndexedFile b) {
        return Objects.equals(a.patientId(), b.patientId());
    }

    // ---- plans → structure sets ----

    private IndexedFile linkStructureSet(IndexedFile plan, Ctx ctx) {
        List<String> real = new ArrayList<>();
        for (String uid : new LinkedHashSet<>(plan.refs(RefKind.STRUCTURE_SET))) {
            if (isPlaceholder(uid)) {
                ctx.conflict(Conflict.Type.PLACEHOLDER_REFERENCE, "ReferencedStructureSetSequence holds " + uid
                        + ", a DICOM-standard UID (vendor placeholder), not a structure set instance", List.of(plan.path()));
            } else {
                real.add(uid);
            }
        }
        if (real.isEmpty()) {
            String why = plan.refs(RefKind.STRUCTURE_SET).isEmpty() ? "plan has no ReferencedStructureSetSequence"
                    : "plan's structure set reference is a placeholder";
            IndexedFile rs = fallback("STRUCTURE_SET", plan, structs, why, ctx);
            if (rs == null) {
                ctx.reasons.add("no structure set (" + why + ", and no fallback candidate)");
            }
            return rs;
        }
        Set<IndexedFile> found = new LinkedHashSet<>();
        List<String> dangling = new ArrayList<>();
        List<String> refusedWhy = new ArrayList<>();
        for (String uid : real) {
            int before = ctx.conflicts.size();
            IndexedFile f = resolve(uid, Kind.STRUCT, plan, "plan's structure set reference " + uid, ctx, dangling);
            if (f == null && ctx.conflicts.size() > before) {
                refusedWhy.add(ctx.conflicts.get(ctx.conflicts.size() - 1).detail());
            }
            if (f != null) {
                found.add(f);
            }
        }
        if (found.size() == 1) {
            return found.iterator().next();
        }
        if (found.size() > 1) {
            ctx.conflict(Conflict.Type.AMBIGUOUS_REFERENCE, "plan references " + found.size() + " structure sets",
                    found.stream().map(IndexedFile::path).toList());
            ctx.reasons.add("plan references several structure sets");
        } else if (!dangling.isEmpty() && refusedWhy.isEmpty()) {
            // re-anonymised archives: the UID was regenerated, the structure set is there under another one
            String why = "referenced structure set " + String.join(", ", dangling) + " is not in the archive";
            IndexedFile rs = fallbackByFrame("STRUCTURE_SET", plan, structs, why, ctx);
            if (rs == null && ctx.reasons.stream().noneMatch(r -> r.startsWith("ambiguous structure set"))) {
                ctx.reasons.add(why + " and no structure set of patient " + plan.patientId()
                        + " is on the plan's frame of reference " + frames(plan) + unreadableBeside(plan));
            }
            return rs;
        } else {
            ctx.reasons.add("referenced structure set refused: " + String.join("; ", refusedWhy));
        }
        return null;
    }

    /**
     * Resolves an explicit SOP reference. Adds to {@code dangling} when absent; returns null (with a
     * conflict) when duplicated with different content, of the wrong modality, or of another patient.
     */
    private IndexedFile resolve(String uid, Kind want, IndexedFile from, String what, Ctx ctx, List<String> dangling) {
        List<IndexedFile> c = bySop.get(uid);
        if (c == null) {
            dangling.add(uid);
            return null;
        }
        if (c.size() > 1) {
            ctx.conflict(Conflict.Type.DUPLICATE_SOP_UID, what + ": " + duplicated(uid, c)
                    + "; none chosen", c.stream().map(IndexedFile::path).toList());
            c.forEach(f -> refused.putIfAbsent(f.path(), duplicated(uid, c)));
            return null;
        }
        IndexedFile f = c.get(0);
        if (kind(f) != want) {
            ctx.conflict(Conflict.Type.WRONG_MODALITY, what + " resolves to a " + f.modality() + " object, " + f.path(),
                    List.of(from.path(), f.path()));
            return null;
        }
        Conflict guard = patientGuard(from, f, what);
        if (guard != null) {
            ctx.conflicts.add(guard);
            if (guard.type() == Conflict.Type.CROSS_PATIENT_REFERENCE) {
                refused.putIfAbsent(f.path(), "referenced by " + from.path() + " of another patient");
                ctx.conflicts.set(ctx.conflicts.size() - 1, new Conflict(guard.type(), f.path() + ": " + guard.detail(),
                        guard.files()));
                return null;
            }
        }
        return f;
    }

    /** Same frame of reference (and patient), else same study (and patient); several candidates are a conflict. */
    private IndexedFile fallback(String link, IndexedFile from, List<IndexedFile> pool, String why, Ctx ctx) {
        Set<String> fromFrames = frames(from);
        List<IndexedFile> byFrame = new ArrayList<>();
        List<IndexedFile> byStudy = new ArrayList<>();
        for (IndexedFile c : pool) {
            if (!samePatient(from, c)) {
                continue;
            }
            Set<String> fr = frames(c);
            fr.retainAll(fromFrames);
            if (!fr.isEmpty()) {
                byFrame.add(c);
            } else if (from.studyUid() != null && from.studyUid().equals(c.studyUid())) {
                byStudy.add(c);
            }
        }
        for (List<IndexedFile> cands : List.of(byFrame, byStudy)) {
            String rule = cands == byFrame ? "FRAME_OF_REFERENCE" : "STUDY";
            if (cands.size() == 1) {
                IndexedFile f = cands.get(0);
                ctx.fallbacks.add(new Fallback(link, rule, why + "; matched " + f.path() + " on "
                        + (cands == byFrame ? "frame of reference " + fromFrames : "study " + from.studyUid())));
                return f;
            }
            if (cands.size() > 1) {
                ctx.conflict(Conflict.Type.AMBIGUOUS_FALLBACK, why + "; " + cands.size() + " candidates "
                        + (cands == byFrame ? "on frame of reference " + fromFrames : "in study " + from.studyUid())
                        + ", none chosen", cands.stream().map(IndexedFile::path).toList());
                ctx.reasons.add("ambiguous " + link.toLowerCase().replace('_', ' ') + " fallback by " + rule.toLowerCase()
                        .replace('_', ' '));
                return null;
            }
        }
        return null;
    }

    /**
     * Only the frame-of-reference rule of {@link #fallback}: one object of the same patient on the
     * frame of reference of {@code from}; several are an {@code AMBIGUOUS_FALLBACK} naming them.
     */
    private IndexedFile fallbackByFrame(String link, IndexedFile from, List<IndexedFile> pool, String why, Ctx ctx) {
        Set<String> fromFrames = frames(from);
        List<IndexedFile> cands = new ArrayList<>();
        for (IndexedFile c : pool) {
            Set<String> fr = frames(c);
            fr.retainAll(fromFrames);
            if (samePatient(from, c) && !fr.isEmpty()) {
                cands.add(c);
            }
        }
        if (cands.size() == 1) {
            IndexedFile f = cands.get(0);
            ctx.fallbacks.add(new Fallback(link, "FRAME_OF_REFERENCE", why + "; matched " + f.path()
                    + ", the only one of patient " + from.patientId() + " on frame of reference " + fromFrames));
            return f;
        }
        if (cands.size() > 1) {
            String names = cands.stream().map(IndexedFile::path).collect(Collectors.joining(", "));
            ctx.conflict(Conflict.Type.AMBIGUOUS_FALLBACK, why + "; " + cands.size() + " candidates of patient "
                    + from.patientId() + " on frame of reference " + fromFrames + ", none chosen: " + names,
                    cands.stream().map(IndexedFile::path).toList());
            ctx.reasons.add("ambiguous " + link.toLowerCase().replace('_', ' ') + " fallback by frame of reference ("
                    + why + "): " + cands.size() + " candidates competed: " + names);
        }
        return null;
    }

    // ---- structure sets → image series (one Series Instance UID may hold several series) ----

    private record SeriesKey(String patient, String study, String frame, String plane) {
    }

    private final Map<String, List<List<IndexedFile>>> distinct = new HashMap<>();

    /**
     * Files of one series UID split into distinct series (patient, study, frame of reference, and plane:
     * orientation, rows, columns, spacing and in-plane position, so that a UID reused by another
     * acquisition is not merged into one volume); computed once per UID.
     */
    private List<List<IndexedFile>> distinctSeries(List<IndexedFile> files) {
        String uid = files.get(0).seriesUid();
        return distinct.computeIfAbsent(uid, k -> {
            Map<SeriesKey, List<IndexedFile>> groups = new LinkedHashMap<>();
            List<IndexedFile> unknownPlane = new ArrayList<>();
            for (IndexedFile f : files) {
                if (HeaderExtractor.UNKNOWN_PLANE.equals(f.doseGrid())) {
                    unknownPlane.add(f);
                    continue;
                }
                groups.computeIfAbsent(new SeriesKey(f.patientId(), f.studyUid(), f.frameOfReference(), f.doseGrid()),
                        x -> new ArrayList<>()).add(f);
            }
            // a slice with a NaN position stays in the one acquisition it otherwise matches, so that loading
            // the series names the slice and its fault instead of the linker reporting a second acquisition
            for (IndexedFile f : unknownPlane) {
                List<List<IndexedFile>> same = groups.entrySet().stream()
                        .filter(e -> Objects.equals(e.getKey().patient(), f.patientId())
                                && Objects.equals(e.getKey().study(), f.studyUid())
                                && Objects.equals(e.getKey().frame(), f.frameOfReference()))
                        .map(Map.Entry::getValue).toList();
                if (same.size() == 1) {
                    same.get(0).add(f);
                } else {
                    groups.computeIfAbsent(new SeriesKey(f.patientId(), f.studyUid(), f.frameOfReference(),
                            HeaderExtractor.UNKNOWN_PLANE), x -> new ArrayList<>()).add(f);
                }
            }
            return List.copyOf(groups.values());
        });
    }

    private static boolean isCt(List<IndexedFile> series) {
        return "CT".equals(series.get(0).modality());
    }

    /** A structure set's series link, computed once and shared by the plans that use it. */
    private record SeriesLink(List<IndexedFile> files, int contourRefs, int contourPresent, Ctx ctx) {
    }

    private final Map<String, SeriesLink> seriesLinks = new HashMap<>();
    private final Map<String, Integer> plansPerStructureSet = new HashMap<>();

    private SeriesLink seriesLink(IndexedFile rs) {
        return seriesLinks.computeIfAbsent(rs.path(), k -> {
            Ctx ctx = new Ctx();
            Set<String> contour = new LinkedHashSet<>(rs.refs(RefKind.CONTOUR_IMAGE));
            List<String> refs = new ArrayList<>(new LinkedHashSet<>(rs.refs(RefKind.SERIES)));
            List<IndexedFile> chosen;
            int reasonsBefore = ctx.reasons.size();
            if (refs.isEmpty()) {
                chosen = seriesByContourImages(rs, contour, ctx);
                if (chosen == null) {
                    chosen = seriesFallback(rs, "structure set has no RTReferencedSeriesSequence", ctx);
                }
            } else {
                chosen = seriesByReference(rs, refs, contour, ctx);
            }
            boolean byPositions = false;
            if (!contour.isEmpty() && contour.stream().noneMatch(bySop::containsKey)) {
                // re-exported or re-anonymised: the image references name nothing; the contours' positions still tell
                List<IndexedFile> found = seriesByContourPositions(rs, chosen, contour.size(), ctx);
                if (found != null) {
                    ctx.reasons.subList(reasonsBefore, ctx.reasons.size()).clear(); // now in the fallback's detail
                    chosen = found;
                    byPositions = true;
                }
            }
            int present = 0;
            if (!chosen.isEmpty()) {
                Set<String> rsFrames = frames(rs);
                String frame = chosen.get(0).frameOfReference();
                if (!rsFrames.isEmpty() && frame != null && !rsFrames.contains(frame)) {
                    ctx.conflict(Conflict.Type.FRAME_OF_REFERENCE_MISMATCH, "structure set's frame of reference "
                            + rsFrames + " differs from its image series' " + frame + "; linked by the series reference",
                            List.of(rs.path(), chosen.get(0).path()));
                }
                Set<String> have = chosen.stream().map(IndexedFile::sopInstance).collect(Collectors.toSet());
                present = (int) contour.stream().filter(have::contains).count();
                if (present < contour.size() && !byPositions) {
                    ctx.reasons.add((contour.size() - present) + " of " + contour.size()
                            + " contour image references are not in the linked series");
                }
            } else if (ctx.reasons.stream().noneMatch(r -> r.contains("image series"))) {
                ctx.reasons.add("no image series");
            }
            return new SeriesLink(chosen, contour.size(), present, ctx);
        });
    }

    /** Slice positions must match contour positions this closely (mm): "exactly", up to DS rounding. */
    private static final double POSITION_TOLERANCE_MM = 0.1;

    /**
     * The one CT series of the structure set's patient and frame of reference (or the series already
     * linked by reference, to confirm it) with a slice at every contour's position, when no contour image
     * reference names an instance. Reads the contours (once, through the probe). Null when none or several
     * match (with the reason and, for several, an {@code AMBIGUOUS_FALLBACK} naming them).
     */
    private List<IndexedFile> seriesByContourPositions(IndexedFile rs, List<IndexedFile> chosen, int refs, Ctx ctx) {
        String why = "none of the structure set's " + refs + " contour image references names an instance in the archive";
        List<double[]> points;
        try {
            points = probe.contourPoints(rs);
        } catch (RuntimeException e) {
            ctx.reasons.add(why + ", and its contour positions cannot be compared: " + e.getMessage());
            return null;
        }
        if (points.isEmpty()) {
            return null;
        }
        List<List<IndexedFile>> cands = new ArrayList<>();
        if (!chosen.isEmpty()) {
            cands.add(chosen);
        } else {
            indexSeries();
            for (String fr : frames(rs)) {
                for (List<IndexedFile> g : seriesByFrame.getOrDefault(fr, List.of())) {
                    if (samePatient(rs, g.get(0)) && isCt(g) && !cands.contains(g)) {
                        cands.add(g);
                    }
                }
            }
        }
        List<List<IndexedFile>> hit = cands.stream().filter(g -> slicesAt(g, points)).toList();
        if (hit.size() == 1) {
            List<IndexedFile> g = hit.get(0);
            ctx.fallbacks.add(new Fallback("CT_SERIES", "CONTOUR_POSITIONS", why + "; series " + g.get(0).seriesUid()
                    + " (" + g.get(0).path() + ", " + g.size() + " slices) has a slice at each of its " + points.size()
                    + " contours' positions" + (chosen.isEmpty() ? "" : ", confirming the series reference")));
            return ordered(g, ctx);
        }
        if (hit.size() > 1) {
            String names = hit.stream().map(g -> g.get(0).seriesUid() + " (" + g.get(0).path() + ")")
                    .collect(Collectors.joining(", "));
            ctx.conflict(Conflict.Type.AMBIGUOUS_FALLBACK, why + "; " + hit.size() + " CT series on frame of reference "
                    + frames(rs) + " have slices at every contour position, none chosen: " + names,
                    hit.stream().map(g -> g.get(0).path()).toList());
            ctx.reasons.add("ambiguous image series fallback by contour positions: " + hit.size()
                    + " candidates competed: " + names);
            return null;
        }
        ctx.reasons.add(why + ", and " + (chosen.isEmpty() ? "no CT series of patient " + rs.patientId()
                + " on frame of reference " + frames(rs) : "the referenced series") + " has slices at all "
                + points.size() + " contours' positions");
        return null;
    }

    /** Whether the series has a slice at every point's position along its slice normal. */
    private static boolean slicesAt(List<IndexedFile> series, List<double[]> points) {
        double[] n = planeNormal(series.get(0).doseGrid());
        if (n == null) {
            return false;
        }
        double[] z = series.stream().map(IndexedFile::slicePosition).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (z.length == 0) {
            return false;
        }
        for (double[] p : points) {
            double d = p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
            int i = java.util.Arrays.binarySearch(z, d);
            if (i < 0) {
                int ins = -i - 1;
                double best = Double.MAX_VALUE;
                if (ins < z.length) {
                    best = z[ins] - d;
                }
                if (ins > 0) {
                    best = Math.min(best, d - z[ins - 1]);
                }
                if (best > POSITION_TOLERANCE_MM) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Unit slice normal from an image plane key ({@link HeaderExtractor#imagePlane}), or null. */
    static double[] planeNormal(String plane) {
        if (plane == null || !plane.startsWith("plane ")) {
            return null;
        }
        String[] c = plane.substring(6).split("\\|")[0].split(",");
        if (c.length < 6) {
            return null;
        }
        double[] o = new double[6];
        for (int i = 0; i < 6; i++) {
            o[i] = Long.parseLong(c[i]) / 1e4;
        }
        double nx = o[1] * o[5] - o[2] * o[4];
        double ny = o[2] * o[3] - o[0] * o[5];
        double nz = o[0] * o[4] - o[1] * o[3];
        double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
        return len < 1e-6 ? null : new double[] {nx / len, ny / len, nz / len};
    }

    private List<IndexedFile> linkSeries(IndexedFile plan, IndexedFile rs, Ctx ctx) {
        if (rs != null) {
            plansPerStructureSet.merge(rs.path(), 1, Integer::sum);
            SeriesLink link = seriesLink(rs);
            ctx.fallbacks.addAll(link.ctx().fallbacks);
            ctx.conflicts.addAll(link.ctx().conflicts);
            ctx.reasons.addAll(link.ctx().reasons);
            return link.files();
        }
        List<IndexedFile> chosen = seriesFallback(plan, "no structure set linked", ctx);
        if (chosen.isEmpty() && ctx.reasons.stream().noneMatch(r -> r.contains("image series"))) {
            ctx.reasons.add("no image series");
        }
        return chosen;
    }

    /** Every structure set's series link, in path order. */
    private List<StructureSetLink> structureSetLinks() {
        List<StructureSetLink> out = new ArrayList<>();
        for (IndexedFile rs : structs) {
            SeriesLink l = seriesLink(rs);
            out.add(new StructureSetLink(rs.path(), rs.sopInstance(), rs.patientId(),
                    l.files().isEmpty() ? null : l.files().get(0).seriesUid(), l.files().size(), l.contourRefs(),
                    l.contourPresent(), plansPerStructureSet.getOrDefault(rs.path(), 0), l.ctx().fallbacks,
                    l.ctx().conflicts, l.ctx().reasons));
        }
        return out;
    }

    private List<IndexedFile> seriesByReference(IndexedFile rs, List<String> refs, Set<String> contour, Ctx ctx) {
        List<List<IndexedFile>> found = new ArrayList<>();
        List<String> dangling = new ArrayList<>();
        for (String uid : refs) {
            List<IndexedFile> files = imagesBySeries.get(uid);
            if (files == null) {
                dangling.add(uid);
                continue;
            }
            List<List<IndexedFile>> groups = distinctSeries(files);
            List<IndexedFile> one;
            if (groups.size() == 1) {
                one = groups.get(0);
            } else {
                List<List<IndexedFile>> hit = groups.stream()
                        .filter(g -> g.stream().anyMatch(f -> contour.contains(f.sopInstance()))).toList();
                if (hit.size() == 1) {
                    one = hit.get(0);
                    ctx.fallbacks.add(new Fallback("CT_SERIES", "CONTOUR_IMAGES", "series UID " + uid + " is shared by "
                            + groups.size() + " distinct series; the one holding the contour images was chosen"));
                } else {
                    ctx.conflict(Conflict.Type.DUPLICATE_SERIES_UID, "series UID " + uid + " is shared by "
                            + groups.size() + " distinct series and contour image references "
                            + (hit.isEmpty() ? "match none" : "match several"),
                            groups.stream().map(g -> g.get(0).path()).toList());
                    continue;
                }
            }
            Conflict guard = patientGuard(rs, one.get(0), "structure set's series reference " + uid);
            if (guard != null) {
                ctx.conflicts.add(guard);
                if (guard.type() == Conflict.Type.CROSS_PATIENT_REFERENCE) {
                    continue;
                }
            }
            found.add(one);
        }
        if (found.size() > 1) {
            List<List<IndexedFile>> ct = found.stream().filter(Linker::isCt).toList();
            if (ct.size() == 1) {
                return ordered(ct.get(0), ctx);
            }
            ctx.conflict(Conflict.Type.AMBIGUOUS_REFERENCE, "structure set references " + found.size()
                    + " image series", found.stream().map(g -> g.get(0).path()).toList());
            ctx.reasons.add("structure set references several image series");
            return List.of();
        }
        if (found.size() == 1) {
            return ordered(found.get(0), ctx);
        }
        if (!dangling.isEmpty()) {
            ctx.reasons.add("referenced image series " + String.join(", ", dangling) + " not in archive");
        } else {
            ctx.reasons.add("referenced image series refused (see conflicts)");
        }
        return List.of();
    }

    /** The series holding the structure set's contour images, when its series reference is missing. */
    private List<IndexedFile> seriesByContourImages(IndexedFile rs, Set<String> contour, Ctx ctx) {
        Set<String> seriesUids = new LinkedHashSet<>();
        for (String sop : contour) {
            List<IndexedFile> c = bySop.get(sop);
            if (c != null && c.size() == 1 && kind(c.get(0)) == Kind.IMAGE && samePatient(rs, c.get(0))) {
                seriesUids.add(c.get(0).seriesUid());
            }
        }
        if (seriesUids.size() != 1) {
            return null;
        }
        String uid = seriesUids.iterator().next();
        List<List<IndexedFile>> groups = distinctSeries(imagesBySeries.get(uid));
        List<List<IndexedFile>> hit = groups.stream()
                .filter(g -> g.stream().anyMatch(f -> contour.contains(f.sopInstance()))).toList();
        if (hit.size() != 1) {
            return null;
        }
        ctx.fallbacks.add(new Fallback("CT_SERIES", "CONTOUR_IMAGES", "structure set has no RTReferencedSeriesSequence;"
                + " series " + uid + " holds its contour images"));
        return ordered(hit.get(0), ctx);
    }

    private Map<String, List<List<IndexedFile>>> seriesByFrame;
    private Map<String, List<List<IndexedFile>>> seriesByStudy;

    /** Distinct image series indexed by frame of reference and by study, built on first use. */
    private void indexSeries() {
        if (seriesByFrame != null) {
            return;
        }
        seriesByFrame = new HashMap<>();
        seriesByStudy = new HashMap<>();
        for (List<IndexedFile> files : imagesBySeries.values()) {
            for (List<IndexedFile> g : distinctSeries(files)) {
                IndexedFile f = g.get(0);
                if (f.frameOfReference() != null) {
                    seriesByFrame.computeIfAbsent(f.frameOfReference(), k -> new ArrayList<>()).add(g);
                }
                if (f.studyUid() != null) {
                    seriesByStudy.computeIfAbsent(f.studyUid(), k -> new ArrayList<>()).add(g);
                }
            }
        }
    }

    /** Image series on the object's frame of reference, else in its study (same patient); CT preferred. */
    private List<IndexedFile> seriesFallback(IndexedFile from, String why, Ctx ctx) {
        indexSeries();
        Set<String> fromFrames = frames(from);
        Set<List<IndexedFile>> byFrame = new LinkedHashSet<>();
        List<List<IndexedFile>> byStudy = new ArrayList<>();
        for (String fr : fromFrames) {
            for (List<IndexedFile> g : seriesByFrame.getOrDefault(fr, List.of())) {
                if (samePatient(from, g.get(0))) {
                    byFrame.add(g);
                }
            }
        }
        if (from.studyUid() != null) {
            for (List<IndexedFile> g : seriesByStudy.getOrDefault(from.studyUid(), List.of())) {
                if (samePatient(from, g.get(0)) && !byFrame.contains(g)) {
                    byStudy.add(g);
                }
            }
        }
        List<List<IndexedFile>> frameList = new ArrayList<>(byFrame);
        for (List<List<IndexedFile>> cands : List.of(frameList, byStudy)) {
            String rule = cands == frameList ? "FRAME_OF_REFERENCE" : "STUDY";
            List<List<IndexedFile>> pick = cands.size() > 1 ? cands.stream().filter(Linker::isCt).toList() : cands;
            if (pick.size() == 1) {
                ctx.fallbacks.add(new Fallback("CT_SERIES", rule, why + "; matched series " + pick.get(0).get(0).seriesUid()
                        + " on " + (cands == frameList ? "frame of reference " + fromFrames : "study " + from.studyUid())));
                return ordered(pick.get(0), ctx);
            }
            if (cands.size() > 1) {
                ctx.conflict(Conflict.Type.AMBIGUOUS_FALLBACK, why + "; " + cands.size() + " image series by "
                        + rule.toLowerCase().replace('_', ' ') + ", none chosen",
                        cands.stream().map(g -> g.get(0).path()).toList());
                ctx.reasons.add("ambiguous image series fallback by " + rule.toLowerCase().replace('_', ' '));
                return List.of();
            }
        }
        return List.of();
    }

    /** Slice order; two files with one SOP UID in a series (different content) refuse the series. */
    private List<IndexedFile> ordered(List<IndexedFile> series, Ctx ctx) {
        Map<String, Long> counts = series.stream().collect(Collectors.groupingBy(IndexedFile::sopInstance,
                Collectors.counting()));
        List<String> dup = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        if (!dup.isEmpty()) {
            ctx.conflict(Conflict.Type.DUPLICATE_SOP_UID, "image series " + series.get(0).seriesUid() + " holds "
                    + dup.size() + " SOP Instance UIDs twice with different content", series.stream()
                    .filter(f -> dup.contains(f.sopInstance())).map(IndexedFile::path).toList());
            ctx.reasons.add("image series " + series.get(0).seriesUid() + " has duplicated SOP Instance UIDs: "
                    + dup.stream().sorted().map(u -> duplicated(u, bySop.get(u))).collect(Collectors.joining("; ")));
            return List.of();
        }
        List<IndexedFile> s = new ArrayList<>(series);
        s.sort(Comparator.comparing((IndexedFile f) -> f.slicePosition() == null ? Double.MAX_VALUE : f.slicePosition())
                .thenComparing(f -> f.instanceNumber() == null ? Integer.MAX_VALUE : f.instanceNumber())
                .thenComparing(IndexedFile::path));
        return s;
    }

    // ---- plans → doses: which doses a plan may use; which of them it uses is DoseChooser's ----

    private Map<String, List<IndexedFile>> unreferencedDosesByFrame;

    private DoseChoice linkDoses(IndexedFile plan, boolean planDuplicated, Ctx ctx) {
        List<IndexedFile> accepted = new ArrayList<>();
        List<IndexedFile> referencing = dosesByPlanRef.getOrDefault(plan.sopInstance(), List.of());
        for (IndexedFile d : referencing) {
            List<IndexedFile> sameDose = bySop.get(d.sopInstance());
            if (sameDose.size() > 1) {
                // which of them is the plan's dose must not depend on file order: none is
                if (sameDose.get(0) == d) {
                    ctx.conflict(Conflict.Type.DUPLICATE_SOP_UID, "dose referencing this plan: "
                        + duplicated(d.sopInstance(), sameDose) + "; none chosen",
                        sameDose.stream().map(IndexedFile::path).toList());
                    // the plan's other doses may still be used (e.g. its BEAM doses), but never silently
                    ctx.reasons.add("dose " + duplicated(d.sopInstance(), sameDose) + "; none of them is used");
                }
                refused.putIfAbsent(d.path(), duplicated(d.sopInstance(), sameDose));
                continue;
            }
            if (planDuplicated) {
                refused.putIfAbsent(d.path(), "references plan UID " + plan.sopInstance()
                        + ", which several files carry with different content");
                continue;
            }
            Conflict guard = patientGuard(plan, d, "dose " + d.path() + " referencing this plan");
            if (guard != null) {
                ctx.conflicts.add(guard);
                if (guard.type() == Conflict.Type.CROSS_PATIENT_REFERENCE) {
                    refused.putIfAbsent(d.path(), "references plan " + plan.sopInstance() + " (" + plan.path()
                            + ") of another patient");
                    continue;
                }
            }
            accepted.add(d);
        }
        if (referencing.isEmpty() && plan.frameOfReference() != null) {
            // doses without any plan reference, on this plan's frame of reference
            if (unreferencedDosesByFrame == null) {
                unreferencedDosesByFrame = new HashMap<>();
                for (IndexedFile d : doses) {
                    if (d.refs(RefKind.PLAN).isEmpty() && d.frameOfReference() != null) {
                        unreferencedDosesByFrame.computeIfAbsent(d.frameOfReference(), k -> new ArrayList<>()).add(d);
                    }
                }
            }
            List<IndexedFile> cands = unreferencedDosesByFrame.getOrDefault(plan.frameOfReference(), List.of()).stream()
                    .filter(d -> samePatient(plan, d)).toList();
            if (!cands.isEmpty()) {
                List<IndexedFile> rivals = plansByFrame.getOrDefault(plan.frameOfReference(), List.of()).stream()
                        .filter(p -> samePatient(p, plan)).toList();
                if (rivals.size() > 1) {
                    ctx.conflict(Conflict.Type.AMBIGUOUS_FALLBACK, "doses without a plan reference on frame of reference "
                            + plan.frameOfReference() + ", shared by " + rivals.size() + " plans; none attributed",
                            cands.stream().map(IndexedFile::path).toList());
                } else {
                    ctx.fallbacks.add(new Fallback("DOSE", "FRAME_OF_REFERENCE", cands.size()
                            + " dose(s) without ReferencedRTPlanSequence on frame of reference " + plan.frameOfReference()));
                    accepted.addAll(cands);
                }
            }
        }
        if (accepted.isEmpty()) {
            if (referencing.isEmpty()) {
                ctx.reasons.add("no RTDOSE references this plan's UID " + plan.sopInstance() + unreadableBeside(plan));
            } else {
                // one line per distinct cause (a duplicated UID names all its files once)
                Map<String, List<String>> byCause = new LinkedHashMap<>();
                referencing.forEach(d -> byCause.computeIfAbsent(refused.getOrDefault(d.path(), "refused"),
                        k -> new ArrayList<>()).add(d.path()));
                ctx.reasons.add("every RTDOSE referencing this plan was refused: " + byCause.entrySet().stream()
                        .map(e -> String.join(", ", e.getValue()) + " (" + (e.getKey().startsWith("SOP Instance UID")
                                ? "its SOP Instance UID is carried by files with different content, see above"
                                : e.getKey()) + ")")
                        .collect(Collectors.joining("; ")));
            }
            return DoseChoice.none("no dose", List.of());
        }
        return DoseChooser.choose(plan, accepted, ctx);
    }

    // ---- doses without a plan ----

    /**
     * Doses no plan claims (none references them, none of the patient is on their frame of reference,
     * no link refused them): each linked like a plan to the structure set of its patient and frame of
     * reference (one candidate only) and that structure set's image series, else the image series on its
     * frame of reference. BEAM doses of one patient, frame of reference and referenced (missing) plan are
     * summed as one bundle, as a plan's would be; the missing plan's beam list is unknown, so the sum
     * cannot be checked for a missing beam (said in the detail). A FRACTION dose cannot be scaled without
     * the plan's number of fractions: its bundle is incomplete.
     */
    private final Set<String> planless = new HashSet<>();

    private List<PlanBundle> planlessDoses() {
        Map<String, List<IndexedFile>> groups = new LinkedHashMap<>();
        for (IndexedFile d : doses) {
            if (used.contains(d.path()) || refused.containsKey(d.path()) || bySop.get(d.sopInstance()).size() > 1) {
                continue;
            }
            boolean referencesPresentPlan = d.refs(RefKind.PLAN).stream().anyMatch(bySop::containsKey);
            boolean planOnFrame = d.refs(RefKind.PLAN).isEmpty() && d.frameOfReference() != null
                    && plansByFrame.getOrDefault(d.frameOfReference(), List.of()).stream().anyMatch(p -> samePatient(p, d));
            if (referencesPresentPlan || planOnFrame) {
                continue; // a plan's business (linked, refused or ambiguous there)
            }
            String key = "BEAM".equals(d.doseSummationType())
                    ? "BEAM\n" + d.patientId() + "\n" + d.frameOfReference() + "\n" + new TreeSet<>(d.refs(RefKind.PLAN))
                    : d.path();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
        }
        List<PlanBundle> out = new ArrayList<>();
        for (List<IndexedFile> g : groups.values()) {
            out.add(linkPlanless(g));
            g.forEach(d -> planless.add(d.path()));
        }
        return out;
    }

    private PlanBundle linkPlanless(List<IndexedFile> group) {
        IndexedFile dose = group.get(0);
        Ctx ctx = new Ctx();
        Set<String> planRefs = new TreeSet<>(dose.refs(RefKind.PLAN));
        String missing = planRefs.isEmpty() ? "RTDOSE has no ReferencedRTPlanSequence and no plan of patient "
                + dose.patientId() + " is on its frame of reference " + dose.frameOfReference()
                : "RTDOSE references plan " + String.join(", ", planRefs) + ", not in the archive";
        IndexedFile rs = null;
        List<String> rsRefs = dose.refs(RefKind.STRUCTURE_SET).stream().filter(u -> !isPlaceholder(u)).distinct().toList();
        List<String> dangling = new ArrayList<>();
        if (rsRefs.size() == 1) {
            rs = resolve(rsRefs.get(0), Kind.STRUCT, dose, "dose's structure set reference " + rsRefs.get(0), ctx, dangling);
        }
        if (rs == null) {
            rs = fallbackByFrame("STRUCTURE_SET", dose, structs, "dose without plan", ctx);
        }
        List<IndexedFile> series;
        if (rs != null) {
            SeriesLink link = seriesLink(rs);
            ctx.fallbacks.addAll(link.ctx().fallbacks);
            ctx.conflicts.addAll(link.ctx().conflicts);
            ctx.reasons.addAll(link.ctx().reasons);
            series = link.files();
        } else {
            if (ctx.reasons.isEmpty()) {
                ctx.reasons.add("no structure set of patient " + dose.patientId() + " on the dose's frame of reference "
                        + dose.frameOfReference() + unreadableBeside(dose));
            }
            series = seriesFallback(dose, "dose without plan or structure set", ctx);
            if (series.isEmpty() && ctx.reasons.stream().noneMatch(r -> r.contains("image series"))) {
                ctx.reasons.add("no image series of patient " + dose.patientId() + " on the dose's frame of reference "
                        + dose.frameOfReference());
            }
        }
        DoseChoice choice = planlessDoseChoice(group, ctx);
        PlanBundle.Status status = ctx.reasons.isEmpty() ? PlanBundle.Status.COMPLETE : PlanBundle.Status.INCOMPLETE;
        return new PlanBundle(dose.path(), null, false, dose.patientId(), rs == null ? null : rs.path(),
                series.isEmpty() ? null : series.get(0).seriesUid(), series.stream().map(IndexedFile::path).toList(),
                choice, ctx.fallbacks, ctx.conflicts, status, ctx.reasons, missing);
    }

    private DoseChoice planlessDoseChoice(List<IndexedFile> group, Ctx ctx) {
        IndexedFile d = group.get(0);
        String type = d.doseSummationType() == null ? "(none)" : d.doseSummationType();
        List<String> all = group.stream().map(IndexedFile::path).toList();
        switch (type) {
            case "PLAN":
                return new DoseChoice(DoseChoice.Decision.PLAN, all, 1, true, List.of(),
                        "one dose of summation type PLAN, without its plan");
            case "BEAM": {
                Map<String, IndexedFile> byBeam = new LinkedHashMap<>();
                for (IndexedFile b : group) {
                    for (String n : b.refs(RefKind.DOSE_BEAM)) {
                        IndexedFile prev = byBeam.putIfAbsent(n, b);
                        if (prev != null && prev != b) {
                            ctx.conflict(Conflict.Type.DOSE_CONFLICT, "beam " + n + " is covered by two BEAM doses",
                                    List.of(prev.path(), b.path()));
                            ctx.reasons.add("beam " + n + " covered twice by " + prev.path() + " and " + b.path());
                            return DoseChoice.none("a beam is covered by two BEAM doses", all);
                        }
                    }
                }
                boolean common = group.stream().map(IndexedFile::doseGrid).distinct().count() == 1;
                return new DoseChoice(DoseChoice.Decision.BEAM_SUM, all, 1, common, List.of(), "sum of " + group.size()
                        + " BEAM dose(s)" + (byBeam.isEmpty() ? "" : " for beams " + byBeam.keySet())
                        + " without their plan: whether a beam is missing cannot be checked"
                        + (common ? "" : "; on different grids (resample onto a common grid)"));
            }
            case "FRACTION":
                ctx.reasons.add("FRACTION dose " + d.path() + " without its plan: the number of fractions is unknown");
                return DoseChoice.none("FRACTION dose without a number of fractions", all);
            default:
                ctx.reasons.add("dose " + d.path() + " of summation type " + type + " is not used");
                return DoseChoice.none("dose summation type " + type + " is not used", all);
        }
    }

    // ---- conflicts and orphans, archive-wide ----

    /** Archive-wide: SOP Instance UIDs carried with different content, Series Instance UIDs shared by distinct series. */
    private List<Conflict> archiveConflicts() {
        List<Conflict> out = new ArrayList<>();
        bySop.entrySet().stream().filter(e -> e.getValue().size() > 1).sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add(new Conflict(Conflict.Type.DUPLICATE_SOP_UID, duplicated(e.getKey(), e.getValue()),
                        e.getValue().stream().map(IndexedFile::path).toList())));
        imagesBySeries.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<List<IndexedFile>> groups = distinctSeries(e.getValue());
            if (groups.size() > 1) {
                out.add(new Conflict(Conflict.Type.DUPLICATE_SERIES_UID, "Series Instance UID " + e.getKey()
                        + " is shared by " + groups.size() + " distinct series (patient, study, frame of reference or"
                        + " image plane differ)",
                        groups.stream().map(g -> g.get(0).path()).toList()));
            }
        });
        return out;
    }

    private List<Orphan> orphans() {
        List<Orphan> out = new ArrayList<>();
        for (IndexedFile s : structs) {
            if (!used.contains(s.path())) {
                out.add(orphan(s, refused.getOrDefault(s.path(), referencedBy(s)
                        ? "referenced by a plan but not linked (see that plan's conflicts)"
                        : "not referenced by any plan" + (s.refs(RefKind.SERIES).isEmpty() ? ""
                        : "; references series " + String.join(", ", new LinkedHashSet<>(s.refs(RefKind.SERIES)))))));
            }
        }
        for (IndexedFile d : doses) {
            if (!used.contains(d.path())) {
                String reason = refused.get(d.path());
                if (reason == null) {
                    List<String> refs = d.refs(RefKind.PLAN);
                    reason = refs.isEmpty() ? "no ReferencedRTPlanSequence and no single plan on its frame of reference"
                            : "references plan " + String.join(", ", new LinkedHashSet<>(refs)) + ", not in archive";
                }
                if (planless.contains(d.path())) {
                    reason += "; linked as a dose without plan (planlessDoses)";
                }
                out.add(orphan(d, reason));
            }
        }
        List<Orphan> series = new ArrayList<>();
        for (List<IndexedFile> files : imagesBySeries.values()) {
            for (List<IndexedFile> g : distinctSeries(files)) {
                List<IndexedFile> unused = g.stream().filter(f -> !used.contains(f.path())).toList();
                if (!unused.isEmpty()) {
                    IndexedFile f = unused.get(0);
                    series.add(new Orphan(f.path(), f.modality(), f.seriesUid(), unused.size(),
                            unused.size() == g.size() ? SERIES_NOT_LINKED : unused.size() + SERIES_PARTLY_UNUSED));
                }
            }
        }
        series.sort(Comparator.comparing(Orphan::path));
        out.addAll(series);
        for (IndexedFile o : others) {
            out.add(orphan(o, otherReason(o.modality())));
        }
        copies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.add(new Orphan(e.getKey(), "COPY", null, 1, "identical copy of " + e.getValue())));
        for (IndexedFile f : failed) {
            out.add(new Orphan(f.path(), f.status().name(), null, 1, f.reason()));
        }
        return out;
    }

    static final String SERIES_NOT_LINKED = "image series not linked to any plan";
    static final String SERIES_PARTLY_UNUSED = " files of a linked series not used (duplicated SOP UIDs)";

    static String otherReason(String modality) {
        return "modality " + modality + " is not used by linkage";
    }

    /**
     * The block of {@link #orphans()} an orphan belongs to (structure sets, doses, image series, other
     * objects, copies, unusable files: each block in path order), told from what the orphan carries:
     * {@code structureSetFiles} are the report's structure sets; copies and unusable files carry no UID
     * (every DICOM object does); series and other objects carry the reasons written above.
     */
    static int orphanBlock(Orphan o, Set<String> structureSetFiles) {
        if (o.uid() == null) {
            return "COPY".equals(o.modality()) ? 4 : 5;
        }
        if (structureSetFiles.contains(o.path())) {
            return 0;
        }
        if (SERIES_NOT_LINKED.equals(o.reason()) || o.reason() != null && o.reason().endsWith(SERIES_PARTLY_UNUSED)
                && o.reason().length() > SERIES_PARTLY_UNUSED.length()
                && o.reason().substring(0, o.reason().length() - SERIES_PARTLY_UNUSED.length()).chars().allMatch(Character::isDigit)) {
            return 2;
        }
        return otherReason(o.modality()).equals(o.reason()) ? 3 : 1;
    }

    private Set<String> referencedStructureSets;

    private boolean referencedBy(IndexedFile s) {
        if (referencedStructureSets == null) {
            referencedStructureSets = new HashSet<>();
            plans.forEach(p -> referencedStructureSets.addAll(p.refs(RefKind.STRUCTURE_SET)));
        }
        return referencedStructureSets.contains(s.sopInstance());
    }

    private static Orphan orphan(IndexedFile f, String reason) {
        return new Orphan(f.path(), f.modality(), f.sopInstance(), 1, reason);
    }
}
