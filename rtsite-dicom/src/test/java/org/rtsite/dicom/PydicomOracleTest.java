package org.rtsite.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * pydicom as a second oracle for the reader: one python process lists, for every corpus and
 * public catalogue file, each top-level element's tag, VR, value count and values (text, numbers,
 * sequence item counts); rtsite must read the same.
 */
class PydicomOracleTest {

    private static final String SCRIPT = String.join("\n",
            "import sys, pydicom",
            "from pydicom.sequence import Sequence",
            "for f in sys.argv[1:]:",
            "    d = pydicom.dcmread(f, force=True)",
            "    for e in d:",
            "        if e.tag.is_private or e.tag.group == 0x7fe0 or e.tag.element == 0:",
            "            continue",
            "        v = e.value",
            "        if e.VR == 'SQ':",
            "            vals = [str(len(v))]",
            "        elif e.VR in ('OB', 'OW', 'UN', 'OF', 'OD', 'OL', 'OV') or isinstance(v, bytes):",
            "            continue",
            "        elif v is None or v == '':",
            "            vals = []",
            "        elif e.VM > 1 or isinstance(v, (list, pydicom.multival.MultiValue)):",
            "            vals = [str(x) for x in v]",
            "        else:",
            "            vals = [str(v)]",
            "        vals = [x.replace('\\r', '<CR>').replace('\\n', '<LF>') for x in vals]",
            "        print(f + '\\t' + '%08X' % e.tag + '\\t' + e.VR + '\\t' + '\\x1f'.join(vals))");

    @Test
    void rtsiteReadsWhatPydicomReads() throws IOException {
        assumeTrue(ExternalTools.pydicomAvailable(), "pydicom not installed (scripts/setup.sh installs python3-pydicom)");
        List<String> files = new ArrayList<>();
        for (String dir : new String[] {"corpus", "public-rt"}) {
            try (Stream<Path> s = Files.walk(TestFiles.resource(dir))) {
                s.map(Path::toString).filter(p -> p.endsWith(".dcm") && !p.contains("truncated")).sorted()
                        .forEach(files::add);
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-W", "ignore", "-c", SCRIPT));
        command.addAll(files);
        ExternalTools.Result r = ExternalTools.run(command.toArray(new String[0]));
        assertEquals(0, r.exit(), r.err());
        int compared = 0;
        for (String line : r.out().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            DicomDataset ds = DicomFile.readHeader(Path.of(f[0])).dataset();
            int tag = (int) Long.parseLong(f[1], 16);
            String vr = f[2];
            String[] want = f[3].isEmpty() ? new String[0] : f[3].split("\u001f", -1);
            String at = f[0] + " " + Tag.toString(tag) + " " + vr;
            DicomElement e = ds.get(tag);
            assertTrue(e != null, at + " missing");
            if (vr.equals("SQ")) {
                assertEquals(Integer.parseInt(want[0]), e.items().size(), at);
            } else if (vr.equals("DS") || vr.equals("FL") || vr.equals("FD")) {
                double[] got = ds.getDoubles(tag);
                double[] exp = Stream.of(want).mapToDouble(Double::parseDouble).toArray();
                assertArrayEquals(exp, got, 1e-6 * Math.max(1, Stream.of(want).mapToDouble(s -> Math.abs(Double.parseDouble(s))).max().orElse(1)), at);
            } else if (vr.equals("IS") || vr.startsWith("US") || vr.equals("SS") || vr.equals("UL") || vr.equals("SL")) {
                long[] exp = Stream.of(want).mapToLong(s -> (long) Double.parseDouble(s)).toArray();
                assertArrayEquals(exp, ds.getLongs(tag), at);
            } else if (vr.equals("AT")) {
                assertEquals(want.length, ds.getInts(tag).length, at);
            } else {
                String[] got = Stream.of(ds.getStrings(tag)).map(v -> v.replace("\r", "<CR>").replace("\n", "<LF>"))
                        .toArray(String[]::new);
                if (want.length == 0) {
                    assertTrue(String.join("", got).isEmpty(), at);
                } else {
                    // PS3.5 lets LO/SH/CS... values carry insignificant leading spaces; pydicom keeps them
                    assertEquals(Stream.of(want).map(String::strip).toList(), Stream.of(got).map(String::strip).toList(), at);
                }
            }
            compared++;
        }
        assertTrue(compared > 1500, "only " + compared + " elements compared");
    }
}
