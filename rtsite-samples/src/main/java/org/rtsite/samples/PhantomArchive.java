package org.rtsite.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.MarchingSquares;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.dicom.rt.SeriesPlacement;

/**
 * Writes the core's phantom scenes as a DICOM archive, one patient per scene: CT series, RTSTRUCT
 * with the phantom's organs as contours, RTPLAN referencing the structure set, and a PLAN RTDOSE
 * (32-bit, Gy) referencing the plan, all four in one study, each in its own series (CT 1, RTSTRUCT 2,
 * RTPLAN 3, RTDOSE 4). Used by {@code rtsite quickstart}, the end-to-end tests and the
 * benchmarks. ROI names are TG-263 where the region dictionary has the alias (see {@link #ROI_NAMES}),
 * TotalSegmentator names otherwise, plus a {@code PTV} ROI the dictionary does not know.
 *
 * <p>Each organ is drawn exactly: per slice, the marching-squares isolines of its mask at 0.5, so that
 * rasterizing the RTSTRUCT onto the CT grid gives back the phantom's voxels.
 */
public final class PhantomArchive {

    /** TotalSegmentator name → TG-263 ROI name written for it. */
    public static final Map<String, String> ROI_NAMES = Map.ofEntries(
            Map.entry("urinary_bladder", "Bladder"), Map.entry("kidney_left", "Kidney_L"),
            Map.entry("kidney_right", "Kidney_R"), Map.entry("femur_left", "Femur_Head_L"),
            Map.entry("femur_right", "Femur_Head_R"), Map.entry("brain", "Brain"),
            Map.entry("spinal_cord", "SpinalCord"), Map.entry("parotid_gland_left", "Parotid_L"),
            Map.entry("parotid_gland_right", "Parotid_R"), Map.entry("small_bowel", "Bowel_Small"),
            Map.entry("colon", "Bowel_Large"), Map.entry("thyroid_gland", "Glnd_Thyroid"),
            Map.entry("eye_left", "Eye_L"), Map.entry("eye_right", "Eye_R"), Map.entry("liver", "Liver"),
            Map.entry("heart", "Heart"));

    /** ROI name of the target written into every structure set (not an organ: reported as unmatched). */
    public static final String TARGET_ROI = "PTV_High";

    /**
     * One written patient.
     *
     * @param scene        the scene
     * @param patientId    PatientID
     * @param planFile     the RTPLAN
     * @param planUid      its SOP Instance UID
     * @param ctDir        folder of the CT slices
     * @param structureSetFile the RTSTRUCT
     * @param doseFile     the RTDOSE
     */
    public record Patient(PhantomScene scene, String patientId, Path planFile, String planUid, Path ctDir,
                          Path structureSetFile, Path doseFile) {
    }

    private PhantomArchive() {
    }

    /** Writes one patient per scene under {@code root/<scene>/}. */
    public static List<Patient> write(Path root, List<PhantomScene> scenes) {
        List<Patient> out = new ArrayList<>();
        for (PhantomScene s : scenes) {
            out.add(write(root.resolve(s.cliName()), s, s.build()));
        }
        return out;
    }

    /** Writes {@code plan} (built from {@code scene}) as one patient in {@code dir}. */
    public static Patient write(Path dir, PhantomScene scene, PhantomPlan plan) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RtsiteIOException("cannot create " + dir, e);
        }
        String patient = "PHANTOM-" + scene.cliName();
        String study = RtWriter.newUid();
        LocalDateTime studyDate = LocalDateTime.now().withNano(0);
        String series = RtWriter.newUid();
        String frame = RtWriter.newUid();
        ImageGrid grid = plan.ct().grid();
        List<String> sops = new ArrayList<>();
        for (int k = 0; k < grid.nz(); k++) {
            sops.add(RtWriter.newUid());
        }
        Path ctDir = dir.resolve("CT");
        RtWriter.writeCtSeries(new CtSeries(series, study, frame, patient, "HFS", sops, List.of(), plan.ct()),
                new SeriesPlacement(study, series, 1, studyDate), ctDir);

        List<RtStructureSet.Roi> rois = new ArrayList<>();
        int number = 1;
        for (BinaryMask m : organs(plan.masks())) {
            String name = ROI_NAMES.getOrDefault(m.name(), m.name());
            List<Contour> contours = contours(m);
            if (!contours.isEmpty()) {
                rois.add(new RtStructureSet.Roi(number++, name, "ORGAN", colour(name), frame, "AUTOMATIC", contours));
            }
        }
        rois.add(new RtStructureSet.Roi(number, TARGET_ROI, "PTV", new RtStructureSet.Colour(255, 0, 0), frame,
                "MANUAL", contours(isodose(plan, grid))));
        String ssUid = RtWriter.newUid();
        Path ssFile = dir.resolve("RS.dcm");
        RtWriter.write(new RtStructureSet(ssFile.toString(), ssUid, patient, "RTSITE", scene.cliName(),
                List.of(new RtStructureSet.ReferencedFrameOfReference(frame,
                        List.of(new RtStructureSet.ReferencedSeries(study, series, sops)))), rois),
                SeriesPlacement.newSeries(study, 2).withStudyDateTime(studyDate), ssFile);

        String planUid = RtWriter.newUid();
        Path planFile = dir.resolve("RP.dcm");
        Vec3 iso = grid.toPatient((grid.nx() - 1) / 2.0, (grid.ny() - 1) / 2.0, (grid.nz() - 1) / 2.0);
        // RTPlanName is LO: at most 64 characters
        String planName = scene.description().length() <= 64 ? scene.description()
                : scene.description().substring(0, 61) + "...";
        RtWriter.write(new RtPlan(planFile.toString(), planUid, patient, false, scene.cliName(), planName,
                "APPROVED", frame, ssUid, List.of(),
                List.of(new RtPlan.FractionGroup(1, 30, List.of(1), List.of(200.0), List.of(2.0))),
                List.of(new RtPlan.Beam(1, "ARC1", "DYNAMIC", "PHOTON", "TREATMENT", "RTSITE", 2, 0, 6, iso)),
                List.of()), SeriesPlacement.newSeries(study, 3).withStudyDateTime(studyDate), planFile);

        Path doseFile = dir.resolve("RD.dcm");
        RtWriter.write(new RtDose(doseFile.toString(), RtWriter.newUid(), patient, frame, "GY", "PHYSICAL", "PLAN",
                1e-6, 32, planUid, List.of(), List.of(), plan.dose()), SeriesPlacement.newSeries(study, 4).withStudyDateTime(studyDate), doseFile);
        return new Patient(scene, patient, planFile, planUid, ctDir, ssFile, doseFile);
    }

    /** Every organ of the masks as a binary mask on the CT grid (label map labels split out). */
    public static List<BinaryMask> organs(OrganMasks masks) {
        List<BinaryMask> out = new ArrayList<>();
        for (LabelMap lm : masks.labelMaps()) {
            byte[] labels = lm.labels();
            for (Map.Entry<Integer, String> e : lm.names().entrySet()) {
                long[] bits = BinaryMask.bitsFor(lm.grid());
                int want = e.getKey();
                boolean any = false;
                for (int i = 0; i < labels.length; i++) {
                    if ((labels[i] & 0xFF) == want) {
                        BinaryMask.set(bits, i);
                        any = true;
                    }
                }
                if (any) {
                    out.add(new BinaryMask(e.getValue(), lm.grid(), bits));
                }
            }
        }
        out.addAll(masks.masks());
        return out;
    }

    /** The CT voxels where the dose (resampled) reaches 95 % of its maximum: the phantom's "PTV". */
    private static BinaryMask isodose(PhantomPlan plan, ImageGrid grid) {
        float[] d = org.rtsite.core.prepare.DoseResampler.resample(plan.dose(), grid).gy();
        float max = 0;
        for (float v : d) {
            max = Math.max(max, v);
        }
        long[] bits = BinaryMask.bitsFor(grid);
        for (int i = 0; i < d.length; i++) {
            if (d[i] >= 0.95f * max) {
                BinaryMask.set(bits, i);
            }
        }
        return new BinaryMask(TARGET_ROI, grid, bits);
    }

    /**
     * One polygon per isoline of the mask at 0.5 per slice (marching squares, the isodose output's): it
     * passes between inside and outside voxel centres, so even-odd rasterization gives the voxels back.
     */
    static List<Contour> contours(BinaryMask m) {
        ImageGrid g = m.grid();
        List<Contour> out = new ArrayList<>();
        float[] slice = new float[g.nx() * g.ny()];
        for (int k = 0; k < g.nz(); k++) {
            boolean any = false;
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    boolean in = m.contains(i, j, k);
                    slice[i + g.nx() * j] = in ? 1f : 0f;
                    any |= in;
                }
            }
            if (!any) {
                continue;
            }
            for (double[] poly : MarchingSquares.isolines(slice, g.nx(), g.ny(), 0.5)) {
                double[] xyz = new double[poly.length / 2 * 3];
                for (int p = 0; p < poly.length / 2; p++) {
                    Vec3 v = g.toPatient(poly[2 * p], poly[2 * p + 1], k);
                    xyz[3 * p] = v.x();
                    xyz[3 * p + 1] = v.y();
                    xyz[3 * p + 2] = v.z();
                }
                out.add(new Contour(Contour.GeometricType.CLOSED_PLANAR, xyz));
            }
        }
        return out;
    }

    private static RtStructureSet.Colour colour(String name) {
        int h = name.hashCode();
        return new RtStructureSet.Colour(64 + (h & 0x7F), 64 + ((h >> 7) & 0x7F), 64 + ((h >> 14) & 0x7F));
    }
}
