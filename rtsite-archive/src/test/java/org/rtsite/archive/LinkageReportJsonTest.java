package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linkage.json is written field by field with Jackson's streaming generator ({@link LinkageReport#writeJson});
 * users' tools read what Jackson's data binding of the report's records wrote before. Both must give the same
 * bytes: for real planning-system exports, through every way a report is written (held, streamed from the
 * linkage, parked in the spool), and for random reports with every field filled, empty or null.
 */
class LinkageReportJsonTest {

    private static final ObjectMapper BINDING = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path tmp;

    @Test
    void realExportsGiveTheDataBindingsBytesHeldStreamedAndSpooled() throws IOException {
        // real exports (conflicts, orphans, unreadable files) beside a synthetic archive (fallbacks)
        SyntheticArchive.generate(tmp.resolve("synthetic"), 6, 2, 7);
        Path[] roots = {DicomArchivePublicRtTest.resource("public-rt"),
                DicomArchivePublicRtTest.resource("archive-public-rt"), tmp.resolve("synthetic")};
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(tmp.resolve("p.db")), roots)) {
            LinkageReport report = a.report();
            assertTrue(report.summary().conflicts() > 0 && report.summary().fallbacks() > 0
                    && !report.orphans().isEmpty(), "the exports exercise conflicts, fallbacks and orphans: "
                    + report.summary());
            byte[] expected = BINDING.writeValueAsBytes(report);
            report.writeJson(tmp.resolve("held.json"));
            assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("held.json")), "held report");
        }
        // a fresh index links group by group as the report is written: from memory, and parked in the spool
        for (int hold : new int[] {DicomArchive.HOLD_STRINGS, 0}) {
            Path dir = tmp.resolve("streamed-" + hold);
            try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("p.db")), roots)) {
                a.writeReport(dir.resolve("linkage.json"), dir, hold);
                byte[] expected = BINDING.writeValueAsBytes(a.report());
                assertArrayEquals(expected, Files.readAllBytes(dir.resolve("linkage.json")), "hold " + hold);
            }
        }
    }

    @Test
    void randomReportsGiveTheDataBindingsBytes() {
        qt().withExamples(200).withShrinkCycles(0).forAll(longs().all()).checkAssert(seed -> {
            LinkageReport report = randomReport(new Random(seed));
            Path file = tmp.resolve("r" + seed + ".json");
            report.writeJson(file);
            try {
                assertArrayEquals(BINDING.writeValueAsBytes(report), Files.readAllBytes(file), "seed " + seed);
                Files.delete(file);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static LinkageReport randomReport(Random r) {
        LinkageReport.Summary s = new LinkageReport.Summary(r.nextLong(), r.nextLong(), r.nextInt(), -r.nextInt(1000),
                r.nextInt(), r.nextInt(5), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(),
                r.nextInt(), r.nextInt());
        return new LinkageReport(s, list(r, () -> plan(r)), list(r, () -> structureSet(r)), list(r, () -> conflict(r)),
                list(r, () -> new Orphan(text(r), text(r), text(r), r.nextInt(), text(r))), strings(r),
                list(r, () -> plan(r)));
    }

    private static PlanBundle plan(Random r) {
        DoseChoice.Decision[] decisions = DoseChoice.Decision.values();
        double[] scales = {1.0, 0.5, r.nextDouble(), 1e-12, 3.5e21, -0.0, Double.NaN, Double.POSITIVE_INFINITY};
        DoseChoice dose = r.nextInt(8) == 0 ? null : new DoseChoice(r.nextInt(5) == 0 ? null
                : decisions[r.nextInt(decisions.length)], strings(r), scales[r.nextInt(scales.length)], r.nextBoolean(),
                strings(r), text(r));
        PlanBundle.Status[] statuses = PlanBundle.Status.values();
        return new PlanBundle(text(r), text(r), r.nextBoolean(), text(r), text(r), text(r), strings(r), dose,
                list(r, () -> new Fallback(text(r), text(r), text(r))), list(r, () -> conflict(r)),
                r.nextInt(6) == 0 ? null : statuses[r.nextInt(statuses.length)], strings(r), text(r));
    }

    private static StructureSetLink structureSet(Random r) {
        return new StructureSetLink(text(r), text(r), text(r), text(r), r.nextInt(), r.nextInt(), r.nextInt(),
                r.nextInt(), list(r, () -> new Fallback(text(r), text(r), text(r))), list(r, () -> conflict(r)),
                strings(r));
    }

    private static Conflict conflict(Random r) {
        Conflict.Type[] types = Conflict.Type.values();
        return new Conflict(r.nextInt(6) == 0 ? null : types[r.nextInt(types.length)], text(r), strings(r));
    }

    private static <T> List<T> list(Random r, Supplier<T> element) {
        int n = r.nextInt(4) == 0 ? 0 : r.nextInt(4);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(element.get());
        }
        return out;
    }

    private static List<String> strings(Random r) {
        List<String> out = list(r, () -> text(r));
        out.replaceAll(t -> t == null ? "" : t); // the report's string lists hold no nulls
        return out;
    }

    /** Null, empty, or characters that JSON must escape or encode: quotes, backslashes, controls, non-ASCII. */
    private static String text(Random r) {
        if (r.nextInt(8) == 0) {
            return null;
        }
        String[] pieces = {"/data/P1/CT.1.dcm", "\"", "\\", "\n", "\t", "\u0001", "\u007f", "é", "Müller^Jo",
                "\u65e5\u672c", "\ud83d\ude00", "</script>", " ", "2.25.1234567890"};
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
            b.append(pieces[r.nextInt(pieces.length)]);
        }
        return b.toString();
    }
}
