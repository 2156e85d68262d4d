package org.rtsite.archive;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write linkage report " + file, e);
        }
    }

    /** {@code plans.csv} (one row per plan, then one per dose without plan, its missing_plan column set), {@code structure_sets.csv} and {@code orphans.csv} (one row per orphan) in {@code dir}. */
    public void writeCsv(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve("plans.csv"), StandardCharsets.UTF_8)) {
                row(w, "plan_file", "plan_uid", "ion", "patient_id", "status", "structure_set_file", "ct_series_uid",
                        "ct_files", "dose_decision", "dose_files", "dose_scale", "dose_common_grid", "unused_doses",
                        "fallbacks", "conflicts", "reasons", "missing_plan");
                for (PlanBundle p : java.util.stream.Stream.concat(plans.stream(), planlessDoses.stream()).toList()) {
                    row(w, p.planFile(), p.planUid(), Boolean.toString(p.ion()), p.patientId(), p.status().name(),
                            p.structureSetFile(), p.ctSeriesUid(), Integer.toString(p.ctFiles().size()),
                            p.dose().decision().name(), String.join(";", p.dose().files()),
                            Double.toString(p.dose().scale()), Boolean.toString(p.dose().commonGrid()),
                            String.join(";", p.dose().unused()),
                            p.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).collect(Collectors.joining(";")),
                            p.conflicts().stream().map(c -> c.type().name()).collect(Collectors.joining(";")),
                            String.join(";", p.reasons()), p.missingPlan());
                }
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve("structure_sets.csv"), StandardCharsets.UTF_8)) {
                row(w, "structure_set_file", "uid", "patient_id", "series_uid", "image_files", "contour_image_refs",
                        "contour_images_present", "plans", "fallbacks", "conflicts", "reasons");
                for (StructureSetLink s : structureSets) {
                    row(w, s.structureSetFile(), s.uid(), s.patientId(), s.seriesUid(), Integer.toString(s.imageFiles()),
                            Integer.toString(s.contourImageRefs()), Integer.toString(s.contourImagesPresent()),
                            Integer.toString(s.plans()),
                            s.fallbacks().stream().map(f -> f.link() + ":" + f.rule()).collect(Collectors.joining(";")),
                            s.conflicts().stream().map(c -> c.type().name()).collect(Collectors.joining(";")),
                            String.join(";", s.reasons()));
                }
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve("orphans.csv"), StandardCharsets.UTF_8)) {
                row(w, "path", "modality", "uid", "files", "reason");
                for (Orphan o : orphans) {
                    row(w, o.path(), o.modality(), o.uid(), Integer.toString(o.files()), o.reason());
                }
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write linkage CSV into " + dir, e);
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
