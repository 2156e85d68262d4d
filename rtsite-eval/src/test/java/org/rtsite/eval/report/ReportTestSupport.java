package org.rtsite.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Parses report pages and photographs them in headless Chromium. */
public final class ReportTestSupport {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private ReportTestSupport() {
    }

    /** The page as a DOM: the reports are written as well-formed XHTML so a plain XML parser reads them. */
    public static Document parse(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        byte[] bytes = Files.readAllBytes(html);
        assertTrue(!new String(bytes).matches("(?s).*(src|href)=\"(https?:)?//.*"), "the page must not load anything from the network");
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    public static Element byId(Document d, String tag, String id) {
        NodeList l = d.getElementsByTagName(tag);
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        throw new AssertionError("no <" + tag + " id=\"" + id + "\"> in the page");
    }

    /** Text of the cell at (row, column) of a table's body. */
    public static String cell(Element table, int row, int col) {
        Element tbody = (Element) table.getElementsByTagName("tbody").item(0);
        Element tr = (Element) tbody.getElementsByTagName("tr").item(row);
        return tr.getElementsByTagName("td").item(col).getTextContent();
    }

    /**
     * Screenshots the page with headless Chromium and checks the picture is not blank: many
     * non-white pixels in several colours. Skips, saying why, when Chromium is absent.
     */
    public static Path screenshot(Path html) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is absent (CI installs the Debian package chromium)");
        Path png = html.resolveSibling(html.getFileName() + ".png");
        Path profile = Files.createTempDirectory("rtsite-chromium");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,1600",
                html.toUri().toString()).redirectErrorStream(true).redirectOutput(profile.resolve("log.txt").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s");
        }
        assertTrue(Files.exists(png), "chromium wrote no screenshot: " + Files.readString(profile.resolve("log.txt")));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        int ink = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) {
                    ink++;
                    colours.add(rgb);
                }
            }
        }
        assertTrue(ink > 5000, "screenshot " + png + " is nearly blank: " + ink + " sampled non-white pixels");
        assertTrue(colours.size() > 20, "screenshot " + png + " has only " + colours.size() + " colours");
        return png;
    }
}
