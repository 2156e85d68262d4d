package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;

class DumpCommandTest {

    @TempDir
    Path tmp;

    @Test
    void dumpsOneElementPerLineWithItemsIndented() {
        DicomDataset roi = DicomDataset.builder().putInts(Tag.ROINumber, VR.IS, 1).putString(Tag.ROIName, VR.LO, "PTV").build();
        Path f = tmp.resolve("rs.dcm");
        DicomWriter.write(f, DicomDataset.builder()
                .putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.481.3")
                .putString(Tag.SOPInstanceUID, VR.UI, "2.25.42")
                .putString(Tag.Modality, VR.CS, "RTSTRUCT")
                .putInts(Tag.Rows, VR.US, 512)
                .putSequence(Tag.StructureSetROISequence, List.of(roi)).build());
        CliRun r = CliRun.of("dump", f.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertLine(lines, "\\(0002,0010\\) UI TransferSyntaxUID +\\[1\\.2\\.840\\.10008\\.1\\.2\\.1\\]");
        assertLine(lines, "\\(0008,0060\\) CS Modality +\\[RTSTRUCT\\]");
        assertLine(lines, "\\(0028,0010\\) US Rows +512");
        assertLine(lines, "\\(3006,0020\\) SQ StructureSetROISequence +\\(1 item\\)");
        assertLine(lines, "  \\(FFFE,E000\\) item 1");
        assertLine(lines, "    \\(3006,0026\\) LO ROIName +\\[PTV\\]");
    }

    private static void assertLine(List<String> lines, String regex) {
        assertTrue(lines.stream().anyMatch(l -> l.matches(regex)), "no line matches " + regex + " in\n" + String.join("\n", lines));
    }

    @Test
    void badFileGivesAClearMessageAndExitCode() throws Exception {
        Path f = tmp.resolve("not.dcm");
        Files.writeString(f, "this is a text file, not DICOM at all");
        CliRun r = CliRun.of("dump", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(f.toString()) && r.err().contains("not a DICOM file"), r.err());
    }
}
