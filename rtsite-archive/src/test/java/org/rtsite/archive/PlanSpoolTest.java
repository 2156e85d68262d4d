package org.rtsite.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.RtsiteException;

/**
 * {@link DicomArchive#spoolPlans}: the bundles a bulk run walks without holding them are those of the held
 * report, in its order (plans by file, then doses without plan by file), on every walk, with the report's
 * counts; and they stay readable after the archive is closed, until the spool is.
 */
class PlanSpoolTest {

    @TempDir
    Path dir;

    @Test
    void spooledBundlesAreTheHeldReportsInItsOrderOnEveryWalk() {
        Path root = dir.resolve("a");
        SyntheticArchive.generate(root, 40, 3, 17);
        LinkageReport held;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("i.db")), root)) {
            held = a.report();
        }
        List<PlanBundle> expected = new ArrayList<>(held.plans());
        expected.addAll(held.planlessDoses());
        assertTrue(held.plans().size() >= 40 && !held.planlessDoses().isEmpty(),
                "the synthetic archive has re-plans and doses without plan: " + held.summary());

        PlanSpool withDoses;
        PlanSpool plansOnly;
        // a fresh archive: the spool links group by group, never holding the report
        try (DicomArchive a = DicomArchive.open(dir.resolve("i.db"))) {
            withDoses = a.spoolPlans(true);
            plansOnly = a.spoolPlans(false);
        }
        try (withDoses; plansOnly) {
            assertEquals(expected, walk(withDoses), "first walk");
            assertEquals(expected, walk(withDoses), "second walk");
            assertEquals(held.plans(), walk(plansOnly));
            assertEquals(held.summary(), withDoses.summary());
            assertEquals(held.summary(), plansOnly.summary());
            assertEquals(held.plans().size(), withDoses.plans());
            assertEquals(held.planlessDoses().size(), withDoses.planlessDoses());
            assertEquals(expected.size(), withDoses.size());
            assertEquals(0, plansOnly.planlessDoses());

            // an abandoned walk does not disturb the next one
            Iterator<PlanBundle> half = withDoses.iterator();
            half.next();
            half.next();
            assertEquals(expected, walk(withDoses));
        }
    }

    @Test
    void realPlanningSystemExportsSpoolAsTheyLink() {
        // the public-rt catalogue: TPS exports with their real linkage faults (MANIFEST.md), not files rtsite wrote
        Path[] roots = {DicomArchivePublicRtTest.resource("public-rt"),
                DicomArchivePublicRtTest.resource("archive-public-rt")};
        LinkageReport held;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("real.db")), roots)) {
            held = a.report();
        }
        List<PlanBundle> expected = new ArrayList<>(held.plans());
        expected.addAll(held.planlessDoses());
        assertFalse(held.plans().isEmpty(), "public-rt holds plans: " + held.summary());
        try (DicomArchive a = DicomArchive.open(dir.resolve("real.db"));
             PlanSpool spool = a.spoolPlans(true)) {
            assertEquals(expected, walk(spool));
            assertEquals(held.summary(), spool.summary());
        }
    }

    @Test
    void aSpoolOfAHeldReportIsTheSameAndAnEndedWalkSaysSo() {
        Path root = dir.resolve("a");
        SyntheticArchive.generate(root, 6, 2, 5);
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("i.db")), root);
             PlanSpool spool = a.spoolPlans(true)) {
            LinkageReport held = a.report();
            List<PlanBundle> expected = new ArrayList<>(held.plans());
            expected.addAll(held.planlessDoses());
            try (PlanSpool again = a.spoolPlans(true)) {
                assertEquals(expected, walk(again), "spooled from the held report");
            }
            assertEquals(expected, walk(spool), "spooled group by group");
            Iterator<PlanBundle> it = spool.iterator();
            expected.forEach(x -> it.next());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    @Test
    void aClosedSpoolCannotBeWalked() {
        Path root = dir.resolve("a");
        SyntheticArchive.generate(root, 2, 2, 3);
        PlanSpool spool;
        try (DicomArchive a = DicomArchive.index(ArchiveOptions.of(dir.resolve("i.db")), root)) {
            spool = a.spoolPlans(true);
        }
        spool.close();
        RtsiteException e = assertThrows(RtsiteException.class, spool::iterator);
        assertTrue(e.getMessage().contains("rtsite-plans"), e.getMessage());
    }

    private static List<PlanBundle> walk(Iterable<PlanBundle> spool) {
        List<PlanBundle> out = new ArrayList<>();
        spool.forEach(out::add);
        return out;
    }
}
