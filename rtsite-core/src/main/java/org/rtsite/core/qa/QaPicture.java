package org.rtsite.core.qa;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.prepare.DoseResampler;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.Region;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * The picture a physicist opens to judge a label: axial, coronal and sagittal slices of the z-cropped
 * CT through the V85 centre of mass, organs tinted by the region they vote for, V85 and V50 outlined,
 * and the labels, rule, dose levels and leading organs printed. JDK only (java.awt, ImageIO), works
 * headless.
 *
 * <pre>{@code
 * SiteClassifier c = SiteClassifier.builder().build();
 * OrganMasks[] used = new OrganMasks[1];
 * SiteResult r = c.classify(input, m -> used[0] = m);
 * QaPicture.defaults().write("plan 42", ct, dose, used[0], r, Path.of("plan42.png"));
 * }</pre>
 *
 * Views are drawn in grid index order at true aspect ratio: axial with i to the right and j down (for a
 * head-first-supine CT: patient's left on the right, anterior up, as radiology shows it); coronal and
 * sagittal with the patient's superior up.
 */
public final class QaPicture {

    /** Tint strength of organ colours over the CT. */
    static final float ALPHA = 0.45f;
    static final Color V85 = new Color(255, 0, 0);
    static final Color V50 = new Color(255, 150, 0);
    static final Color COM = new Color(255, 255, 255);
    static final Color EXCLUDED = new Color(150, 150, 150);
    static final int WINDOW_HU = 400;
    static final int LEVEL_HU = 40;
    private static final int VIEW_PX = 360;
    private static final int GAP = 12;
    private static final int HEADER = 84;
    private static final int FOOTER = 56;
    private static final Color BACKGROUND = new Color(24, 24, 28);
    private static final Color TEXT = new Color(235, 235, 235);

    private final RegionDictionary dictionary;

    private QaPicture(RegionDictionary dictionary) {
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
    }

    /** With the bundled region dictionary. */
    public static QaPicture defaults() {
        return new QaPicture(RegionDictionary.defaults());
    }

    /** With the dictionary the classifier used (so the colours follow the same regions). */
    public static QaPicture with(RegionDictionary dictionary) {
        return new QaPicture(dictionary);
    }

    /** The colour an organ of {@code region} is tinted with. */
    public static Color colour(Region region) {
        return switch (region) {
            case CRANIAL -> new Color(170, 90, 255);
            case HEAD_AND_NECK -> new Color(0, 210, 210);
            case THORAX -> new Color(50, 130, 255);
            case ABDOMEN -> new Color(40, 200, 60);
            case PELVIS -> new Color(235, 60, 190);
            case EXTREMITY -> new Color(170, 120, 60);
        };
    }

    /** One view of the picture: where it lies and where CoM85 is drawn in it. */
    public record View(String name, Rectangle bounds, Point com) {
    }

    /** The image and its views' places. */
    public record Picture(BufferedImage image, List<View> views) {
        public Picture {
            views = List.copyOf(views);
        }

        public View view(String name) {
            return views.stream().filter(v -> v.name.equals(name)).findFirst().orElseThrow();
        }
    }

    /** Renders and writes a PNG (parent directories created). */
    public Picture write(String planId, CtVolume ct, DoseVolume dose, OrganMasks masks, SiteResult result, Path png) {
        Picture p = render(planId, ct, dose, masks, result);
        try {
            if (png.toAbsolutePath().getParent() != null) {
                Files.createDirectories(png.toAbsolutePath().getParent());
            }
            if (!ImageIO.write(p.image(), "png", png.toFile())) {
                throw new RtsiteException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new RtsiteIOException("cannot write QA picture " + png, e);
        }
        return p;
    }

    /**
     * @param masks the masks the classifier used: on the CT grid, or on the z-cropped CT grid (a segmenter's)
     * @throws InvalidInputException when the masks are on neither grid
     */
    public Picture render(String planId, CtVolume ct, DoseVolume dose, OrganMasks masks, SiteResult result) {
        Objects.requireNonNull(ct, "ct");
        Objects.requireNonNull(dose, "dose");
        Objects.requireNonNull(masks, "masks");
        Objects.requireNonNull(result, "result");
        ImageGrid g = ct.grid();
        int k0 = result.crop().k0(), k1 = result.crop().k1();
        if (k0 < 0 || k1 > g.nz() || k1 <= k0) {
            throw new InvalidInputException("crop slices [" + k0 + ", " + k1 + ") of the result do not fit the CT grid "
                    + g.describe());
        }
        ImageGrid cropGrid = g.sub(new IndexBox(0, 0, k0, g.nx(), g.ny(), k1));
        int maskK;
        if (masks.grid().sameGeometry(g, OrganMasks.GRID_TOLERANCE_MM)) {
            maskK = 0;
        } else if (masks.grid().sameGeometry(cropGrid, OrganMasks.GRID_TOLERANCE_MM)) {
            maskK = k0;
        } else {
            throw new InvalidInputException("organ masks on grid " + masks.grid().describe()
                    + " are neither on the CT grid " + g.describe() + " nor on its crop");
        }
        Vec3 c = g.toIndex(result.com85());
        int ci = clamp((int) Math.round(c.x()), 0, g.nx() - 1);
        int cj = clamp((int) Math.round(c.y()), 0, g.ny() - 1);
        int ck = clamp((int) Math.round(c.z()), k0, k1 - 1);

        Tints tints = new Tints(masks, dictionary);
        boolean up = g.axisK().z() >= 0;
        Vec3 down = up ? g.axisK().times(-1) : g.axisK();
        // Each view: columns (u) and rows (v) in voxels, their sizes in mm, and the voxel under (u, v).
        Plane[] planes = {
                new Plane("axial", g.nx(), g.ny(), g.dx(), g.dy(), (u, v) -> g.index(u, v, ck),
                        new IndexBox(0, 0, ck, g.nx(), g.ny(), ck + 1), ci, cj,
                        String.format(Locale.ROOT, "axial  z = %.1f mm", g.toPatient(ci, cj, ck).z()),
                        g.axisI(), g.axisJ()),
                new Plane("coronal", g.nx(), k1 - k0, g.dx(), g.dz(), (u, v) -> g.index(u, cj, row(v, k0, k1, up)),
                        new IndexBox(0, cj, k0, g.nx(), cj + 1, k1), ci, up ? k1 - 1 - ck : ck - k0,
                        String.format(Locale.ROOT, "coronal  y = %.1f mm", g.toPatient(ci, cj, ck).y()),
                        g.axisI(), down),
                new Plane("sagittal", g.ny(), k1 - k0, g.dy(), g.dz(), (u, v) -> g.index(ci, u, row(v, k0, k1, up)),
                        new IndexBox(ci, 0, k0, ci + 1, g.ny(), k1), cj, up ? k1 - 1 - ck : ck - k0,
                        String.format(Locale.ROOT, "sagittal  x = %.1f mm", g.toPatient(ci, cj, ck).x()),
                        g.axisJ(), down)};
        double maxMm = 0;
        for (Plane p : planes) {
            maxMm = Math.max(maxMm, Math.max(p.nu * p.du, p.nv * p.dv));
        }
        double scale = VIEW_PX / maxMm;
        int width = GAP;
        int viewsHeight = 0;
        for (Plane p : planes) {
            width += p.widthPx(scale) + GAP;
            viewsHeight = Math.max(viewsHeight, p.heightPx(scale));
        }
        width = Math.max(width, 760);
        int height = HEADER + viewsHeight + 30 + FOOTER;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        try {
            gr.setColor(BACKGROUND);
            gr.fillRect(0, 0, width, height);
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            List<View> views = new ArrayList<>();
            int x = GAP;
            for (Plane p : planes) {
                Rectangle r = new Rectangle(x, HEADER, p.widthPx(scale), p.heightPx(scale));
                views.add(draw(img, r, p, scale, ct, dose, result, tints, maskK, g));
                gr.setColor(TEXT);
                gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                gr.drawString(p.caption, r.x, r.y + r.height + 14);
                gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                gr.setColor(Color.YELLOW);
                gr.drawString(letter(p.uDir.times(-1)), r.x + 3, r.y + r.height / 2 + 5);
                gr.drawString(letter(p.uDir), r.x + r.width - 11, r.y + r.height / 2 + 5);
                gr.drawString(letter(p.vDir.times(-1)), r.x + r.width / 2 - 4, r.y + 13);
                x += r.width + GAP;
            }
            for (View v : views) {
                gr.setColor(COM);
                gr.setStroke(new BasicStroke(1.5f));
                gr.drawLine(v.com.x - 6, v.com.y, v.com.x - 2, v.com.y);
                gr.drawLine(v.com.x + 2, v.com.y, v.com.x + 6, v.com.y);
                gr.drawLine(v.com.x, v.com.y - 6, v.com.x, v.com.y - 2);
                gr.drawLine(v.com.x, v.com.y + 2, v.com.x, v.com.y + 6);
            }
            header(gr, planId, result);
            legend(gr, HEADER + viewsHeight + 38);
            return new Picture(img, List.copyOf(views));
        } finally {
            gr.dispose();
        }
    }

    /** The patient direction (LPS) a screen direction points to, by its largest component. */
    static String letter(Vec3 d) {
        double ax = Math.abs(d.x()), ay = Math.abs(d.y()), az = Math.abs(d.z());
        if (ax >= ay && ax >= az) {
            return d.x() > 0 ? "L" : "R";
        }
        if (ay >= az) {
            return d.y() > 0 ? "P" : "A";
        }
        return d.z() > 0 ? "S" : "I";
    }

    private static int row(int v, int k0, int k1, boolean up) {
        return up ? k1 - 1 - v : k0 + v;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private interface VoxelAt {
        int index(int u, int v);
    }

    private record Plane(String name, int nu, int nv, double du, double dv, VoxelAt voxel, IndexBox box, int comU,
                         int comV, String caption, Vec3 uDir, Vec3 vDir) {
        int widthPx(double scale) {
            return Math.max(1, (int) Math.round(nu * du * scale));
        }

        int heightPx(double scale) {
            return Math.max(1, (int) Math.round(nv * dv * scale));
        }
    }

    /** Region colour per label value of each label map and per binary mask (null: not drawn). */
    private static final class Tints {
        final List<LabelMap> maps;
        final List<BinaryMask> masks;
        final Color[][] mapColours;
        final Color[] maskColours;

        Tints(OrganMasks m, RegionDictionary dictionary) {
            maps = m.labelMaps();
            masks = m.masks();
            mapColours = new Color[maps.size()][LabelMap.MAX_LABEL + 1];
            for (int s = 0; s < maps.size(); s++) {
                for (Map.Entry<Integer, String> e : maps.get(s).names().entrySet()) {
                    mapColours[s][e.getKey()] = tint(dictionary, e.getValue());
                }
            }
            maskColours = new Color[masks.size()];
            for (int s = 0; s < masks.size(); s++) {
                maskColours[s] = tint(dictionary, masks.get(s).name());
            }
        }

        private static Color tint(RegionDictionary dictionary, String name) {
            DictionaryEntry e = dictionary.lookup(name).orElse(null);
            if (e == null) {
                return null;
            }
            return e.excluded() ? EXCLUDED : colour(e.region());
        }

        /** The first source with a coloured structure at this mask voxel wins (label maps first, as the classifier orders them). */
        Color at(int maskIndex) {
            for (int s = 0; s < maps.size(); s++) {
                Color c = mapColours[s][maps.get(s).labels()[maskIndex] & 0xFF];
                if (c != null) {
                    return c;
                }
            }
            for (int s = 0; s < masks.size(); s++) {
                if (maskColours[s] != null && masks.get(s).contains(maskIndex)) {
                    return maskColours[s];
                }
            }
            return null;
        }
    }

    private View draw(BufferedImage img, Rectangle r, Plane p, double scale, CtVolume ct, DoseVolume dose,
                      SiteResult result, Tints tints, int maskK, ImageGrid g) {
        float[] planeDose = DoseResampler.resample(dose, g, p.box);
        // p.box is i fastest then j then k; map (u, v) → position in planeDose through the voxel index.
        int bnx = p.box.nx(), bny = p.box.ny();
        short[] hu = ct.hu();
        int plane = g.nx() * g.ny();
        int w = r.width, h = r.height;
        int[] level = new int[w * h];
        for (int y = 0; y < h; y++) {
            int v = Math.min(p.nv - 1, (int) (y / (p.dv * scale)));
            for (int x = 0; x < w; x++) {
                int u = Math.min(p.nu - 1, (int) (x / (p.du * scale)));
                int idx = p.voxel.index(u, v);
                int i = idx % g.nx(), j = (idx / g.nx()) % g.ny(), k = idx / plane;
                float d = planeDose[(i - p.box.i0()) + bnx * ((j - p.box.j0()) + bny * (k - p.box.k0()))];
                level[x + w * y] = d >= result.level85Gy() ? 2 : d >= result.level50Gy() ? 1 : 0;
                double grey = (hu[idx] - (LEVEL_HU - WINDOW_HU / 2.0)) / WINDOW_HU;
                int gv = (int) Math.round(255 * Math.max(0, Math.min(1, grey)));
                int rr = gv, gg = gv, bb = gv;
                Color t = tints.at(idx - maskK * plane);
                if (t != null) {
                    rr = Math.round(ALPHA * t.getRed() + (1 - ALPHA) * gv);
                    gg = Math.round(ALPHA * t.getGreen() + (1 - ALPHA) * gv);
                    bb = Math.round(ALPHA * t.getBlue() + (1 - ALPHA) * gv);
                }
                img.setRGB(r.x + x, r.y + y, (rr << 16) | (gg << 8) | bb);
            }
        }
        // Outlines two pixels wide, inside each isodose region: V50 first so V85 stays on top.
        for (int lv = 1; lv <= 2; lv++) {
            int rgb = (lv == 2 ? V85 : V50).getRGB();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (level[x + w * y] >= lv && edge(level, w, h, x, y, lv)) {
                        img.setRGB(r.x + x, r.y + y, rgb);
                    }
                }
            }
        }
        Point com = new Point(r.x + (int) ((p.comU + 0.5) * p.du * scale), r.y + (int) ((p.comV + 0.5) * p.dv * scale));
        return new View(p.name, r, com);
    }

    private static boolean edge(int[] level, int w, int h, int x, int y, int lv) {
        for (int d = 1; d <= 2; d++) {
            if (x - d < 0 || x + d >= w || y - d < 0 || y + d >= h
                    || level[x - d + w * y] < lv || level[x + d + w * y] < lv
                    || level[x + w * (y - d)] < lv || level[x + w * (y + d)] < lv) {
                return true;
            }
        }
        return false;
    }

    private static void header(Graphics2D gr, String planId, SiteResult r) {
        gr.setColor(TEXT);
        gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        gr.drawString("plan " + (planId == null ? "" : planId) + "   →   " + String.join(" + ", r.labelNames()), GAP, 22);
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        gr.drawString("rule fired: " + r.rule() + "      Dmax " + fmt(r.dmaxGy()) + " Gy      V85 (≥ " + fmt(r.level85Gy())
                + " Gy) " + fmt(r.v85Cc()) + " cc      V50 (≥ " + fmt(r.level50Gy()) + " Gy) " + fmt(r.v50Cc()) + " cc", GAP, 42);
        Vec3 c = r.com85();
        gr.drawString(String.format(Locale.ROOT, "CoM85 (%.1f, %.1f, %.1f) mm LPS      crop z %.1f … %.1f mm",
                c.x(), c.y(), c.z(), r.crop().zMinMm(), r.crop().zMaxMm()), GAP, 58);
        StringBuilder organs = new StringBuilder("V85 overlap: ");
        int n = 0;
        for (OrganMetrics m : r.organs().stream()
                .sorted((a, b) -> Double.compare(b.score85(), a.score85())).toList()) {
            if (m.v85Voxels() == 0 || n == 5) {
                break;
            }
            organs.append(n++ > 0 ? ",  " : "").append(m.name()).append(' ')
                    .append(String.format(Locale.ROOT, "%.0f%%", 100 * m.score85()))
                    .append(m.region() == null ? "" : " (" + m.region().label() + ")");
        }
        gr.drawString(n == 0 ? "V85 overlaps no labelling organ" : organs.toString(), GAP, 74);
    }

    private static void legend(Graphics2D gr, int y) {
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = GAP;
        Map<Region, Color> colours = new EnumMap<>(Region.class);
        for (Region reg : Region.values()) {
            colours.put(reg, colour(reg));
        }
        for (Map.Entry<Region, Color> e : colours.entrySet()) {
            x = swatch(gr, x, y, e.getValue(), e.getKey().label());
        }
        x = swatch(gr, x, y, EXCLUDED, "excluded");
        int y2 = y + 22;
        x = GAP;
        for (Color c : new Color[] {V85, V50}) {
            gr.setColor(c);
            gr.fillRect(x, y2 - 6, 22, 3);
            gr.setColor(TEXT);
            gr.drawString(c == V85 ? "V85 isodose" : "V50 isodose", x + 28, y2);
            x += 130;
        }
        gr.setColor(COM);
        gr.drawLine(x + 5, y2 - 9, x + 5, y2 - 1);
        gr.drawLine(x + 1, y2 - 5, x + 9, y2 - 5);
        gr.setColor(TEXT);
        gr.drawString("CoM85", x + 16, y2);
        gr.drawString("CT W" + WINDOW_HU + " L" + LEVEL_HU, x + 90, y2);
    }

    private static int swatch(Graphics2D gr, int x, int y, Color c, String label) {
        gr.setColor(c);
        gr.fillRect(x, y - 10, 12, 12);
        gr.setColor(TEXT);
        gr.drawString(label, x + 17, y);
        return x + 17 + gr.getFontMetrics().stringWidth(label) + 18;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }
}
