package org.rtsite.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.SopClass;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;

/**
 * Writes a synthetic archive with known linkage, for tests and benchmarks: per patient a CT
 * series, a structure set and a plan with its dose(s), plus distractors (unreferenced structure
 * sets on the same frame of reference, orphan doses, re-plans, beam and fraction doses, plans
 * without a structure set reference, stale cross-patient doses, identical copies, non-DICOM files).
 * File names are random hex without extension, in nested folders; files are minimal but valid
 * Part 10 (rtsite's {@link DicomWriter}), with small pixel data.
 */
public final class SyntheticArchive {
    private static final String CT_CLASS = "1.2.840.10008.5.1.4.1.1.2";

    /**
     * What the linker must find for one plan.
     *
     * @param structureSetFile  expected structure set (null: none)
     * @param ctFiles           expected image files in slice order
     * @param decision          expected dose decision
     * @param doseFiles         expected dose files (order-insensitive)
     * @param scale             expected dose scale
     * @param complete          expected status
     * @param conflicts         expected conflict types (order-insensitive, with multiplicity)
     * @param fallbacks         expected fallback rules as LINK:RULE
     */
    public record Expected(String structureSetFile, List<String> ctFiles, DoseChoice.Decision decision,
                           Set<String> doseFiles, double scale, boolean complete, List<Conflict.Type> conflicts,
                           List<String> fallbacks) {
    }

    /**
     * @param plans   plan file → expectation
     * @param orphans every file the linker must report as orphan (objects, copies, non-DICOM)
     * @param files   files written
     */
    public record GroundTruth(Map<String, Expected> plans, Set<String> orphans, int files) {
    }

    private final Path root;
    private final Random rnd;
    private final long seed;
    private long uidCounter;
    private int files;

    private SyntheticArchive(Path root, long seed) {
        this.root = root;
        this.seed = seed;
        this.rnd = new Random(seed);
    }

    /**
     * Writes {@code patients} patients with {@code slices} CT slices each under {@code root}.
     * Patient i carries the distractors selected by i (see the class comment and docs/archive.md).
     */
    public static GroundTruth generate(Path root, int patients, int slices, long seed) {
        if (patients < 1) {
            throw new IllegalArgumentException("patients must be >= 1, got " + patients);
        }
        if (slices < 1 || slices > 10_000) {
            throw new IllegalArgumentException("slices must be in 1..10000, got " + slices);
        }
        SyntheticArchive a = new SyntheticArchive(root.toAbsolutePath().normalize(), seed);
        Map<String, Expected> plans = new LinkedHashMap<>();
        Set<String> orphans = new LinkedHashSet<>();
        Patient previous = null;
        for (int i = 0; i < patients; i++) {
            previous = a.patient(i, slices, previous, plans, orphans);
        }
        return new GroundTruth(plans, orphans, a.files);
    }

    private record Patient(String id, String study, String frame, String planUid, String planFile) {
    }

    private String uid() {
        return "2.25." + (Math.abs(seed % 1_000_000) + 1) + "" + (100_000_000L + uidCounter++);
    }

    private Path newFile(String patientDir) {
        Path dir = root.resolve(patientDir).resolve(Integer.toHexString(rnd.nextInt(4)));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        files++;
        return dir.resolve(Long.toHexString(rnd.nextLong() & Long.MAX_VALUE));
    }

    private static DicomDataset.Builder common(String sopClass, String sop, String modality, String patient,
                                               String study, String series, String frame) {
        DicomDataset.Builder b = DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, sopClass)
                .putString(Tag.SOPInstanceUID, VR.UI, sop)
                .putString(Tag.Modality, VR.CS, modality)
                .putString(Tag.PatientName, VR.PN, "SYNTH^" + patient)
                .putString(Tag.PatientID, VR.LO, patient)
                .putString(Tag.StudyInstanceUID, VR.UI, study)
                .putString(Tag.SeriesInstanceUID, VR.UI, series);
        if (frame != null) {
            b.putString(Tag.FrameOfReferenceUID, VR.UI, frame);
        }
        return b;
    }

    private static DicomDataset ref(String sopClass, String sop) {
        return DicomDataset.builder().putString(Tag.ReferencedSOPClassUID, VR.UI, sopClass)
                .putString(Tag.ReferencedSOPInstanceUID, VR.UI, sop).build();
    }

    private Patient patient(int i, int slices, Patient previous, Map<String, Expected> plans, Set<String> orphans) {
        String pid = String.format("SYN%06d", i);
        String dir = "site" + (i % 7) + "/" + pid;
        String study = uid();
        String frame = uid();
        // CT: positions ascend with k, InstanceNumber descends, files written in shuffled order
        String ctSeries = uid();
        List<String> ctSops = new ArrayList<>();
        List<String> ctFiles = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            order.add(k);
            ctSops.add(uid());
            ctFiles.add(newFile(dir).toString());
        }
        Collections.shuffle(order, rnd);
        for (int k : order) {
            DicomDataset ct = common(CT_CLASS, ctSops.get(k), "CT", pid, study, ctSeries, frame)
                    .putInts(Tag.InstanceNumber, VR.IS, slices - k)
                    .putDoubles(Tag.ImagePositionPatient, VR.DS, -100, -100, -300 + 2.5 * k)
                    .putDoubles(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0)
                    .putInts(Tag.SamplesPerPixel, VR.US, 1)
                    .putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2")
                    .putInts(Tag.Rows, VR.US, 8).putInts(Tag.Columns, VR.US, 8)
                    .putDoubles(Tag.PixelSpacing, VR.DS, 25, 25)
                    .putInts(Tag.BitsAllocated, VR.US, 16).putInts(Tag.BitsStored, VR.US, 16)
                    .putInts(Tag.HighBit, VR.US, 15).putInts(Tag.PixelRepresentation, VR.US, 1)
                    .putBytes(Tag.PixelData, VR.OW, new byte[8 * 8 * 2])
                    .build();
            DicomWriter.write(Path.of(ctFiles.get(k)), ct);
        }
        String rsUid = uid();
        String rsFile = newFile(dir).toString();
        DicomWriter.write(Path.of(rsFile), structureSet(rsUid, pid, study, frame, ctSeries, ctSops));
        boolean extraRs = i % 3 == 0;
        if (extraRs) {
            String extra = newFile(dir).toString();
            DicomWriter.write(Path.of(extra), structureSet(uid(), pid, study, frame, ctSeries, ctSops));
            orphans.add(extra);
        }

        int beams = 1 + rnd.nextInt(3);
        int fractions = 5 + rnd.nextInt(26);
        String planUid = uid();
        String planFile = newFile(dir).toString();
        boolean ion = i % 10 == 9;
        DicomWriter.write(Path.of(planFile), plan(planUid, ion, pid, study, frame, rsUid, beams, fractions));
        String grid = uid(); // dose series
        Set<String> doseFiles = new LinkedHashSet<>();
        DoseChoice.Decision decision;
        double scale = 1;
        switch (i % 4) {
            case 0 -> {
                decision = DoseChoice.Decision.PLAN;
                doseFiles.add(dose(dir, pid, study, frame, grid, planUid, "PLAN", null));
                for (int b = 1; b <= beams; b++) { // BEAM doses next to a PLAN dose are not used
                    dose(dir, pid, study, frame, grid, planUid, "BEAM", b);
                }
            }
            case 1 -> {
                decision = DoseChoice.Decision.BEAM_SUM;
                for (int b = 1; b <= beams; b++) {
                    doseFiles.add(dose(dir, pid, study, frame, grid, planUid, "BEAM", b));
                }
            }
            case 2 -> {
                decision = DoseChoice.Decision.FRACTION_SCALED;
                scale = fractions;
                doseFiles.add(dose(dir, pid, study, frame, grid, planUid, "FRACTION", null));
            }
            default -> {
                decision = DoseChoice.Decision.PLAN;
                doseFiles.add(dose(dir, pid, study, frame, grid, planUid, "PLAN", null));
            }
        }
        plans.put(planFile, new Expected(rsFile, ctFiles, decision, doseFiles, scale, true, new ArrayList<>(),
                List.of()));

        if (i % 4 == 1) { // dose of a plan that is not in the archive
            orphans.add(dose(dir, pid, study, frame, uid(), uid(), "PLAN", null));
        }
        if (i % 5 == 2) { // re-plan on the same structure set, with its own dose
            String replanUid = uid();
            String replan = newFile(dir).toString();
            DicomWriter.write(Path.of(replan), plan(replanUid, false, pid, study, frame, rsUid, 1, fractions));
            String d = dose(dir, pid, study, frame, uid(), replanUid, "PLAN", null);
            plans.put(replan, new Expected(rsFile, ctFiles, DoseChoice.Decision.PLAN, Set.of(d), 1, true, List.of(),
                    List.of()));
        }
        if (i % 7 == 3) { // plan without ReferencedStructureSetSequence and without dose
            String p3 = newFile(dir).toString();
            DicomWriter.write(Path.of(p3), plan(uid(), false, pid, study, frame, null, 1, fractions));
            if (extraRs) {
                plans.put(p3, new Expected(null, ctFiles, DoseChoice.Decision.NONE, Set.of(), 1, false,
                        List.of(Conflict.Type.AMBIGUOUS_FALLBACK), List.of("CT_SERIES:FRAME_OF_REFERENCE")));
            } else {
                plans.put(p3, new Expected(rsFile, ctFiles, DoseChoice.Decision.NONE, Set.of(), 1, false, List.of(),
                        List.of("STRUCTURE_SET:FRAME_OF_REFERENCE")));
            }
        }
        if (i % 6 == 4) {
            Path junk = newFile(dir);
            try {
                Files.writeString(junk, "scanner log " + pid + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + junk, e);
            }
            orphans.add(junk.toString());
        }
        String keptPlan = planFile;
        if (i % 8 == 5) {
            Path copy = newFile(dir + "/export-copy");
            try {
                Files.copy(Path.of(planFile), copy);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + planFile, e);
            }
            // the copy or the original (whichever sorts first) is kept; ground truth is adjusted below
            if (copy.toString().compareTo(planFile) < 0) {
                Expected e = plans.remove(planFile);
                plans.put(copy.toString(), e);
                orphans.add(planFile);
                keptPlan = copy.toString();
            } else {
                orphans.add(copy.toString());
            }
        }
        if (i % 9 == 6 && previous != null) {
            // a stale dose of this patient (own study and frame) that references the previous patient's plan
            String stale = dose(dir, pid, study, uid(), uid(), previous.planUid(), "PLAN", null);
            orphans.add(stale);
            Expected e = plans.get(previous.planFile());
            if (e != null) {
                e.conflicts().add(Conflict.Type.CROSS_PATIENT_REFERENCE);
            }
        }
        return new Patient(pid, study, frame, planUid, keptPlan);
    }

    private static DicomDataset structureSet(String uid, String pid, String study, String frame, String ctSeries,
                                             List<String> ctSops) {
        List<DicomDataset> images = new ArrayList<>();
        for (String s : ctSops) {
            images.add(ref(CT_CLASS, s));
        }
        DicomDataset series = DicomDataset.builder().putString(Tag.SeriesInstanceUID, VR.UI, ctSeries)
                .putSequence(Tag.ContourImageSequence, images).build();
        DicomDataset studyItem = DicomDataset.builder()
                .putString(Tag.ReferencedSOPClassUID, VR.UI, "1.2.840.10008.3.1.2.3.1")
                .putString(Tag.ReferencedSOPInstanceUID, VR.UI, study)
                .putSequence(Tag.RTReferencedSeriesSequence, List.of(series)).build();
        DicomDataset frameItem = DicomDataset.builder().putString(Tag.FrameOfReferenceUID, VR.UI, frame)
                .putSequence(Tag.RTReferencedStudySequence, List.of(studyItem)).build();
        DicomDataset roi = DicomDataset.builder().putInts(Tag.ROINumber, VR.IS, 1)
                .putString(Tag.ReferencedFrameOfReferenceUID, VR.UI, frame)
                .putString(Tag.ROIName, VR.LO, "BODY").build();
        return common(SopClass.RT_STRUCTURE_SET, uid, "RTSTRUCT", pid, study, uid + ".1", null)
                .putString(Tag.StructureSetLabel, VR.SH, "SYNTH")
                .putSequence(Tag.ReferencedFrameOfReferenceSequence, List.of(frameItem))
                .putSequence(Tag.StructureSetROISequence, List.of(roi))
                .build();
    }

    private static DicomDataset plan(String uid, boolean ion, String pid, String study, String frame, String rsUid,
                                     int beams, int fractions) {
        List<DicomDataset> refBeams = new ArrayList<>();
        for (int b = 1; b <= beams; b++) {
            refBeams.add(DicomDataset.builder().putInts(Tag.ReferencedBeamNumber, VR.IS, b).build());
        }
        DicomDataset fg = DicomDataset.builder().putInts(Tag.FractionGroupNumber, VR.IS, 1)
                .putInts(Tag.NumberOfFractionsPlanned, VR.IS, fractions)
                .putInts(Tag.NumberOfBeams, VR.IS, beams)
                .putSequence(Tag.ReferencedBeamSequence, refBeams).build();
        DicomDataset.Builder b = common(ion ? SopClass.RT_ION_PLAN : SopClass.RT_PLAN, uid, "RTPLAN", pid, study,
                uid + ".1", frame)
                .putString(Tag.RTPlanLabel, VR.SH, "SYNTH")
                .putString(Tag.RTPlanGeometry, VR.CS, "PATIENT")
                .putSequence(Tag.FractionGroupSequence, List.of(fg));
        if (rsUid != null) {
            b.putSequence(Tag.ReferencedStructureSetSequence, List.of(ref(SopClass.RT_STRUCTURE_SET, rsUid)));
        }
        return b.build();
    }

    private String dose(String dir, String pid, String study, String frame, String series, String planUid,
                        String summation, Integer beam) {
        DicomDataset.Builder planRef = DicomDataset.builder()
                .putString(Tag.ReferencedSOPClassUID, VR.UI, SopClass.RT_PLAN)
                .putString(Tag.ReferencedSOPInstanceUID, VR.UI, planUid);
        if (beam != null) {
            DicomDataset beamItem = DicomDataset.builder().putInts(Tag.ReferencedBeamNumber, VR.IS, beam).build();
            DicomDataset fg = DicomDataset.builder().putInts(Tag.ReferencedFractionGroupNumber, VR.IS, 1)
                    .putSequence(Tag.ReferencedBeamSequence, List.of(beamItem)).build();
            planRef.putSequence(Tag.ReferencedFractionGroupSequence, List.of(fg));
        }
        DicomDataset d = common(SopClass.RT_DOSE, uid(), "RTDOSE", pid, study, series, frame)
                .putDoubles(Tag.ImagePositionPatient, VR.DS, -50, -50, -280)
                .putDoubles(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0)
                .putInts(Tag.SamplesPerPixel, VR.US, 1)
                .putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2")
                .putInts(Tag.NumberOfFrames, VR.IS, 2)
                .putInts(Tag.Rows, VR.US, 4).putInts(Tag.Columns, VR.US, 4)
                .putDoubles(Tag.PixelSpacing, VR.DS, 25, 25)
                .putInts(Tag.BitsAllocated, VR.US, 32).putInts(Tag.BitsStored, VR.US, 32)
                .putInts(Tag.HighBit, VR.US, 31).putInts(Tag.PixelRepresentation, VR.US, 0)
                .putString(Tag.DoseUnits, VR.CS, "GY").putString(Tag.DoseType, VR.CS, "PHYSICAL")
                .putString(Tag.DoseSummationType, VR.CS, summation)
                .putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 5)
                .putDoubles(Tag.DoseGridScaling, VR.DS, 1e-4)
                .putSequence(Tag.ReferencedRTPlanSequence, List.of(planRef.build()))
                .putBytes(Tag.PixelData, VR.OW, new byte[4 * 4 * 2 * 4])
                .build();
        Path f = newFile(dir);
        DicomWriter.write(f, d);
        return f.toString();
    }
}
