package org.rtsite.core.expert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.decision.Rule;
import org.rtsite.core.region.Region;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.OrganMasks;

/** Box scenes in which each rule of the automated expert protocol decides the labels. */
class ExpertProtocolClassifierTest {

    private final ExpertProtocolClassifier expert = ExpertProtocolClassifier.builder().backend("cpu").build();

    private static OrganPenetration organ(ExpertResult r, String name) {
        return r.penetrations().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError(name + " not in " + r.penetrations()));
    }

    /**
     * Liver (Abdomen) on x < 30 voxels, lung (Thorax) beyond; V85 lies in the lung and reaches
     * into the liver by n voxels of 0.9 mm: 5 voxels = 4.5 mm (under 5 mm), 6 voxels = 5.4 mm
     * (over). The paper's overlap rule labels both regions either way; the protocol only the second.
     */
    private static BoxScene penetrationScene(int voxelsIntoLiver) {
        return new BoxScene(60, 40, 30, 0.9, 1.5, 2.0)
                .organ("liver", 0, 30, 0, 40, 0, 30)
                .organ("lung_lower_lobe_right", 30, 60, 0, 40, 0, 30)
                .dose(60, 30 - voxelsIntoLiver, 50, 10, 30, 5, 25);
    }

    @Test
    void penetrationJustUnderFiveMillimetresDoesNotLabel() {
        ExpertResult r = expert.classify(penetrationScene(5).input());
        assertEquals(4.5, organ(r, "liver").depthMm(), 1e-9);
        assertFalse(organ(r, "liver").penetrated());
        assertTrue(organ(r, "lung_lower_lobe_right").penetrated());
        assertEquals(List.of(Region.THORAX), r.labels());
        assertEquals(Rule.V85_OVERLAP, r.site().rule());
        assertEquals(List.of(Region.THORAX, Region.ABDOMEN), r.paperLabels());
        assertTrue(r.site().trace().stream().anyMatch(t -> t.fired() && t.detail().contains("liver 4.500 mm")),
                r.site().trace().toString());
    }

    @Test
    void penetrationJustOverFiveMillimetresLabels() {
        ExpertResult r = expert.classify(penetrationScene(6).input());
        assertEquals(5.4, organ(r, "liver").depthMm(), 1e-9);
        assertTrue(organ(r, "liver").penetrated());
        assertEquals(List.of(Region.THORAX, Region.ABDOMEN), r.labels());
        // 6 voxels × 0.9 mm in x; the sagittal cross-section (20 × 1.5 mm by 20 × 2 mm) beats the
        // coronal one (26 × 0.9 mm by 40 mm); both regions span 40 mm superior-inferior there, and the
        // tie goes to the deeper penetration (the lung).
        assertEquals("SAGITTAL", r.plane());
        assertEquals(40.0, r.lengths().get(0).lengthMm(), 1e-9);
        assertEquals(40.0, r.lengths().get(1).lengthMm(), 1e-9);
        assertEquals(12.0, r.planeSectionCm2(), 1e-9);
    }

    /**
     * A 20³ mm block of V85 in the liver and a thin 8 × 8 × 40 mm slab in the lung: the liver holds
     * most of V85 (the paper ranks Abdomen first) but the slab is the longer (the protocol ranks
     * Thorax first, measured in the coronal plane, which has V85's largest cross-section).
     */
    @Test
    void regionsAreOrderedByLengthNotByOverlap() {
        BoxScene s = new BoxScene(60, 60, 60, 1, 1, 1)
                .organ("liver", 0, 30, 0, 60, 0, 60)
                .organ("lung_lower_lobe_right", 30, 60, 0, 60, 0, 60)
                .dose(70, 8, 28, 20, 40, 20, 40)
                .dose(70, 32, 40, 26, 34, 10, 50);
        ExpertResult r = expert.classify(s.input());
        assertEquals(List.of(Region.ABDOMEN, Region.THORAX), r.paperLabels());
        assertEquals(List.of(Region.THORAX, Region.ABDOMEN), r.labels());
        assertEquals("CORONAL", r.plane());
        assertEquals(new RegionLength(Region.THORAX, 40.0, true), r.lengths().get(0));
        assertEquals(new RegionLength(Region.ABDOMEN, 20.0, true), r.lengths().get(1));
        assertEquals(8000, organ(r, "liver").v85Voxels());
        assertFalse(organ(r, "liver").atLeast());
        assertEquals(2560, organ(r, "lung_lower_lobe_right").v85Voxels());
        // Deepest liver voxels: x = 15 mm, 15 mm from the lung (x = 30) and 16 mm from outside the grid (x = -1).
        assertEquals(15.0, organ(r, "liver").depthMm(), 1e-9);
    }

    /** Depths are exact up to the cap (max(4 × 5 mm, 20 mm)); a deeper one reads as "at least 20 mm". */
    @Test
    void depthsBeyondTheCapReadAsAtLeastTheCap() {
        BoxScene s = new BoxScene(80, 80, 80, 1, 1, 1)
                .organ("liver", 0, 80, 0, 80, 0, 80)
                .dose(60, 35, 45, 35, 45, 35, 45);
        ExpertResult r = expert.classify(s.input());
        assertEquals(20.0, organ(r, "liver").depthMm(), 1e-12);
        assertTrue(organ(r, "liver").atLeast());
        assertEquals(List.of(Region.ABDOMEN), r.labels());
        assertTrue(r.site().trace().stream().anyMatch(t -> t.detail().contains("liver >= 20.00 mm")),
                r.site().trace().toString());
        // True depth 40 mm (voxel 40 is 40 mm from x = 80) with the cap at 40 mm: reads as "at least 40".
        ExpertResult shallow = ExpertProtocolClassifier.builder().backend("cpu").penetrationMm(10).build()
                .classify(s.input());
        assertEquals(40.0, organ(shallow, "liver").depthMm(), 1e-12, "cap max(4 × 10, 20) = 40 mm");
        assertTrue(organ(shallow, "liver").atLeast());
    }

    @Test
    void wholeBrainIsCranialOnly() {
        BoxScene s = new BoxScene(60, 40, 40, 1, 1, 1)
                .organ("brain", 10, 30, 10, 30, 10, 30)
                .organ("thyroid_gland", 32, 50, 10, 30, 10, 30)
                .dose(50, 8, 45, 8, 32, 8, 32);
        ExpertResult r = expert.classify(s.input());
        assertEquals(1.0, r.brainCoverage(), 1e-12);
        assertEquals(List.of(Region.CRANIAL), r.labels());
        assertEquals(Rule.CRANIAL_DICE, r.site().rule());
        assertTrue(organ(r, "thyroid_gland").penetrated(), "the thyroid is penetrated, yet whole brain wins");

        // Half the brain covered: not whole-brain, so both penetrated regions are labelled.
        BoxScene half = new BoxScene(60, 40, 40, 1, 1, 1)
                .organ("brain", 10, 30, 10, 30, 10, 30)
                .organ("thyroid_gland", 32, 50, 10, 30, 10, 30)
                .dose(50, 20, 45, 8, 32, 8, 32);
        ExpertResult h = expert.classify(half.input());
        assertEquals(0.5, h.brainCoverage(), 1e-12);
        assertEquals(List.of(Region.CRANIAL, Region.HEAD_AND_NECK), h.labels().stream().sorted().toList());
    }

    /**
     * V85 touches the heart (Thorax) by only 2 mm and lies entirely superior to C7 → Head and
     * Neck. With C7 reaching higher than V85's bottom the protocol falls back to the organ closest
     * to the maximum-dose point (the heart).
     */
    @Test
    void aboveC7WithoutPenetrationIsHeadAndNeckElseClosestToMaxDose() {
        BoxScene s = new BoxScene(50, 40, 40, 1, 1, 1)
                .organ("vertebrae_C7", 20, 30, 30, 40, 0, 10)
                .organ("heart", 0, 12, 0, 40, 0, 40)
                .dose(60, 10, 30, 10, 30, 20, 30)
                .dose(61, 12, 13, 20, 21, 25, 26);
        ExpertResult r = expert.classify(s.input());
        assertEquals(2.0, organ(r, "heart").depthMm(), 1e-9);
        assertEquals(List.of(Region.HEAD_AND_NECK), r.labels());
        assertEquals(Rule.HN_LANDMARK, r.site().rule());
        assertEquals(20.0, r.v85BottomZ(), 1e-9);

        BoxScene low = new BoxScene(50, 40, 40, 1, 1, 1)
                .organ("vertebrae_C7", 20, 30, 30, 40, 0, 25)
                .organ("heart", 0, 12, 0, 40, 0, 40)
                .dose(60, 10, 30, 10, 30, 20, 30)
                .dose(61, 12, 13, 20, 21, 25, 26);
        ExpertResult l = expert.classify(low.input());
        assertEquals(List.of(Region.THORAX), l.labels());
        assertEquals(Rule.PROXIMITY, l.site().rule());
        assertEquals(12.0, l.maxDosePoint().x(), 1e-9);
        assertTrue(l.site().trace().get(l.site().trace().size() - 1).detail().contains("heart"));
    }

    /**
     * A whole-femur auto-segmentation beside the hip bone: V85 enters the femur only above the hip
     * bone's lowest point, i.e. the femoral head, which the protocol excludes.
     */
    private static BoxScene hipScene() {
        return new BoxScene(50, 50, 50, 1, 1, 1)
                .organ("hip_left", 10, 30, 10, 40, 30, 50)
                .organ("femur_left", 30, 45, 10, 40, 0, 45)
                .dose(60, 20, 40, 15, 35, 33, 43);
    }

    @Test
    void femoralHeadsAreSplitGeometricallyAndExcluded() {
        ExpertResult r = expert.classify(hipScene().input());
        assertEquals(List.of(Region.PELVIS), r.labels());
        assertTrue(r.penetrations().stream().noneMatch(o -> o.region() == Region.EXTREMITY), r.penetrations().toString());

        ExpertResult whole = ExpertProtocolClassifier.builder().backend("cpu").separateFemoralHeads(false).build()
                .classify(hipScene().input());
        assertTrue(whole.labels().contains(Region.EXTREMITY), whole.labels().toString());
        assertTrue(organ(whole, "femur_left").penetrated());

        // The same split makes the paper's classifier drop the femoral head too.
        OrganMasks split = FemoralHeads.split(hipScene().organMasks(), RegionDictionary.defaults());
        assertEquals(15L * 30 * 14, split.masks().stream().filter(m -> m.name().equals(FemoralHeads.HEAD_LEFT))
                .findFirst().orElseThrow().cardinality(), "femur voxels with z > 30 mm (the hip's lowest point)");
        SiteClassifier paper = SiteClassifier.builder().backend("cpu").build();
        BoxScene s = hipScene();
        SiteResult before = paper.classify(s.grid, new org.rtsite.core.volume.DoseVolume(s.grid, s.dose), s.organMasks());
        SiteResult after = paper.classify(s.grid, new org.rtsite.core.volume.DoseVolume(s.grid, s.dose), split);
        assertTrue(before.labels().contains(Region.EXTREMITY), before.labels().toString());
        assertEquals(List.of(Region.PELVIS), after.labels());
    }

    @Test
    void noHipBoneLeavesMasksUnchangedAndContouredHeadsAreExcluded() {
        BoxScene s = new BoxScene(30, 30, 30, 1, 1, 1).organ("femur_left", 0, 10, 0, 10, 0, 30);
        OrganMasks m = s.organMasks();
        assertTrue(m == FemoralHeads.split(m, RegionDictionary.defaults()));
        // A manual contour named the TG-263 way maps to femur_left in the dictionary, but is a head.
        BoxScene c = new BoxScene(40, 40, 40, 1, 1, 1)
                .mask("Femur_Head_L", 20, 40, 0, 40, 0, 40)
                .organ("hip_left", 0, 20, 0, 40, 0, 40)
                .dose(60, 10, 30, 10, 30, 10, 30);
        ExpertResult r = expert.classify(c.input());
        assertEquals(List.of(Region.PELVIS), r.labels());
        assertNull(r.brainCoverage());
    }

    @Test
    void jsonCarriesTheMeasurementsAndRoundTrips() {
        ExpertResult r = expert.classify(penetrationScene(6).input());
        String json = ExpertResultJson.write(r);
        assertTrue(json.contains("\"depthMm\""), json);
        assertTrue(json.contains("\"plane\" : \"SAGITTAL\""), json);
        ExpertResult back = ExpertResultJson.read(json);
        assertEquals(r.labels(), back.labels());
        assertEquals(r.penetrations(), back.penetrations());
        assertEquals(r.lengths(), back.lengths());
        assertNotNull(back.site().trace());
    }
}
