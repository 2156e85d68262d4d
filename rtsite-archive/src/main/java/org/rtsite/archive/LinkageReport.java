package org.rtsite.archive;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.rtsite.core.RtsiteIOException;

/**
 * Every plan with its status and every orphan object of an indexed archive.
 *
 * @param summary counts
 * @param plans   one bundle per plan file (identical copies of a plan are orphans)
 * @param structureSets every structure set with the image series it links to (used by a plan or not)
 * @param archiveConflicts SOP UIDs carried with different content and series UIDs shared by distinct series,
 *                         anywhere in the archive
 * @param orphans objects no plan uses, copies, and files that are not usable DICOM
 * @param filesWithoutMetaHeader DICOM files read without a File Meta group (transfer syntax guessed)
 * @param planlessDoses doses no plan claims, each linked on its own (its RTDOSE files stay listed as orphans,
 *                      since no plan uses them)
 */
public record LinkageReport(Summary summary, List<PlanBundle> plans, List<StructureSetLink> structureSets,
                            List<Conflict> archiveConflicts, List<Orphan> orphans, List<String> filesWithoutMetaHeader,
                            List<PlanBundle> planlessDoses) implements java.io.Serializable {

    public LinkageReport {
        planlessDoses = List.copyOf(planlessDoses);
        plans = List.copyOf(plans);
        structureSets = List.copyOf(structureSets);
        archiveConflicts = List.copyOf(archiveConflicts);
        filesWithoutMetaHeader = List.copyOf(filesWithoutMetaHeader);
        orphans = List.copyOf(orphans);
    }

    /**
     * @param files      rows in the index
     * @param dicom      of which DICOM
     * @param notDicom   not DICOM
     * @param unreadable unreadable
     * @param plans      plan bundles
     * @param complete   complete bundles
     * @param incomplete incomplete bundles
     * @param fallbacks  bundles that used at least one fallback
     * @param conflicts  conflicts over all bundles
     * @param orphans    orphan entries
     * @param doses      RTDOSE objects (copies counted once)
     * @param imageSeries distinct image series
     * @param planlessDoses bundles of doses no plan claims
     */
    public record Summary(long files, long dicom, long notDicom, long unreadable, int plans, int complete,
                          int incomplete, int fallbacks, int conflicts, int orphans, int doses, int imageSeries,
                          int planlessDoses) implements java.io.Serializable {
    }

    /**
     * What a report says in sum, for a command's summary lines.
     *
     * @param summary                the counts
     * @param planConflictsByType    conflicts over all plans, by type
     * @param filesWithoutMetaHeader how many DICOM files have no File Meta group
     */
    public record Totals(Summary summary, java.util.Map<Conflict.Type, Integer> planConflictsByType,
                         int filesWithoutMetaHeader) {
        public Totals {
            planConflictsByType = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(planConflictsByType));
        }

        static Totals of(LinkageReport r) {
            java.util.Map<Conflict.Type, Integer> byType = new java.util.TreeMap<>();
            r.plans().forEach(p -> p.conflicts().forEach(c -> byType.merge(c.type(), 1, Integer::sum)));
            return new Totals(r.summary(), byType, r.filesWithoutMetaHeader().size());
        }
    }

    static LinkageReport of(long files, long dicom, long notDicom, long unreadable, List<PlanBundle> plans,
                            List<StructureSetLink> structureSets, List<Conflict> archiveConflicts,
                            List<Orphan> orphans, List<String> noMeta, List<PlanBundle> planlessDoses, int doses,
                            int imageSeries) {
        int complete = (int) plans.stream().filter(PlanBundle::complete).count();
        int fallbacks = (int) plans.stream().filter(p -> !p.fallbacks().isEmpty()).count();
        int conflicts = plans.stream().mapToInt(p -> p.conflicts().size()).sum();
        return new LinkageReport(new Summary(files, dicom, notDicom, unreadable, plans.size(), complete,
                plans.size() - complete, fallbacks, conflicts, orphans.size(), doses, imageSeries, planlessDoses.size()), plans, structureSets, archiveConflicts, orphans, noMeta, planlessDoses);
    }

    /** The report as JSON (Jackson), pretty-printed. */
    public void writeJson(Path file) {
        writeJson(file, summary, parts(this));
    }

    /** {@code plans.csv} (one row per plan, then one per dose without plan, its missing_plan column set), {@code structure_sets.csv} and {@code orphans.csv} (one row per orphan) in {@code dir}. */
    public void writeCsv(Path dir) {
        writeCsv(dir, parts(this));
    }

    /**
     * The lists of a report read one element at a time, in report order, so that a report can be written
     * without being held ({@link DicomArchive#writeReport}).
     */
    interface Parts {
        void plans(Consumer<PlanBundle> c);

        void structureSets(Consumer<StructureSetLink> c);

        void archiveConflicts(Consumer<Conflict> c);

        void orphans(Consumer<Orphan> c);

        void filesWithoutMetaHeader(Consumer<String> c);

        void planlessDoses(Consumer<PlanBundle> c);
    }

    static Parts parts(LinkageReport r) {
        return new Parts() {
            public void plans(Consumer<PlanBundle> c) {
                r.plans.forEach(c);
            }

            public void structureSets(Consumer<StructureSetLink> c) {
                r.structureSets.forEach(c);
            }

            public void archiveConflicts(Consumer<Conflict> c) {
                r.archiveConflicts.forEach(c);
            }

            public void orphans(Consumer<Orphan> c) {
                r.orphans.forEach(c);
            }

            public void filesWithoutMetaHeader(Consumer<String> c) {
                r.filesWithoutMetaHeader.forEach(c);
            }

            public void planlessDoses(Consumer<PlanBundle> c) {
                r.planlessDoses.forEach(c);
            }
        };
    }

    /**
     * What {@link #writeJson(Path)} writes for a report of {@code summary} and {@code parts}, one element at
     * a time: Jackson's streaming generator with its default pretty printer, each record's components in
     * declaration order, as Jackson's data binding writes a record. Written field by field rather than by
     * an {@code ObjectMapper}: building the mapper's serializers by reflection was two thirds of the JSON's
     * cost after a 21 k-file scan (docs/PERFORMANCE.md, "Indexing, eleventh round"); {@code
     * LinkageReportJsonTest} holds the output to the data binding's, byte for byte.
     */
    static void writeJson(Path file, Summary summary, Parts parts) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (JsonGenerator g = JSON.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeFieldName("summary");
                summary(g, summary);
                array(g, "plans", parts::plans, LinkageReport::plan);
                array(g, "structureSets", parts::structureSets, LinkageReport::structureSet);
                array(g, "archiveConflicts", parts::archiveConflicts, LinkageReport::conflict);
                array(g, "orphans", parts::orphans, LinkageReport::orphan);
                array(g, "filesWithoutMetaHeader", parts::filesWithoutMetaHeader, JsonGenerator::writeString);
                array(g, "planlessDoses", parts::planlessDoses, LinkageReport::plan);
                g.writeEndObject();
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write linkage report " + file, e);
        } catch (RtsiteIOException e) {
            throw new RtsiteIOException("cannot write linkage report " + file, (IOException) e.getCause());
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** Writes one element of a report's list. */
    private interface ElementWriter<T> {
        void write(JsonGenerator g, T element) throws IOException;
    }

    private static <T> void array(JsonGenerator g, String name, Consumer<Consumer<T>> elements,
                                  ElementWriter<T> writer) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        elements.accept(e -> {
            try {
                writer.write(g, e);
            } catch (IOException x) {
                throw new RtsiteIOException("cannot write an element of " + name, x);
            }
        });
        g.writeEndArray();
    }

    /** An enum as the data binding writes it: its name, or null. */
    private static String name(Enum<?> e) {
        return e == null ? null : e.name();
    }

    private static void summary(JsonGenerator g, Summary s) throws IOException {
        g.writeStartObject();
        g.writeNumberField("files", s.files());
        g.writeNumberField("dicom", s.dicom());
        g.writeNumberField("notDicom", s.notDicom());
        g.writeNumberField("unreadable", s.unreadable());
        g.writeNumberField("plans", s.plans());
        g.writeNumberField("complete", s.complete());
        g.writeNumberField("incomplete", s.incomplete());
        g.writeNumberField("fallbacks", s.fallbacks());
        g.writeNumberField("conflicts", s.conflicts());
        g.writeNumberField("orphans", s.orphans());
        g.writeNumberField("doses", s.doses());
        g.writeNumberField("imageSeries", s.imageSeries());
        g.writeNumberField("planlessDoses", s.planlessDoses());
        g.writeEndObject();
    }

    private static void plan(JsonGenerator g, PlanBundle p) throws IOException {
        g.writeStartObject();
        g.writeStringField("planFile", p.planFile());
        g.writeStringField("planUid", p.planUid());
        g.writeBooleanField("ion", p.ion());
        g.writeStringField("patientId", p.patientId());
        g.writeStringField("structureSetFile", p.structureSetFile());
        g.writeStringField("ctSeriesUid", p.ctSeriesUid());
        array(g, "ctFiles", p.ctFiles()::forEach, JsonGenerator::writeString);
        g.writeFieldName("dose");
        dose(g, p.dose());
        array(g, "fallbacks", p.fallbacks()::forEach, LinkageReport::fallback);
        array(g, "conflicts", p.conflicts()::forEach, LinkageReport::conflict);
        g.writeStringField("status", name(p.status()));
        array(g, "reasons", p.reasons()::forEach, JsonGenerator::writeString);
        g.writeStringField("missingPlan", p.missingPlan());
        g.writeEndObject();
    }

    private static void dose(JsonGenerator g, DoseChoice d) throws IOException {
        if (d == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("decision", name(d.decision()));
        array(g, "files", d.files()::forEach, JsonGenerator::writeString);
        g.writeNumberField("scale", d.scale());
        g.writeBooleanField("commonGrid", d.commonGrid());
        array(g, "unused", d.unused()::forEach, JsonGenerator::writeString);
        g.writeStringField("detail", d.detail());
        g.writeEndObject();
    }

    private static void structureSet(JsonGenerator g, StructureSetLink l) throws IOException {
        g.writeStartObject();
        g.writeStringField("structureSetFile", l.structureSetFile());
        g.writeStringField("uid", l.uid());
        g.writeStringField("patientId", l.patientId());
        g.writeStringField("seriesUid", l.seriesUid());
        g.writeNumberField("imageFiles", l.imageFiles());
        g.writeNumberField("contourImageRefs", l.contourImageRefs());
        g.writeNumberField("contourImagesPresent", l.contourImagesPresent());
        g.writeNumberField("plans", l.plans());
        array(g, "fallbacks", l.fallbacks()::forEach, LinkageReport::fallback);
        array(g, "conflicts", l.conflicts()::forEach, LinkageReport::conflict);
        array(g, "reasons", l.reasons()::forEach, JsonGenerator::writeString);
        g.writeEndObject();
    }

    private static void fallback(JsonGenerator g, Fallback f) throws IOException {
        g.writeStartObject();
        g.writeStringField("link", f.link());
        g.writeStringField("rule", f.rule());
        g.writeStringField("detail", f.detail());
        g.writeEndObject();
    }

    private static void conflict(JsonGenerator g, Conflict c) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", name(c.type()));
        g.writeStringField("detail", c.detail());
        array(g, "files", c.files()::forEach, JsonGenerator::writeString);
        g.writeEndObject();
    }

    private static void orphan(JsonGenerator g, Orphan o) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", o.path());
        g.writeStringField("modality", o.modality());
        g.writeStringField("uid", o.uid());
        g.writeNumberField("files", o.files());
        g.writeStringField("reason", o.reason());
        g.writeEndObject();
    }

    /** {@link #writeCsv(Path)} of a report read through {@code parts}. */
    static void writeCsv(Path dir, Parts parts) {
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve("plans.csv"), StandardCharsets.UTF_8)) {
                row(w, "plan_file", "plan_uid", "ion", "patient_id", "status", "structure_set_file", "ct_series_uid",
                        "ct_files", "dose_decision", "dose_files", "dose_scale", "dose_common_grid", "unused_doses",
                        "fallbacks", "conflicts", "reasons", "missing_plan");
                Consumer<PlanBundle> planRow = p -> unchecked(() -> row(w, p.planFile(), p.planUid(),
                        Boolean.toString(p.ion()), p.patientId(), p.status().name(),
                        p.structureSetFile(), p.ctSeriesUid(), Integer.toString(p.ctFiles().size()),
                        p.dose().decision().name(), String.join(";", p.dose().files()),
                        Double.toString(p.dose().scale()), Boolean.toString(p.dose().commonGrid()),
                        String.join(";", p.dose().unused()),
                        p.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).collect(Collectors.joining(";")),
                        p.conflicts().stream().map(c -> c.type().name()).collect(Collectors.joining(";")),
                        String.join(";", p.reasons()), p.missingPlan()));
                parts.plans(planRow);
                parts.planlessDoses(planRow);
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve("structure_sets.csv"), StandardCharsets.UTF_8)) {
                row(w, "structure_set_file", "uid", "patient_id", "series_uid", "image_files", "contour_image_refs",
                        "contour_images_present", "plans", "fallbacks", "conflicts", "reasons");
                parts.structureSets(s -> unchecked(() -> row(w, s.structureSetFile(), s.uid(), s.patientId(),
                        s.seriesUid(), Integer.toString(s.imageFiles()),
                        Integer.toString(s.contourImageRefs()), Integer.toString(s.contourImagesPresent()),
                        Integer.toString(s.plans()),
                        s.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).collect(Collectors.joining(";")),
                        s.conflicts().stream().map(c -> c.type().name()).collect(Collectors.joining(";")),
                        String.join(";", s.reasons()))));
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve("orphans.csv"), StandardCharsets.UTF_8)) {
                row(w, "path", "modality", "uid", "files", "reason");
                parts.orphans(o -> unchecked(() -> row(w, o.path(), o.modality(), o.uid(), Integer.toString(o.files()),
                        o.reason())));
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write linkage CSV into " + dir, e);
        } catch (RtsiteIOException e) {
            throw new RtsiteIOException("cannot write linkage CSV into " + dir, (IOException) e.getCause());
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void unchecked(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write a CSV row", e);
        }
    }

    private static void row(Writer w, String... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(csv(cells[i]));
        }
        w.write('\n');
    }

    /** RFC 4180 quoting. */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
