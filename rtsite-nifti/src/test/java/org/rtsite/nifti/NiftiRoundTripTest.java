package org.rtsite.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.LabelMap;

class NiftiRoundTripTest {

    @TempDir
    Path dir;

    /** Oblique and flipped: i along a rotated direction, j reversed, k pointing to the feet. */
    private static ImageGrid obliqueFlipped() {
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        Vec3 i = new Vec3(c, s, 0);
        Vec3 j = new Vec3(s, -c, 0);
        Vec3 k = new Vec3(0, 0, -1);
        return new ImageGrid(7, 5, 4, 0.8, 1.2, 2.5, new Vec3(-100.5, 35.25, 410), i, j, k);
    }

    @Test
    void everyDatatypeRoundTripsWithItsGrid() {
        ImageGrid g = obliqueFlipped();
        int n = g.voxelCount();
        Random rnd = new Random(3);
        byte[] b = new byte[n];
        short[] sh = new short[n];
        int[] in = new int[n];
        float[] f = new float[n];
        double[] d = new double[n];
        for (int x = 0; x < n; x++) {
            b[x] = (byte) rnd.nextInt(256);
            sh[x] = (short) rnd.nextInt(65536);
            in[x] = rnd.nextInt();
            f[x] = (float) rnd.nextGaussian();
            d[x] = rnd.nextGaussian();
        }
        for (String ext : new String[] {".nii", ".nii.gz"}) {
            for (Object data : new Object[] {b, sh, in, f, d}) {
                Path p = dir.resolve(data.getClass().getSimpleName().replace("[]", "") + ext);
                Nifti.write(p, g, data);
                NiftiImage img = Nifti.read(p);
                assertTrue(img.grid().sameGeometry(g, 1e-3), p + ": " + img.grid() + " vs " + g);
                assertTrue(img.grid().axisK().approx(g.axisK(), 1e-6));
                Object back = img.data();
                if (data instanceof byte[] a) {
                    assertArrayEquals(a, (byte[]) back);
                } else if (data instanceof short[] a) {
                    assertArrayEquals(a, (short[]) back);
                } else if (data instanceof int[] a) {
                    assertArrayEquals(a, (int[]) back);
                } else if (data instanceof float[] a) {
                    assertArrayEquals(a, (float[]) back);
                } else {
                    assertArrayEquals((double[]) data, (double[]) back);
                }
            }
        }
    }

    @Test
    void qformAloneCarriesTheSameGrid() throws IOException {
        // a plain DICOM axial grid is a 180° rotation about z in RAS: quaternion a = 0
        ImageGrid axial = ImageGrid.axial(6, 5, 4, 0.9, 0.9, 3, new Vec3(-200, -180, -50));
        for (ImageGrid g : new ImageGrid[] {obliqueFlipped(), axial}) {
            Path p = dir.resolve("q.nii");
            Nifti.write(p, g, new byte[g.voxelCount()]);
            byte[] bytes = Files.readAllBytes(p);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(254, (short) 0); // drop the sform
            Files.write(p, bytes);
            NiftiImage img = Nifti.read(p);
            assertEquals(0, img.header().sformCode());
            assertTrue(img.grid().sameGeometry(g, 1e-3), img.grid() + " vs " + g);
        }
    }

    @Test
    void labelMapsAndMasksRoundTrip() {
        ImageGrid g = obliqueFlipped();
        byte[] labels = new byte[g.voxelCount()];
        for (int x = 0; x < labels.length; x++) {
            labels[x] = (byte) (x % 3 == 0 ? 0 : x % 3 == 1 ? 5 : 200);
        }
        Path p = dir.resolve("labels.nii.gz");
        Nifti.writeLabelMap(p, new LabelMap("total", g, labels, Map.of(5, "liver")));
        LabelMap back = Nifti.readLabelMap(p, "total", Map.of(5, "liver"));
        assertArrayEquals(labels, back.labels());
        assertEquals(Map.of(5, "liver", 200, "label_200"), back.names());

        long[] bits = BinaryMask.bitsFor(g);
        BinaryMask.set(bits, 3);
        BinaryMask.set(bits, 77);
        Path m = dir.resolve("mask.nii");
        Nifti.writeMask(m, new BinaryMask("Bladder", g, bits));
        BinaryMask mask = Nifti.readMask(m, "Bladder");
        assertEquals(2, mask.cardinality());
        assertTrue(mask.contains(3) && mask.contains(77));
    }

    @Test
    void nonLabelValuesAreRefusedWithTheirVoxel() {
        ImageGrid g = ImageGrid.axial(3, 2, 2, 1, 1, 1, Vec3.ZERO);
        float[] v = new float[12];
        v[g.index(2, 1, 1)] = 1.5f;
        Path p = dir.resolve("float.nii");
        Nifti.write(p, g, v);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Nifti.readLabelMap(p, "t", Map.of()));
        assertTrue(e.getMessage().contains("(2, 1, 1)") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void brokenFilesGetClearErrors() throws IOException {
        ImageGrid g = ImageGrid.axial(4, 4, 4, 1, 1, 1, Vec3.ZERO);
        Path good = dir.resolve("good.nii");
        Nifti.write(good, g, new short[64]);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.nii");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertMessage(truncated, "truncated");

        byte[] magic = bytes.clone();
        magic[345] = 'x';
        Path noMagic = dir.resolve("magic.nii");
        Files.write(noMagic, magic);
        assertMessage(noMagic, "magic");

        byte[] fourD = bytes.clone();
        ByteBuffer.wrap(fourD).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 4).putShort(48, (short) 3);
        Path vol4 = dir.resolve("4d.nii");
        Files.write(vol4, fourD);
        assertMessage(vol4, "3 volumes");

        byte[] rgb = bytes.clone();
        ByteBuffer.wrap(rgb).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 128);
        Path rgbFile = dir.resolve("rgb.nii");
        Files.write(rgbFile, rgb);
        assertMessage(rgbFile, "datatype 128");

        Path notNifti = dir.resolve("text.nii");
        Files.writeString(notNifti, "hello");
        assertMessage(notNifti, "too short");
        assertMessage(dir.resolve("absent.nii.gz"), "does not exist");
    }

    private static void assertMessage(Path p, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Nifti.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(part), e.getMessage());
    }
}
