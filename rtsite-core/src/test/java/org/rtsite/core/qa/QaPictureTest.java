package org.rtsite.core.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.PlanInput;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.OrganMasks;

/** The QA picture of phantom plans, decoded back from its PNG: size, isodose outline at CoM85, region tints. */
class QaPictureTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    Path tmp;

    @Test
    void liverSbrtPictureShowsTheIsodoseAtTheCentreAndBothRegions() throws Exception {
        assertTrue(GraphicsEnvironment.isHeadless());
        PhantomPlan plan = PhantomScene.LIVER_SBRT.build();
        OrganMasks[] used = new OrganMasks[1];
        SiteResult r = SiteClassifier.builder().backend("cpu").build().classify(plan.withMasks(), m -> used[0] = m);
        assertNotNull(used[0]);
        Path png = tmp.resolve("qa/liver.png");
        QaPicture.Picture pic = QaPicture.defaults().write("LIVER_SBRT", plan.ct(), plan.dose(), used[0], r, png);
        if (System.getProperty("rtsite.qa.keep") != null) {
            Files.copy(png, Path.of(System.getProperty("rtsite.qa.keep")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "PNG decodes");
        assertEquals(pic.image().getWidth(), img.getWidth());
        assertEquals(pic.image().getHeight(), img.getHeight());
        assertEquals(3, pic.views().size());
        for (QaPicture.View v : pic.views()) {
            assertTrue(new Rectangle(0, 0, img.getWidth(), img.getHeight()).contains(v.bounds()), v.toString());
            assertTrue(v.bounds().contains(v.com()), v.toString());
            // The V85 outline surrounds CoM85: found within 15 mm of it (a 15 mm radius sphere target).
            int radius = (int) Math.ceil(20 * v.bounds().width / (plan.ct().grid().nx() * plan.ct().grid().dx()));
            assertTrue(count(img, v.bounds(), v.com(), radius, QaPicture.V85) > 10, "V85 outline near CoM in " + v.name());
            assertTrue(count(img, v.bounds(), v.com(), 4 * radius, QaPicture.V50) > 10, "V50 outline in " + v.name());
        }
        // Liver (Abdomen) and lung (Thorax) are tinted with their region's colour over grey CT.
        QaPicture.View coronal = pic.view("coronal");
        assertTrue(tinted(img, coronal.bounds(), QaPicture.colour(Region.ABDOMEN)) > 200, "abdomen tint");
        assertTrue(tinted(img, coronal.bounds(), QaPicture.colour(Region.THORAX)) > 200, "thorax tint");
        assertEquals(0, tinted(img, coronal.bounds(), QaPicture.colour(Region.CRANIAL)), "no cranial organ in the crop");
    }

    @Test
    void masksOnTheCroppedGridFromASegmenterAreDrawnInPlace() {
        PhantomPlan plan = PhantomScene.PROSTATE.build();
        ImageGrid g = plan.ct().grid();
        // A segmenter that returns the phantom's own organs, cut to the cropped CT it is given.
        OrganMasks[] used = new OrganMasks[1];
        SiteResult r = SiteClassifier.builder().backend("cpu").build().classify(
                PlanInput.withSegmenter(plan.ct(), plan.dose(), cropped -> crop(plan.masks(), cropped.grid(), g)),
                m -> used[0] = m);
        assertTrue(used[0].grid().nz() < g.nz(), "the segmenter saw the cropped CT");
        QaPicture.Picture pic = QaPicture.defaults().render("PROSTATE", plan.ct(), plan.dose(), used[0], r);
        assertTrue(tinted(pic.image(), pic.view("sagittal").bounds(), QaPicture.colour(Region.PELVIS)) > 100);
        assertTrue(count(pic.image(), pic.view("axial").bounds(), pic.view("axial").com(), 40, QaPicture.V85) > 10);
        OrganMasks elsewhere = new OrganMasks(ImageGrid.axial(5, 5, 5, 1, 1, 1, Vec3.ZERO), List.of(), List.of());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> QaPicture.defaults().render("x", plan.ct(), plan.dose(), elsewhere, r));
        assertTrue(e.getMessage().contains("neither on the CT grid"), e.getMessage());
    }

    @Test
    void slicesStoredFromHeadToFeetStillShowSuperiorUp() {
        ImageGrid std = PhantomScene.LUNG_SBRT.ctGrid();
        Vec3 top = std.toPatient(0, 0, std.nz() - 1);
        ImageGrid flipped = new ImageGrid(std.nx(), std.ny(), std.nz(), std.dx(), std.dy(), std.dz(), top,
                std.axisI(), std.axisJ(), new Vec3(0, 0, -1));
        PhantomPlan plan = PhantomScene.LUNG_SBRT.build(flipped, Vec3.ZERO);
        OrganMasks[] used = new OrganMasks[1];
        SiteResult r = SiteClassifier.builder().backend("cpu").build().classify(plan.withMasks(), m -> used[0] = m);
        QaPicture.Picture pic = QaPicture.defaults().render("flipped", plan.ct(), plan.dose(), used[0], r);
        PhantomPlan straight = PhantomScene.LUNG_SBRT.build();
        SiteResult rs = SiteClassifier.builder().backend("cpu").build().classify(straight.withMasks(), m -> used[0] = m);
        QaPicture.Picture ref = QaPicture.defaults().render("flipped", straight.ct(), straight.dose(), used[0], rs);
        for (String view : List.of("axial", "coronal", "sagittal")) {
            QaPicture.View a = pic.view(view), b = ref.view(view);
            assertEquals(b.bounds(), a.bounds(), view);
            assertTrue(Math.abs(a.com().y - b.com().y) <= 4 && Math.abs(a.com().x - b.com().x) <= 4,
                    view + ": CoM drawn at " + a.com() + " vs " + b.com());
            assertTrue(count(pic.image(), a.bounds(), a.com(), 30, QaPicture.V85) > 10, view);
        }
        assertEquals("S", QaPicture.letter(new Vec3(0, 0, 1)));
        assertEquals("R", QaPicture.letter(new Vec3(-1, 0, 0)));
        assertEquals("A", QaPicture.letter(new Vec3(0, -1, 0.2)));
    }

    private static OrganMasks crop(OrganMasks full, ImageGrid cropGrid, ImageGrid ctGrid) {
        int k0 = (int) Math.round(ctGrid.toIndex(cropGrid.origin()).z());
        int plane = ctGrid.nx() * ctGrid.ny();
        List<org.rtsite.core.volume.LabelMap> maps = full.labelMaps().stream().map(m -> new org.rtsite.core.volume.LabelMap(
                m.task(), cropGrid, java.util.Arrays.copyOfRange(m.labels(), k0 * plane, (k0 + cropGrid.nz()) * plane),
                m.names())).toList();
        return new OrganMasks(cropGrid, maps, List.of());
    }

    static int count(BufferedImage img, Rectangle view, java.awt.Point c, int radius, Color colour) {
        int n = 0;
        for (int y = Math.max(view.y, c.y - radius); y < Math.min(view.y + view.height, c.y + radius); y++) {
            for (int x = Math.max(view.x, c.x - radius); x < Math.min(view.x + view.width, c.x + radius); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Pixels that are ALPHA·colour + (1 − ALPHA)·grey for some grey, and not grey themselves. */
    static int tinted(BufferedImage img, Rectangle view, Color colour) {
        int n = 0;
        float a = QaPicture.ALPHA;
        for (int y = view.y; y < view.y + view.height; y++) {
            for (int x = view.x; x < view.x + view.width; x++) {
                int rgb = img.getRGB(x, y);
                double r = ((rgb >> 16) & 255) - a * colour.getRed();
                double g = ((rgb >> 8) & 255) - a * colour.getGreen();
                double b = (rgb & 255) - a * colour.getBlue();
                if (Math.abs(r - g) <= 1.5 && Math.abs(g - b) <= 1.5 && Math.abs(r - b) <= 1.5 && r >= -1) {
                    n++;
                }
            }
        }
        return n;
    }
}
