package org.rtsite.eval.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.segment.OrganSegmenter;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.eval.seg.SegmentationMetrics.Status;
import org.rtsite.nifti.Nifti;

/** Sources as a user has them: clinical contours as per-structure NIfTI files, a model's label map, a segmenter. */
class SegmentationEvaluatorTest {

    @TempDir
    Path dir;

    private final ImageGrid g = Masks.grid(30, 30, 20, 1.0, 1.0, 2.0);

    private LabelMap modelOutput() {
        byte[] labels = new byte[g.voxelCount()];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    int x = g.index(i, j, k);
                    if (i >= 2 && i < 12 && j >= 2 && j < 12 && k >= 2 && k < 12) {
                        labels[x] = 21; // urinary_bladder: the reference cube shifted by 0
                    } else if (i >= 16 && i < 26 && j >= 16 && j < 26 && k >= 5 && k < 15) {
                        labels[x] = 22; // prostate: reference cube shifted by 1 voxel in i
                    }
                }
            }
        }
        return new LabelMap("total", g, labels, Map.of(21, "urinary_bladder", 22, "prostate", 23, "kidney_cyst_left"));
    }

    private Path clinicalFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("clinical"));
        Nifti.writeMask(folder.resolve("Bladder.nii.gz"), Masks.box("Bladder", g, 2, 2, 2, 12, 12, 12));
        Nifti.writeMask(folder.resolve("Prostate.nii"), Masks.box("Prostate", g, 15, 16, 5, 25, 26, 15));
        Nifti.writeMask(folder.resolve("Rectum.nii.gz"), Masks.box("Rectum", g, 20, 2, 2, 24, 6, 10));
        Files.writeString(folder.resolve("notes.txt"), "not a mask");
        return folder;
    }

    @Test
    void niftiFolderAgainstALabelMapThroughANameMapping() throws IOException {
        Path mapping = dir.resolve("names.csv");
        Files.writeString(mapping, "name,canonical\nBladder,urinary_bladder\nprostate,prostate\n");
        SegmentationEvaluator ev = new SegmentationEvaluator(StructureNames.read(mapping), ReferenceRegion.DEFAULT);
        List<SegmentationMetrics> rows = ev.evaluate("case1", new NiftiFolderSource(clinicalFolder()),
                OrganMasksSource.of("model", modelOutput()));
        Map<String, SegmentationMetrics> by = rows.stream().collect(Collectors.toMap(SegmentationMetrics::structure, Function.identity()));
        assertEquals(1.0, by.get("urinary_bladder").dsc());
        assertEquals(0.9, by.get("prostate").dsc(), 1e-12);
        assertEquals(1.0, by.get("prostate").hdMaxMm(), 1e-6);
        assertEquals(Status.MISSING_TEST, by.get("Rectum").status());
        assertEquals(Status.MISSING_REFERENCE, by.get("kidney_cyst_left").status());
        assertEquals(4, rows.size());
    }

    @Test
    void theRegionDictionaryAliasesMatchTg263Names() throws IOException {
        SegmentationEvaluator ev = new SegmentationEvaluator(StructureNames.EXACT.withDictionary(RegionDictionary.defaults()),
                ReferenceRegion.DEFAULT);
        Map<String, SegmentationMetrics> by = ev.evaluate("case1", new NiftiFolderSource(clinicalFolder()),
                OrganMasksSource.of("model", modelOutput())).stream()
                .collect(Collectors.toMap(SegmentationMetrics::structure, Function.identity()));
        assertEquals(1.0, by.get("urinary_bladder").dsc(), "Bladder is the dictionary's alias of urinary_bladder");
        assertEquals(0.9, by.get("prostate").dsc(), 1e-12, "Prostate matches prostate ignoring case");
    }

    @Test
    void anOrganSegmenterIsASource() throws IOException {
        OrganSegmenter segmenter = ct -> new OrganMasks(ct.grid(), List.of(modelOutput()), List.of());
        CtVolume ct = new CtVolume(g, new short[g.voxelCount()]);
        SegmentationEvaluator ev = new SegmentationEvaluator(
                new StructureNames(Map.of("Bladder", "urinary_bladder", "Prostate", "prostate")), ReferenceRegion.WHOLE_GRID);
        List<SegmentationMetrics> rows = ev.evaluate("case1", new NiftiFolderSource(clinicalFolder()),
                OrganMasksSource.segment("segmenter", segmenter, ct));
        assertTrue(rows.stream().anyMatch(r -> r.structure().equals("urinary_bladder") && r.dsc() == 1.0));
    }

    @Test
    void twoNamesForOneStructureAreRefused() throws IOException {
        BinaryMask a = Masks.box("Bladder", g, 2, 2, 2, 4, 4, 4);
        BinaryMask b = Masks.box("bladder_clinical", g, 2, 2, 2, 4, 4, 4);
        SegmentationSource s = new OrganMasksSource("clinical", new OrganMasks(g, List.of(), List.of(a, b)));
        SegmentationEvaluator ev = new SegmentationEvaluator(
                new StructureNames(Map.of("Bladder", "urinary_bladder", "bladder_clinical", "urinary_bladder")), ReferenceRegion.DEFAULT);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ev.evaluate("c", s, s));
        assertTrue(e.getMessage().contains("urinary_bladder"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new NiftiFolderSource(dir.resolve("nothing")));
    }
}
