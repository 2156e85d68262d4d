package org.rtsite.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.Region;

class TextSiteClassifierTest {

    private final TextSiteClassifier text = TextSiteClassifier.defaults();

    /**
     * Real strings read once with pydicom 2.3.1 from /work/shared/data/public-rt/
     * dicompyler-core_example/rtplan.dcm (RTPlanLabel "B1", no RTPlanName) and rtss.dcm (ROIs whose
     * RTROIInterpretedType is CTV or GTV: Borders, Breast, Tumor Bed, Tumor Bed Block). A breast
     * plan: the label alone says nothing, the target names say Thorax.
     */
    @Test
    void dicompylerBreastPlanIsThoraxFromItsTargetNames() {
        TextSiteResult r = text.classify(new PlanText("B1", null,
                List.of("Borders", "Breast", "Tumor Bed", "Tumor Bed Block")));
        assertEquals(List.of(Region.THORAX), r.labels());
        assertTrue(r.evidence().get(0).startsWith("breast -> Thorax"), r.evidence().toString());
        assertEquals(List.of(), text.classify(new PlanText("B1", null, List.of())).labels());

        TextDoseDiscrepancy agree = TextDoseDiscrepancy.compare(r, List.of(Region.THORAX, Region.ABDOMEN));
        assertFalse(agree.flagged());
        assertEquals("AGREE", agree.status());
        TextDoseDiscrepancy disagree = TextDoseDiscrepancy.compare(r, List.of(Region.ABDOMEN, Region.THORAX));
        assertTrue(disagree.flagged());
        assertEquals(Region.ABDOMEN, disagree.dosePrimary());
        assertTrue(TextDoseDiscrepancy.compare(r, List.of()).flagged(), "no dose label but the text names one");
    }

    /**
     * Real RTPLAN labels/names (pydicom 2.3.1) of QA and phantom plans, which name no body part:
     * pymedphys_plans/06MV_plan.dcm ("AMC06MV"/"MC06MV"), 24mm_x_20mm_rectangle.dcm
     * ("ARectangle"/"Rectangle"), FFF_example.dcm ("ARectangle6FFF"/"Rectangle6FFF"),
     * vmat_example.dcm ("AVMATNEWSPLIT"/"VMATNEWSPLIT"), pydicom_rt/rtplan.dcm ("Plan1"/"Plan1"),
     * aptg_dcpt_let/plan03_ramp_full/ramped_2Gy_ver2_full.dcm ("Slope101010E_o_1"/"Slope101010E_opposed",
     * target ROI names of its RTSTRUCT: Cube101010, Slope101004), plan06_sobp_4d ("4_SOBP_2Gy").
     * "Rectangle" must not match "rect(um)": keywords match whole tokens only.
     */
    @Test
    void realQaAndPhantomPlanNamesGiveNoLabelAndNoFlag() {
        List<PlanText> plans = List.of(
                new PlanText("AMC06MV", "MC06MV", List.of()),
                new PlanText("ARectangle", "Rectangle", List.of()),
                new PlanText("ARectangle6FFF", "Rectangle6FFF", List.of()),
                new PlanText("AVMATNEWSPLIT", "VMATNEWSPLIT", List.of()),
                new PlanText("Plan1", "Plan1", List.of()),
                new PlanText("Slope101010E_o_1", "Slope101010E_opposed", List.of("Cube101010", "Slope101004")),
                new PlanText("4_SOBP_2Gy", "4_SOBP_2Gy", List.of()));
        for (PlanText p : plans) {
            TextSiteResult r = text.classify(p);
            assertEquals(List.of(), r.labels(), p.toString());
            assertNull(r.primary());
            TextDoseDiscrepancy d = TextDoseDiscrepancy.compare(r, List.of(Region.PELVIS));
            assertFalse(d.flagged());
            assertEquals("NO_TEXT_EVIDENCE", d.status());
        }
    }

    @Test
    void clinicalStyleNamesRankByHitsThenFirstMention() {
        assertEquals(List.of(Region.PELVIS), text.classify(new PlanText("PROST_78Gy", "Prostate IMRT",
                List.of("PTV_Prostate70", "CTV_SV"))).labels());
        assertEquals(List.of(Region.HEAD_AND_NECK), text.classify(new PlanText("H&N", null,
                List.of("PTV_Larynx"))).labels());
        assertEquals(List.of(Region.CRANIAL), text.classify(new PlanText("WBRT 30Gy", "Whole Brain", null)).labels());
        // Two regions: lung twice, liver once → Thorax first.
        assertEquals(List.of(Region.THORAX, Region.ABDOMEN), text.classify(new PlanText("Liver+Lung", null,
                List.of("PTV_Lung_R"))).labels());
        // Equal hits: the first mentioned first.
        assertEquals(List.of(Region.ABDOMEN, Region.PELVIS), text.classify(new PlanText("Pancreas", "Bladder",
                null)).labels());
    }

    @Test
    void tokensSplitLettersFromDigitsAndPunctuation() {
        assertEquals(List.of("ptv", "prostate", "70"), TextSiteClassifier.tokens("PTV_Prostate70"));
        assertEquals(List.of("h", "n"), TextSiteClassifier.tokens("H&N"));
        assertEquals(List.of(), TextSiteClassifier.tokens(null));
    }

    @Test
    void badKeywordListsNameTheLine() {
        InvalidInputException dup = assertThrows(InvalidInputException.class, () ->
                TextSiteClassifier.parse(new StringReader("lung,Thorax\n# c\nLUNG,Thorax\n"), "kw.csv"));
        assertEquals("kw.csv line 3: duplicate keyword 'lung'", dup.getMessage());
        InvalidInputException region = assertThrows(InvalidInputException.class, () ->
                TextSiteClassifier.parse(new StringReader("lung,Belly\n"), "kw.csv"));
        assertTrue(region.getMessage().startsWith("kw.csv line 1: unknown region 'Belly'"), region.getMessage());
        assertThrows(InvalidInputException.class, () -> TextSiteClassifier.parse(new StringReader("lung\n"), "kw.csv"));
        assertThrows(InvalidInputException.class, () -> TextSiteClassifier.parse(new StringReader("# none\n"), "kw.csv"));
        assertTrue(text.size() > 80);
    }
}
