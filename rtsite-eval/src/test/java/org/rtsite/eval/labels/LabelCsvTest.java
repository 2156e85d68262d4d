package org.rtsite.eval.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rtsite.core.region.Region.ABDOMEN;
import static org.rtsite.core.region.Region.CRANIAL;
import static org.rtsite.core.region.Region.EXTREMITY;
import static org.rtsite.core.region.Region.HEAD_AND_NECK;
import static org.rtsite.core.region.Region.PELVIS;
import static org.rtsite.core.region.Region.THORAX;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.region.Region;

class LabelCsvTest {

    @TempDir
    Path dir;

    @Test
    void readsQuotedCellsSpellingsAndEmptyLabels() throws Exception {
        Path f = dir.resolve("labels.csv");
        Files.writeString(f, "\uFEFFRule,Plan_ID,Labels\nV85_OVERLAP,\"A,1\",\"Thorax; H&N\"\n,B,\n\nNONE,C,head_and_neck|PELVIS\n");
        List<PlanLabels> p = LabelCsv.read(f);
        assertEquals(3, p.size());
        assertEquals("A,1", p.get(0).planId());
        assertEquals(List.of(THORAX, HEAD_AND_NECK), p.get(0).regions());
        assertEquals("V85_OVERLAP", p.get(0).rule());
        assertTrue(p.get(1).regions().isEmpty());
        assertEquals(List.of(HEAD_AND_NECK, PELVIS), p.get(2).regions());
    }

    @Test
    void badTablesAreNamed() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "plan,stuff\nA,Thorax\n");
        assertMessage(f, "no 'regions' column");
        Files.writeString(f, "plan_id,regions\nA,Thorax;Thorax\n");
        assertMessage(f, "line 2");
        Files.writeString(f, "plan_id,regions\nA,\"Thorax\n");
        assertMessage(f, "unterminated quote");
        Files.writeString(f, "");
        assertMessage(f, "empty");
        List<PlanLabels> twice = List.of(PlanLabels.of("A", THORAX), PlanLabels.of("A", PELVIS));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabelEvaluation.evaluate(twice, twice));
        assertTrue(e.getMessage().contains("'A' appears twice"), e.getMessage());
    }

    private static void assertMessage(Path f, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabelCsv.read(f));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void adjacencyFollowsTheChainAndTheShoulder() {
        assertTrue(LabelEvaluation.connected(List.of(THORAX, ABDOMEN, PELVIS)));
        assertTrue(LabelEvaluation.connected(List.of(EXTREMITY, THORAX)));
        assertTrue(LabelEvaluation.connected(List.of(PELVIS, EXTREMITY, THORAX)));
        assertFalse(LabelEvaluation.connected(List.of(ABDOMEN, HEAD_AND_NECK)));
        assertFalse(LabelEvaluation.connected(List.of(CRANIAL, THORAX)));
        for (Region r : Region.values()) {
            assertEquals(r, Region.parse(r.label().toUpperCase()));
            assertFalse(r.isAdjacentTo(r));
        }
    }
}
