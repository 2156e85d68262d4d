package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomFormatException;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;

/** GridFrameOffsetVector's two forms, frame order, units and scaling on a small written dose. */
class RtDoseTest {

    @TempDir
    Path tmp;
    Path file;
    RtDose written;

    /** 4×3 voxels, 5 frames 2.5 mm apart from z = −10; dose = 0.01·(i + 10j + 100k) Gy. */
    @BeforeEach
    void write() {
        ImageGrid g = ImageGrid.axial(4, 3, 5, 2, 3, 2.5, new Vec3(-4, -3, -10));
        float[] gy = new float[g.voxelCount()];
        for (int k = 0; k < 5; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 4; i++) {
                    gy[g.index(i, j, k)] = (float) (0.01 * (i + 10 * j + 100 * k));
                }
            }
        }
        // A BEAM dose: only a dose of part of the plan may reference fraction groups and beams (RtWriter
        // leaves them out of a PLAN dose, as the standard requires).
        written = new RtDose("mem", RtWriter.newUid(), "P", RtWriter.newUid(), "GY", "PHYSICAL", "BEAM", 0.01, 16,
                RtWriter.newUid(), List.of(1), List.of(2, 3), new DoseVolume(g, gy));
        file = tmp.resolve("rd.dcm");
        RtWriter.write(written, file);
    }

    private void change(java.util.function.UnaryOperator<DicomDataset.Builder> c) {
        DicomWriter.write(file, c.apply(DicomFile.read(file).dataset().toBuilder()).build());
    }

    @Test
    void relativeForm() {
        RtDose d = RtDose.read(file);
        assertTrue(d.grid().sameGeometry(written.grid(), 1e-9));
        assertEquals(0.01 * 213, d.volume().get(3, 1, 2), 1e-6);
        assertEquals(List.of(1), d.referencedFractionGroups());
        assertEquals(List.of(2, 3), d.referencedBeamNumbers());
    }

    @Test
    void absoluteFormGivesTheSameGrid() {
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, -10, -7.5, -5, -2.5, 0));
        RtDose d = RtDose.read(file);
        assertTrue(d.grid().sameGeometry(written.grid(), 1e-9), d.grid().describe());
        assertArrayEquals(written.volume().gy(), d.volume().gy());
    }

    @Test
    void decreasingOffsetsPointTheKAxisAgainstTheNormal() {
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, -2.5, -5, -7.5, -10));
        RtDose d = RtDose.read(file);
        assertTrue(d.grid().axisK().approx(new Vec3(0, 0, -1), 1e-12), d.grid().axisK().toString());
        assertEquals(2.5, d.grid().dz(), 1e-12);
        assertTrue(d.grid().toPatient(0, 0, 4).approx(new Vec3(-4, -3, -20), 1e-9));
    }

    @Test
    void centigrayIsConvertedToGray() {
        change(b -> b.putString(Tag.DoseUnits, VR.CS, "CGY"));
        RtDose d = RtDose.read(file);
        assertEquals("CGY", d.units());
        assertEquals(0.01 * 213 / 100, d.volume().get(3, 1, 2), 1e-8);
    }

    @Test
    void badOffsetVectorsAreNamed() {
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 2.5, 5, 8, 10));
        DicomFormatException uneven = assertThrows(DicomFormatException.class, () -> RtDose.read(file));
        assertTrue(uneven.getMessage().contains("not evenly spaced") && uneven.getMessage().contains("rd.dcm"),
                uneven.getMessage());
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, 3, 5.5, 8, 10.5, 13));
        DicomFormatException form = assertThrows(DicomFormatException.class, () -> RtDose.read(file));
        assertTrue(form.getMessage().contains("neither 0"), form.getMessage());
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 2.5, 5));
        assertThrows(DicomFormatException.class, () -> RtDose.read(file));
        change(b -> b.putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 2.5, 5, 7.5, 10)
                .putDoubles(Tag.DoseGridScaling, VR.DS, 0));
        DicomFormatException scaling = assertThrows(DicomFormatException.class, () -> RtDose.read(file));
        assertTrue(scaling.getMessage().contains("DoseGridScaling"), scaling.getMessage());
    }

    @Test
    void doseThatDoesNotFitIsNotWritten() {
        float[] gy = written.volume().gy().clone();
        gy[0] = 1000; // 1000 Gy / 0.01 > 65535
        RtDose big = new RtDose("mem", written.sopInstanceUid(), null, null, "GY", "PHYSICAL", "PLAN", 0.01, 16, null,
                List.of(), List.of(), new DoseVolume(written.grid(), gy));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> RtWriter.write(big, file));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }
}
