package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;

/**
 * Rasterization against plastimatch 1.9.4 ({@code plastimatch convert --xor-contours}) on the
 * structure set made by {@code scripts/rt_raster_fixture.py}: ellipsoids, a ring with a hole,
 * islands, a concave star and a small sphere on 3 mm slices. The masks plastimatch wrote are
 * committed (gzipped MetaImage); the Dice per ROI must reach 0.99 and stay at the recorded value.
 */
class PlastimatchAgreementTest {

    static final Path DIR = Path.of("src/test/resources/rt/raster");

    record Mha(ImageGrid grid, byte[] voxels) {
    }

    static Mha readMha(Path gz) throws IOException {
        byte[] all;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            all = in.readAllBytes();
        }
        Map<String, String> header = new HashMap<>();
        int pos = 0;
        while (true) {
            int end = pos;
            while (all[end] != '\n') {
                end++;
            }
            String line = new String(all, pos, end - pos, StandardCharsets.US_ASCII);
            pos = end + 1;
            int eq = line.indexOf('=');
            header.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            if (line.startsWith("ElementDataFile")) {
                break;
            }
        }
        assertEquals("MET_UCHAR", header.get("ElementType"));
        assertEquals("False", header.get("CompressedData"));
        double[] off = nums(header.get("Offset"));
        double[] sp = nums(header.get("ElementSpacing"));
        double[] dim = nums(header.get("DimSize"));
        double[] m = nums(header.get("TransformMatrix"));
        // MetaImage's TransformMatrix lists the direction of each index axis in turn.
        ImageGrid grid = new ImageGrid((int) dim[0], (int) dim[1], (int) dim[2], sp[0], sp[1], sp[2],
                new Vec3(off[0], off[1], off[2]), new Vec3(m[0], m[1], m[2]), new Vec3(m[3], m[4], m[5]),
                new Vec3(m[6], m[7], m[8]));
        byte[] voxels = java.util.Arrays.copyOfRange(all, pos, all.length);
        assertEquals(grid.voxelCount(), voxels.length, gz + " voxel count");
        return new Mha(grid, voxels);
    }

    private static double[] nums(String s) {
        String[] p = s.trim().split("\\s+");
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Double.parseDouble(p[i]);
        }
        return d;
    }

    static Map<String, Double> expectedDice() throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(DIR.resolve("expected-dice.csv"));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            m.put(f[0], Double.parseDouble(f[1]));
        }
        return m;
    }

    @Test
    void everyRoiAgreesWithPlastimatch() throws IOException {
        RtStructureSet ss = RtStructureSet.read(DIR.resolve("rtss.dcm"));
        Map<String, Double> expected = expectedDice();
        assertEquals(5, ss.rois().size());
        assertEquals(expected.keySet().size(), ss.rois().size());
        StringBuilder table = new StringBuilder("roi,dice,rtsite_voxels,plastimatch_voxels\n");
        for (RtStructureSet.Roi roi : ss.rois()) {
            Mha ref = readMha(DIR.resolve("plastimatch/" + roi.name() + ".mha.gz"));
            BinaryMask ours = roi.rasterize(ref.grid());
            long both = 0, a = 0, b = 0;
            for (int i = 0; i < ref.voxels().length; i++) {
                boolean p = ref.voxels()[i] != 0;
                boolean r = ours.contains(i);
                a += r ? 1 : 0;
                b += p ? 1 : 0;
                both += p && r ? 1 : 0;
            }
            double dice = 2.0 * both / (a + b);
            table.append(roi.name()).append(',').append(String.format("%.5f", dice)).append(',').append(a).append(',')
                    .append(b).append('\n');
            assertTrue(b > 0, roi.name() + " is empty in plastimatch's mask");
            assertTrue(dice >= 0.99, roi.name() + ": Dice " + dice + " < 0.99\n" + table);
            assertEquals(expected.get(roi.name()), dice, 5e-5, roi.name() + " Dice moved from the recorded value\n" + table);
        }
        System.out.print(table);
    }

    /**
     * plastimatch cannot serve as the reference on oblique grids (docs/dicom-rt.md), so there the
     * check is physical: an ROI's volume does not depend on the grid it is rasterized on. A grid
     * rotated 20° about the patient's y axis, with other spacings, must give each ROI the volume
     * it has on the CT grid, within 2 % (0.5 cc for the 3 cc sphere, whose surface voxels dominate).
     */
    @Test
    void volumeOnAnObliqueGridEqualsVolumeOnTheCtGrid() throws IOException {
        RtStructureSet ss = RtStructureSet.read(DIR.resolve("rtss.dcm"));
        ImageGrid ct = readMha(DIR.resolve("plastimatch/Ellipsoid.mha.gz")).grid();
        double a = Math.toRadians(20);
        Vec3 i = new Vec3(Math.cos(a), 0, Math.sin(a));
        Vec3 k = new Vec3(-Math.sin(a), 0, Math.cos(a));
        Vec3 centre = ct.toPatient((ct.nx() - 1) / 2.0, (ct.ny() - 1) / 2.0, (ct.nz() - 1) / 2.0);
        Vec3 origin = centre.minus(i.times(170 * 1.7 / 2)).minus(Vec3.Y.times(140 * 1.9 / 2)).minus(k.times(110 * 2.3 / 2));
        ImageGrid oblique = new ImageGrid(170, 140, 110, 1.7, 1.9, 2.3, origin, i, Vec3.Y, k);
        for (RtStructureSet.Roi roi : ss.rois()) {
            double onCt = roi.rasterize(ct).cardinality() * ct.voxelVolumeCc();
            BinaryMask m = roi.rasterize(oblique, 3.0);
            double onOblique = m.cardinality() * oblique.voxelVolumeCc();
            System.out.printf("%s: %.2f cc on the CT grid, %.2f cc on the oblique grid%n", roi.name(), onCt, onOblique);
            assertTrue(Math.abs(onOblique - onCt) <= Math.max(0.02 * onCt, 0.5),
                    roi.name() + ": " + onOblique + " cc on the oblique grid, " + onCt + " cc on the CT grid");
            assertTrue(!touchesBorder(m), roi.name() + " reaches the oblique grid's border: the grid is too small");
        }
    }

    private static boolean touchesBorder(BinaryMask m) {
        ImageGrid g = m.grid();
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    boolean border = i == 0 || j == 0 || k == 0 || i == g.nx() - 1 || j == g.ny() - 1 || k == g.nz() - 1;
                    if (border && m.contains(i, j, k)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
