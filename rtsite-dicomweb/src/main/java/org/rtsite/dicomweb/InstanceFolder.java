package org.rtsite.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.Tag;

/**
 * A folder of retrieved instances laid out as {@code <StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm}.
 * Each instance is streamed into {@code .partial/} and renamed into place atomically once complete, so a
 * file under its UID's name is always whole: the names are the manifest, an interrupted pull leaves at
 * most a temporary file (removed on the next open), and the next pull skips what is there.
 */
public final class InstanceFolder {

    static final String PARTIAL = ".partial";
    private static final DicomReader HEADER = DicomReader.defaults().withStopBeforePixelData(true)
            .withOnlyTags(Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID);

    /** One instance written: its UIDs, where it lies and its size. */
    public record Stored(String sopInstanceUid, String studyUid, String seriesUid, Path path, long bytes) {
    }

    private final Path root;
    private final Path partial;
    private final Map<String, Path> bySop = new HashMap<>();

    private InstanceFolder(Path root) {
        this.root = root;
        this.partial = root.resolve(PARTIAL);
    }

    /**
     * Opens (creating) {@code root}, removes temporary files an interrupted pull left, and lists the instances
     * already there by the SOP Instance UID their names carry.
     *
     * @throws RtsiteIOException when the folder cannot be created or listed
     */
    public static InstanceFolder open(Path root) {
        Objects.requireNonNull(root, "root");
        InstanceFolder f = new InstanceFolder(root);
        try {
            Files.createDirectories(f.partial);
            try (DirectoryStream<Path> left = Files.newDirectoryStream(f.partial)) {
                for (Path p : left) {
                    Files.deleteIfExists(p);
                }
            }
            try (Stream<Path> walk = Files.walk(root, 3)) {
                walk.filter(p -> !p.startsWith(f.partial) && p.getFileName().toString().endsWith(".dcm")
                                && Files.isRegularFile(p))
                        .forEach(p -> {
                            String name = p.getFileName().toString();
                            f.bySop.put(name.substring(0, name.length() - 4), p);
                        });
            }
        } catch (IOException e) {
            throw new RtsiteIOException("pull folder " + root, e);
        }
        return f;
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    /** Whether the instance is already in the folder. */
    public synchronized boolean has(String sopInstanceUid) {
        return bySop.containsKey(name(sopInstanceUid));
    }

    /** Where the instance lies, or null when it is not in the folder. */
    public synchronized Path path(String sopInstanceUid) {
        return bySop.get(name(sopInstanceUid));
    }

    /** Whether anything of the series is in the folder (its folder exists: the first instance created it). */
    public boolean hasSeries(String studyUid, String seriesUid) {
        return Files.isDirectory(root.resolve(name(studyUid)).resolve(name(seriesUid)));
    }

    /** How many instances the folder holds. */
    public synchronized int size() {
        return bySop.size();
    }

    /**
     * Streams one instance into the folder: to a temporary file first, then renamed to its UIDs' path (read
     * from its header; {@code study}/{@code series} when the header lacks them).
     *
     * @throws IOException when the stream breaks off (the temporary file is removed)
     * @throws RtsiteIOException when the folder cannot be written
     */
    public Stored write(InputStream part, String study, String series) throws IOException {
        Path tmp;
        try {
            tmp = Files.createTempFile(partial, "part", ".tmp");
        } catch (IOException e) {
            throw new RtsiteIOException("pull folder " + partial, e);
        }
        boolean moved = false;
        try {
            long bytes;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                bytes = part.transferTo(out);
            }
            DicomFile file = HEADER.read(tmp);
            DicomDataset d = file.dataset();
            String sop = d.getString(Tag.SOPInstanceUID);
            if (sop == null) {
                sop = file.meta().getString(Tag.MediaStorageSOPInstanceUID);
            }
            if (sop == null) {
                throw new IOException("the server sent an object without SOP Instance UID");
            }
            String st = d.getString(Tag.StudyInstanceUID, study);
            String se = d.getString(Tag.SeriesInstanceUID, series);
            Path dir = root.resolve(name(st == null ? "unknown-study" : st))
                    .resolve(name(se == null ? "unknown-series" : se));
            Path target = dir.resolve(name(sop) + ".dcm");
            try {
                Files.createDirectories(dir);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new RtsiteIOException("pull folder " + dir, e);
            }
            moved = true;
            synchronized (this) {
                bySop.put(name(sop), target);
            }
            return new Stored(sop, st, se, target, bytes);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // removed on the next open
                }
            }
        }
    }

    /**
     * A file or folder name for a UID: the UID itself when it is a plain UID, otherwise (a broken UID from a
     * third-party archive) {@code x} plus its SHA-256 so that nothing in it can climb out of the folder.
     */
    static String name(String uid) {
        if (uid.matches("[0-9][0-9.]{0,63}")) {
            return uid;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
            return "x" + HexFormat.of().formatHex(h, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new RtsiteException("this JDK has no SHA-256", e);
        }
    }
}
