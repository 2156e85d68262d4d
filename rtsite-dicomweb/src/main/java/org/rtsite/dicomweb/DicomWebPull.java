package org.rtsite.dicomweb;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;

/**
 * Pulls RT plans and doses with everything they link to from a DICOMweb server into an
 * {@link InstanceFolder}. QIDO-RS finds the plans and doses (by modality, patient, study date); each is
 * retrieved with WADO-RS and its header read from disk to follow the references the archive linker follows:
 * plan → structure set (300C,0060) and the doses of its study; dose → plan (300C,0002) and structure set;
 * structure set → its image series (3006,0010)&gt;(3006,0012)&gt;(3006,0014). Without a reference the same
 * fallbacks as the linker's apply within the study (its structure sets; its CT series).
 *
 * <p>Instances already in the folder are not fetched again; a series with nothing in the folder yet comes in
 * one multipart retrieval, one partly or wholly present is listed (QIDO-RS) and its missing instances come
 * one by one. A failed retrieval is recorded
 * with the server's answer and the pull goes on; only a failing search for the plans themselves ends it.
 */
public final class DicomWebPull {

    private static final DicomReader REFS = DicomReader.defaults().withStopBeforePixelData(true).withOnlyTags(
            Tag.Modality, Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.ReferencedFrameOfReferenceSequence,
            Tag.ReferencedRTPlanSequence, Tag.ReferencedStructureSetSequence);
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

    /**
     * What to pull.
     *
     * @param patients PatientIDs to search (empty: every patient)
     * @param since earliest StudyDate (null: any)
     * @param modalities modalities whose instances start the pull (RTPLAN, RTDOSE)
     * @param workers requests in flight at once
     */
    public record Options(List<String> patients, LocalDate since, List<String> modalities, int workers) {
        public Options {
            if (workers < 1 || workers > 64) {
                throw new InvalidInputException("a pull needs 1 to 64 workers, got " + workers);
            }
            patients = List.copyOf(patients);
            modalities = List.copyOf(modalities);
            if (modalities.isEmpty()) {
                throw new InvalidInputException("a pull needs at least one modality to search");
            }
            for (String m : modalities) {
                if (!m.matches("[A-Z0-9]{1,16}")) {
                    throw new InvalidInputException("not a DICOM modality: '" + m + "'");
                }
            }
        }

        /** Every patient, any date, RTPLAN and RTDOSE. */
        public static Options defaults() {
            return new Options(List.of(), null, List.of("RTPLAN", "RTDOSE"), 2);
        }

        public Options withPatients(List<String> ids) {
            return new Options(ids, since, modalities, workers);
        }

        public Options withSince(LocalDate date) {
            return new Options(patients, date, modalities, workers);
        }

        public Options withModalities(List<String> list) {
            return new Options(patients, since, list, workers);
        }

        /** Requests in flight at once (default 2): retrievals and searches run on this many threads. */
        public Options withWorkers(int n) {
            return new Options(patients, since, modalities, n);
        }
    }

    /**
     * A retrieval that failed; the pull went on without it.
     *
     * @param what what was wanted and why (e.g. "RTSTRUCT 1.2.3 referenced by RTPLAN 1.2.4")
     * @param url the request, without credentials
     * @param status the server's HTTP status, -1 when it gave no complete answer
     * @param answer the start of the server's body, or what broke
     */
    public record Failure(String what, String url, int status, String answer) {
    }

    /** Counts so far, for a progress display. */
    public record Progress(int fetched, int present, int failed, long bytes, double seconds) {
        /** Instances fetched per second of the pull. */
        public double rate() {
            return seconds > 0 ? fetched / seconds : 0;
        }
    }

    /** Told of progress and of each failure as they happen (from the pulling thread). */
    public interface Listener {
        default void progress(Progress p) {
        }

        default void failed(Failure f) {
        }
    }

    /**
     * A finished pull.
     *
     * @param roots plans and doses the searches found
     * @param fetched instances retrieved by this pull
     * @param present instances needed and already in the folder
     * @param bytes bytes retrieved
     * @param seconds wall time
     * @param failures failed retrievals
     * @param notOnServer references no search on the server resolves (what refers to what)
     */
    public record Summary(int roots, int fetched, int present, long bytes, double seconds, List<Failure> failures,
                          List<String> notOnServer) {
        public Summary {
            failures = List.copyOf(failures);
            notOnServer = List.copyOf(notOnServer);
        }

        public double rate() {
            return seconds > 0 ? fetched / seconds : 0;
        }
    }

    private final DicomWebClient web;
    private final InstanceFolder folder;
    private final Listener listener;
    private final long t0 = System.nanoTime();
    private final Set<String> seenInstances = ConcurrentHashMap.newKeySet();
    private final Set<String> seenSeries = ConcurrentHashMap.newKeySet();
    private final Set<String> seenStudyQueries = ConcurrentHashMap.newKeySet();
    private final List<Failure> failures = new ArrayList<>();
    private final List<String> notOnServer = new ArrayList<>();
    /** Tasks queued or running; the pull is done when it drops to 0. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private ExecutorService pool;
    private int fetched;
    private int present;
    private long bytes;

    private DicomWebPull(DicomWebClient web, InstanceFolder folder, Listener listener) {
        this.web = web;
        this.folder = folder;
        this.listener = listener;
    }

    /**
     * Pulls into {@code into}.
     *
     * @throws DicomWebException when the search for plans and doses fails (server unreachable, refused)
     * @throws org.rtsite.core.RtsiteIOException when the folder cannot be written
     * @throws RtsiteException when the thread is interrupted (what was written stays, whole)
     */
    public static Summary run(DicomWebClient web, Path into, Options options, Listener listener) {
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(options, "options");
        DicomWebPull pull = new DicomWebPull(web, InstanceFolder.open(into),
                listener == null ? new Listener() { } : listener);
        return pull.run(options);
    }

    private Summary run(Options options) {
        Map<String, QidoResult> roots = new LinkedHashMap<>();
        List<String> patients = options.patients().isEmpty() ? java.util.Collections.singletonList(null)
                : options.patients();
        for (String modality : options.modalities()) {
            for (String patient : patients) {
                Map<String, String> q = new LinkedHashMap<>();
                q.put("Modality", modality);
                if (patient != null) {
                    q.put("PatientID", patient);
                }
                if (options.since() != null) {
                    q.put("StudyDate", DA.format(options.since()) + "-");
                }
                for (QidoResult r : web.searchInstances(null, null, q)) {
                    String sop = r.getString(Tag.SOPInstanceUID);
                    if (sop != null) {
                        roots.putIfAbsent(sop, r);
                    }
                }
            }
        }
        pool = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "rtsite-pull");
            t.setDaemon(true);
            return t;
        });
        try {
            for (QidoResult r : roots.values()) {
                String modality = r.getString(Tag.Modality);
                instance(r.getString(Tag.StudyInstanceUID), r.getString(Tag.SeriesInstanceUID),
                        r.getString(Tag.SOPInstanceUID), (modality == null ? "instance" : modality) + " found by search");
            }
            synchronized (pending) {
                while (pending.get() > 0 && fatal.get() == null) {
                    pending.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtsiteException("pull from " + web.baseUrl() + " interrupted; run it again to resume", e);
        } finally {
            pool.shutdownNow();
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        synchronized (this) {
            return new Summary(roots.size(), fetched, present, bytes, seconds(), failures, notOnServer);
        }
    }

    /** Runs a task on the pool; the first exception that is not a retrieval's failure ends the pull. */
    private void submit(Runnable task) {
        pending.incrementAndGet();
        pool.execute(() -> {
            try {
                if (fatal.get() == null) {
                    task.run();
                }
            } catch (InvalidInputException e) {
                // a reference no URL can carry (a broken third-party UID): that object only, not the pull
                notOnServer(e.getMessage());
            } catch (RuntimeException e) {
                fatal.compareAndSet(null, e);
            } finally {
                synchronized (pending) {
                    if (pending.decrementAndGet() == 0 || fatal.get() != null) {
                        pending.notifyAll();
                    }
                }
            }
        });
    }

    private synchronized void notOnServer(String what) {
        notOnServer.add(what);
    }

    private synchronized void countPresent(int n) {
        present += n;
        progress();
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private synchronized void progress() {
        listener.progress(new Progress(fetched, present, failures.size(), bytes, seconds()));
    }

    private synchronized void fail(String what, DicomWebException e) {
        Failure f = new Failure(what, e.url(), e.status(), e.body().isEmpty() ? e.getMessage() : e.body());
        failures.add(f);
        listener.failed(f);
        progress();
    }

    /** Queues one instance: fetched unless present, then its references followed. */
    private void instance(String study, String series, String sop, String why) {
        if (sop == null || !seenInstances.add(sop)) {
            return;
        }
        submit(() -> {
            if (folder.has(sop)) {
                countPresent(1);
            } else {
                if (study == null || series == null) {
                    notOnServer(why + ": " + sop + " has no study or series UID in the search answer");
                    return;
                }
                try {
                    web.retrieve(study, series, sop, part -> store(part, study, series));
                } catch (DicomWebException e) {
                    fail(why + " " + sop, e);
                    return;
                }
            }
            Path p = folder.path(sop);
            if (p != null) {
                follow(p, sop);
            }
        });
    }

    private void store(java.io.InputStream part, String study, String series) throws IOException {
        InstanceFolder.Stored s = folder.write(part, study, series);
        seenInstances.add(s.sopInstanceUid());
        synchronized (this) {
            fetched++;
            bytes += s.bytes();
            progress();
        }
    }

    /** Queues a whole series: one multipart retrieval when nothing of it is present, else the missing instances. */
    private void series(String study, String series, String why) {
        if (series == null || !seenSeries.add(series)) {
            return;
        }
        submit(() -> {
            String st = study;
            if (st == null) {
                List<QidoResult> found = search(() -> web.searchSeries(null, Map.of("SeriesInstanceUID", series)),
                        why + " series " + series);
                if (found == null) {
                    return;
                }
                if (found.isEmpty()) {
                    notOnServer(why + ": series " + series);
                    return;
                }
                st = found.get(0).getString(Tag.StudyInstanceUID);
            }
            final String studyUid = st;
            if (!folder.hasSeries(studyUid, series)) {
                // nothing of it here yet: one multipart retrieval, no listing (a QIDO listing costs the server
                // about as much as sending the series)
                try {
                    if (web.retrieve(studyUid, series, null, part -> store(part, studyUid, series)) == 0) {
                        notOnServer(why + ": series " + series + " (no instances)");
                    }
                    return;
                } catch (DicomWebException e) {
                    if (!folder.hasSeries(studyUid, series)) {
                        fail(why + " series " + series, e);
                        return;
                    }
                    // broke off midway: what arrived stays, the rest comes instance by instance
                }
            }
            List<QidoResult> instances = search(() -> web.searchInstances(studyUid, series, Map.of()),
                    why + " series " + series);
            if (instances == null) {
                return;
            }
            if (instances.isEmpty()) {
                notOnServer(why + ": series " + series);
                return;
            }
            List<String> missing = new ArrayList<>();
            int there = 0;
            for (QidoResult r : instances) {
                String sop = r.getString(Tag.SOPInstanceUID);
                if (sop == null) {
                    continue;
                }
                seenInstances.add(sop);
                if (folder.has(sop)) {
                    there++;
                } else {
                    missing.add(sop);
                }
            }
            countPresent(there);
            for (String sop : missing) {
                if (folder.has(sop)) {
                    continue;
                }
                submit(() -> {
                    try {
                        web.retrieve(studyUid, series, sop, part -> store(part, studyUid, series));
                    } catch (DicomWebException e) {
                        fail(why + " instance " + sop + " of series " + series, e);
                    }
                });
            }
        });
    }

    /** A search that may fail without ending the pull; null when it failed. */
    private List<QidoResult> search(java.util.function.Supplier<List<QidoResult>> q, String what) {
        try {
            return q.get();
        } catch (DicomWebException e) {
            fail("search for " + what, e);
            return null;
        }
    }

    /** Queues an instance known only by its SOP Instance UID: a search finds its study and series. */
    private void reference(String sop, String why) {
        if (sop == null || seenInstances.contains(sop)) {
            return;
        }
        if (folder.has(sop)) {
            instance("", "", sop, why);
            return;
        }
        List<QidoResult> found = search(() -> web.searchInstances(null, null, Map.of("SOPInstanceUID", sop)),
                why + " " + sop);
        if (found == null) {
            return;
        }
        if (found.isEmpty()) {
            seenInstances.add(sop);
            notOnServer(why + ": " + sop);
            return;
        }
        instance(found.get(0).getString(Tag.StudyInstanceUID), found.get(0).getString(Tag.SeriesInstanceUID), sop, why);
    }

    /** Queues the instances of {@code modality} in a study (the linker's fallback within a study). */
    private void inStudy(String study, String modality, String why) {
        if (study == null || !seenStudyQueries.add(study + "/" + modality)) {
            return;
        }
        List<QidoResult> found = search(() -> web.searchInstances(study, null, Map.of("Modality", modality)),
                modality + " of study " + study);
        if (found != null) {
            for (QidoResult r : found) {
                instance(study, r.getString(Tag.SeriesInstanceUID), r.getString(Tag.SOPInstanceUID), why);
            }
        }
    }

    private void follow(Path file, String sop) {
        DicomDataset d;
        try {
            d = REFS.read(file).dataset();
        } catch (RtsiteException e) {
            // the archive index reports the unreadable file; nothing to follow here
            return;
        }
        String modality = d.getString(Tag.Modality, "");
        String study = d.getString(Tag.StudyInstanceUID);
        switch (modality) {
            case "RTPLAN" -> {
                List<DicomDataset> ss = seq(d, Tag.ReferencedStructureSetSequence);
                for (DicomDataset item : ss) {
                    reference(item.getString(Tag.ReferencedSOPInstanceUID), "RTSTRUCT referenced by RTPLAN " + sop);
                }
                if (ss.isEmpty()) {
                    inStudy(study, "RTSTRUCT", "RTSTRUCT of the study of RTPLAN " + sop);
                }
                inStudy(study, "RTDOSE", "RTDOSE of the study of RTPLAN " + sop);
            }
            case "RTDOSE" -> {
                for (DicomDataset item : seq(d, Tag.ReferencedRTPlanSequence)) {
                    reference(item.getString(Tag.ReferencedSOPInstanceUID), "RTPLAN referenced by RTDOSE " + sop);
                }
                for (DicomDataset item : seq(d, Tag.ReferencedStructureSetSequence)) {
                    reference(item.getString(Tag.ReferencedSOPInstanceUID), "RTSTRUCT referenced by RTDOSE " + sop);
                }
                if (seq(d, Tag.ReferencedRTPlanSequence).isEmpty() && seq(d, Tag.ReferencedStructureSetSequence).isEmpty()) {
                    inStudy(study, "RTSTRUCT", "RTSTRUCT of the study of RTDOSE " + sop);
                }
            }
            case "RTSTRUCT" -> {
                boolean any = false;
                for (DicomDataset fr : seq(d, Tag.ReferencedFrameOfReferenceSequence)) {
                    for (DicomDataset st : seq(fr, Tag.RTReferencedStudySequence)) {
                        String refStudy = st.getString(Tag.ReferencedSOPInstanceUID);
                        for (DicomDataset se : seq(st, Tag.RTReferencedSeriesSequence)) {
                            String uid = se.getString(Tag.SeriesInstanceUID);
                            if (uid != null) {
                                any = true;
                                series(refStudy, uid, "image series referenced by RTSTRUCT " + sop);
                            }
                        }
                    }
                }
                if (!any && study != null) {
                    List<QidoResult> cts = search(() -> web.searchSeries(study, Map.of("Modality", "CT")),
                            "CT series of study " + study);
                    if (cts != null) {
                        for (QidoResult r : cts) {
                            series(study, r.getString(Tag.SeriesInstanceUID), "CT series of the study of RTSTRUCT " + sop);
                        }
                    }
                }
            }
            default -> {
                // images and other objects refer to nothing the linker needs
            }
        }
    }

    private static List<DicomDataset> seq(DicomDataset d, int tag) {
        List<DicomDataset> s = d.getSequence(tag);
        return s == null ? List.of() : s;
    }
}
