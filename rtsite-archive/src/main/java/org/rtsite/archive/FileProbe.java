package org.rtsite.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomReader;
import org.rtsite.dicom.PixelData;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.RtStructureSet;

/**
 * What the index leaves out, read from the files at link time and only for the few files a rule
 * needs it for: the decoded pixel values of files that share a SOP Instance UID and indexed
 * attributes (are they copies?), and the contour planes of a structure set whose image references
 * name no instance (which series has slices there?). Keeping this out of the scan keeps indexing
 * header-only (docs/PERFORMANCE.md).
 */
interface FileProbe {

    /**
     * A digest of the decoded pixel values (native little endian, whatever the transfer syntax), so
     * that a copy in another transfer syntax has the same digest and different pixels do not.
     *
     * @throws RtsiteException naming the file and why it cannot be read (changed since indexing, unreadable)
     */
    String pixelDigest(IndexedFile f);

    /** One point (x, y, z in mm) of every contour of the structure set. */
    List<double[]> contourPoints(IndexedFile rs);

    /** Reads the files named by the index. */
    FileProbe FILES = new FileProbe() {
        @Override
        public String pixelDigest(IndexedFile f) {
            Path p = Path.of(f.path());
            unchanged(f, p);
            try {
                DicomFile file = DicomReader.defaults().read(p);
                if (file.dataset().get(org.rtsite.dicom.Tag.PixelData) == null
                        && file.dataset().get(org.rtsite.dicom.Tag.FloatPixelData) == null
                        && file.dataset().get(org.rtsite.dicom.Tag.DoubleFloatPixelData) == null) {
                    return "no pixel data";
                }
                PixelData px = file.pixelData();
                MessageDigest md = MessageDigest.getInstance("SHA-1");
                md.update((px.rows() + "x" + px.columns() + "x" + px.numberOfFrames() + "x" + px.bitsAllocated())
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                for (int i = 0; i < px.numberOfFrames(); i++) {
                    md.update(px.frameBuffer(i));
                }
                return HexFormat.of().formatHex(md.digest(), 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new RtsiteException("SHA-1 is a required JDK algorithm", e);
            } catch (RuntimeException e) {
                throw new RtsiteException("pixel data of " + f.path() + " cannot be compared: " + e.getMessage(), e);
            }
        }

        @Override
        public List<double[]> contourPoints(IndexedFile rs) {
            Path p = Path.of(rs.path());
            unchanged(rs, p);
            try {
                List<double[]> out = new ArrayList<>();
                for (RtStructureSet.Roi roi : RtStructureSet.read(p).rois()) {
                    for (Contour c : roi.contours()) {
                        if (c.pointCount() > 0) {
                            out.add(new double[] {c.x(0), c.y(0), c.z(0)});
                        }
                    }
                }
                return out;
            } catch (RuntimeException e) {
                throw new RtsiteException("contours of " + rs.path() + " cannot be read: " + e.getMessage(), e);
            }
        }

        private void unchanged(IndexedFile f, Path p) {
            try {
                if (Files.size(p) != f.size() || Files.getLastModifiedTime(p).toMillis() != f.mtime()) {
                    throw new RtsiteException(f.path() + " changed since it was indexed; index the archive again");
                }
            } catch (IOException e) {
                throw new RtsiteIOException(f.path() + " cannot be read any more", e);
            }
        }
    };
}
