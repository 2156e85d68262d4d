package org.rtsite.dicom;

import java.nio.file.Path;

/**
 * A DICOM file as read: its file meta group (empty when the file has none, as many planning
 * systems write them), the transfer syntax its data set was encoded in, and the data set.
 *
 * @param source            the path (or stream name) it was read from, for messages
 * @param hasPreamble       whether the 128-byte preamble and "DICM" prefix were present
 * @param meta              group 0002 elements; empty if the file has no meta group
 * @param transferSyntaxUid from the meta group, or as detected for files without one
 * @param dataset           the data set (values little endian whatever the syntax)
 */
public record DicomFile(String source, boolean hasPreamble, DicomDataset meta, String transferSyntaxUid,
                        DicomDataset dataset) {

    /** Reads a whole file (private elements skipped) with {@link DicomReader#defaults()}. */
    public static DicomFile read(Path path) {
        return DicomReader.defaults().read(path);
    }

    /** Reads a file up to, not including, Pixel Data. */
    public static DicomFile readHeader(Path path) {
        return DicomReader.defaults().withStopBeforePixelData(true).read(path);
    }

    public boolean hasMeta() {
        return !meta.isEmpty();
    }

    /** Pixel data access and decoding; throws if the data set has no Pixel Data. */
    public PixelData pixelData() {
        return new PixelData(this);
    }
}
