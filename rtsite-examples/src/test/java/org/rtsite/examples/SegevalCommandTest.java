package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.nifti.Nifti;
import org.w3c.dom.Document;

/** Three cases: clinical contours as per-structure files, a model's label map and a second model's folder. */
class SegevalCommandTest {

    @TempDir
    Path dir;

    private final ImageGrid g = ImageGrid.axial(24, 20, 12, 1.0, 1.2, 2.5, new Vec3(-12, -12, 40));

    private byte[] cube(int i0, int j0, int k0, int size, byte value, byte[] into) {
        for (int k = k0; k < k0 + size; k++) {
            for (int j = j0; j < j0 + size; j++) {
                for (int i = i0; i < i0 + size; i++) {
                    into[g.index(i, j, k)] = value;
                }
            }
        }
        return into;
    }

    @Test
    void scoresTwoSourcesAgainstClinicalContours() throws Exception {
        StringBuilder cases = new StringBuilder("case_id,reference,vendor,finetuned\n");
        for (int c = 0; c < 3; c++) {
            Path clinical = Files.createDirectories(dir.resolve("case" + c + "/clinical"));
            Nifti.write(clinical.resolve("Bladder.nii.gz"), g, cube(2, 2, 2, 6, (byte) 1, new byte[g.voxelCount()]));
            Nifti.write(clinical.resolve("Prostate.nii.gz"), g, cube(12, 10, 3, 5, (byte) 1, new byte[g.voxelCount()]));
            byte[] labels = new byte[g.voxelCount()];
            cube(2 + c % 2, 2, 2, 6, (byte) 21, labels);
            cube(12, 10, 3 + c % 2, 5, (byte) 22, labels);
            Nifti.write(dir.resolve("case" + c + "/vendor.nii.gz"), g, labels);
            Path tuned = Files.createDirectories(dir.resolve("case" + c + "/tuned"));
            Nifti.write(tuned.resolve("urinary_bladder.nii"), g, cube(2, 2, 2, 6, (byte) 1, new byte[g.voxelCount()]));
            cases.append("case").append(c).append(",case").append(c).append("/clinical,case").append(c)
                    .append("/vendor.nii.gz,case").append(c).append("/tuned\n");
        }
        Files.writeString(dir.resolve("cases.csv"), cases);
        Files.writeString(dir.resolve("labels.csv"), "value,name\n21,urinary_bladder\n22,prostate\n");
        Files.writeString(dir.resolve("names.csv"), "name,canonical\nBladder,urinary_bladder\nProstate,prostate\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EvaluateCommandTest.run(out, err, "segeval", "-c", dir.resolve("cases.csv").toString(),
                "-l", dir.resolve("labels.csv").toString(), "-n", dir.resolve("names.csv").toString(),
                "--reference-region", "grid", "-o", dir.resolve("out").toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().matches("(?s).*finetuned +urinary_bladder +DSC +1\\.000 ± 0\\.000 \\(n=3\\).*"), out.toString());
        assertTrue(out.toString().matches("(?s).*finetuned +prostate +95HD +undefined \\(n=0\\).*"), out.toString());
        List<String> rows = Files.readAllLines(dir.resolve("out/seg-metrics.csv"));
        assertEquals(1 + 3 * 2 + 3 * 2, rows.size(), String.join("\n", rows));
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("finetuned,case0,prostate,MISSING_TEST,")));
        // case1: the vendor bladder is shifted one voxel along i: DSC 5/6
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("vendor,case1,urinary_bladder,OK,216,216,180,0.833333,")),
                String.join("\n", rows));
        assertTrue(Files.readString(dir.resolve("out/seg-comparison.csv")).contains("urinary_bladder,DSC,3,"));
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("out/seg-report.html").toFile());
        assertEquals(2, d.getElementsByTagName("svg").getLength());
    }

    @Test
    void aMissingSegmentationIsNamed() throws Exception {
        Files.writeString(dir.resolve("cases.csv"), "case_id,reference,model\nc1,nowhere,also_nowhere\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EvaluateCommandTest.run(out, err, "segeval", "-c", dir.resolve("cases.csv").toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("'nowhere'"), err.toString());
    }
}
