package org.rtsite.core.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.phantom.TotalSegmentatorLabels;

class RegionDictionaryTest {

    private final RegionDictionary dict = RegionDictionary.defaults();

    @Test
    void everyTotalSegmentatorClassIsMappedExceptKidneyCysts() {
        for (String task : new String[] {"total", "head_glands_cavities", "appendicular_bones"}) {
            for (String name : TotalSegmentatorLabels.of(task).values()) {
                boolean cyst = name.startsWith("kidney_cyst");
                assertEquals(!cyst, dict.lookup(name).isPresent(), name);
            }
        }
        assertEquals(117, TotalSegmentatorLabels.of("total").size());
    }

    @Test
    void tableS1Regions() {
        assertEquals(Region.CRANIAL, region("brain"));
        assertEquals(Region.HEAD_AND_NECK, region("vertebrae_C7"));
        assertEquals(Region.THORAX, region("vertebrae_T1"));
        assertEquals(Region.THORAX, region("rib_right_12"));
        assertEquals(Region.ABDOMEN, region("vertebrae_L4"));
        assertEquals(Region.PELVIS, region("vertebrae_L5"));
        assertEquals(Region.PELVIS, region("pelvic_bowel"));
        assertEquals(Region.ABDOMEN, region("abdominal_bowel"));
        assertEquals(Region.EXTREMITY, region("femur_left"));
        for (String excluded : Set.of("spinal_cord", "esophagus", "colon", "small_bowel", "duodenum", "aorta", "skull",
                "gluteus_minimus_right", "iliac_vena_left", "trachea")) {
            assertTrue(dict.lookup(excluded).orElseThrow().excluded(), excluded);
        }
    }

    @Test
    void tg263AliasesResolveIgnoringCase() {
        assertEquals("urinary_bladder", dict.lookup("Bladder").orElseThrow().canonical());
        assertEquals(Region.PELVIS, region("BLADDER"));
        assertEquals(Region.HEAD_AND_NECK, region("Parotid_L"));
        assertEquals(Region.THORAX, region("Lung_L"));
        assertEquals(Region.EXTREMITY, region("Femur_Head_L"));
        assertEquals(Region.CRANIAL, region("Brainstem"));
        assertEquals("vertebrae_C7", dict.lookup(" vb_c7 ").orElseThrow().canonical());
        assertEquals("small_bowel", dict.lookup("Bowel_Small").orElseThrow().canonical());
        assertFalse(dict.lookup("PTV_60").isPresent());
    }

    @Test
    void duplicateNameIsAnErrorNamingItAndTheLine() {
        var e = assertThrows(InvalidInputException.class, () -> RegionDictionary.parse(
                new StringReader("brain,Cranial\nliver,Abdomen,BRAIN\n"), "my.csv"));
        assertTrue(e.getMessage().contains("my.csv line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("duplicate name 'BRAIN'"), e.getMessage());
    }

    @Test
    void unknownRegionIsAnError() {
        var e = assertThrows(InvalidInputException.class, () -> RegionDictionary.parse(
                new StringReader("# comment\n\nbrain,Skull\n"), "my.csv"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("unknown region 'Skull'"),
                e.getMessage());
        assertThrows(InvalidInputException.class, () -> RegionDictionary.parse(new StringReader("brain\n"), "x"));
        assertThrows(InvalidInputException.class, () -> RegionDictionary.parse(new StringReader("# empty\n"), "x"));
    }

    @Test
    void userDictionaryReplacesOrExtendsTheBundledOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("site.csv");
        Files.writeString(file, "GTV_Lung,Thorax,ITV_Lung\nbrain,Excluded\n");
        RegionDictionary mine = RegionDictionary.load(file);
        assertEquals(3, mine.size());
        assertFalse(mine.lookup("liver").isPresent());
        assertEquals(Region.THORAX, mine.lookup("itv_lung").orElseThrow().region());

        RegionDictionary both = dict.extendedWith(mine);
        assertEquals(Region.ABDOMEN, both.lookup("liver").orElseThrow().region());
        assertTrue(both.lookup("brain").orElseThrow().excluded());
        var e = assertThrows(InvalidInputException.class, () -> RegionDictionary.load(dir.resolve("missing.csv")));
        assertTrue(e.getMessage().contains("missing.csv"));
    }

    @Test
    void binaryOrNonUtf8FilesAreRefusedNamingTheByte(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "GTV_Lung,Thorax\nRétine,Cranial\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        var e = assertThrows(InvalidInputException.class, () -> RegionDictionary.load(latin1));
        assertEquals(latin1 + ": not a UTF-8 text region dictionary (malformed input at byte 17)", e.getMessage());
        Path binary = dir.resolve("model.bin");
        Files.write(binary, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        e = assertThrows(InvalidInputException.class, () -> RegionDictionary.load(binary));
        assertEquals(binary + ": not a text region dictionary (NUL byte at byte 4)", e.getMessage());
    }

    @Test
    void regionsOrderLabelsAndAdjacency() {
        assertEquals("Head and Neck", Region.HEAD_AND_NECK.label());
        assertEquals(Region.HEAD_AND_NECK, Region.parse("h&n"));
        assertThrows(InvalidInputException.class, () -> Region.parse("Leg"));
        assertTrue(Region.CRANIAL.isAdjacentTo(Region.HEAD_AND_NECK));
        assertTrue(Region.PELVIS.isAdjacentTo(Region.EXTREMITY));
        assertTrue(Region.EXTREMITY.isAdjacentTo(Region.THORAX));
        assertFalse(Region.CRANIAL.isAdjacentTo(Region.THORAX));
        assertFalse(Region.ABDOMEN.isAdjacentTo(Region.EXTREMITY));
        assertFalse(Region.PELVIS.isAdjacentTo(Region.PELVIS));
    }

    private Region region(String name) {
        return dict.lookup(name).orElseThrow(() -> new AssertionError(name + " unmapped")).region();
    }
}
