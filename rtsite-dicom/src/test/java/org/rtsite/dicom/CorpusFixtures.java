package org.rtsite.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the rtsite-made fixtures that scripts/make-corpus.sh converts with dcmtk into every
 * transfer syntax (the committed corpus under src/test/resources/corpus). Deterministic.
 */
public final class CorpusFixtures {
    private CorpusFixtures() {
    }

    static final String CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String RT_DOSE_STORAGE = "1.2.840.10008.5.1.4.1.1.481.2";
    static final String RT_STRUCT_STORAGE = "1.2.840.10008.5.1.4.1.1.481.3";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        DicomWriter.write(dir.resolve("ct16.dcm"), ct16());
        DicomWriter.write(dir.resolve("ct8.dcm"), ct8());
        DicomWriter.write(dir.resolve("ct16s.dcm"), ct16Signed());
        DicomWriter.write(dir.resolve("rgb8.dcm"), rgb8());
        DicomWriter.write(dir.resolve("dose32.dcm"), dose32());
        DicomWriter.write(dir.resolve("dose16.dcm"), dose16());
        DicomWriter.write(dir.resolve("rtstruct.dcm"), rtstruct());
        DicomWriter.write(dir.resolve("latin1.dcm"), latin1());
    }

    private static DicomDataset.Builder image(String sopClass, String uid, String modality, int rows, int cols) {
        return DicomDataset.builder()
                .putString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL")
                .putString(Tag.SOPClassUID, VR.UI, sopClass)
                .putString(Tag.SOPInstanceUID, VR.UI, uid)
                .putString(Tag.StudyDate, VR.DA, "20261123")
                .putString(Tag.Modality, VR.CS, modality)
                .putString(Tag.Manufacturer, VR.LO, "rtsite")
                .putString(Tag.PatientName, VR.PN, "Corpus^Fixture")
                .putString(Tag.PatientID, VR.LO, "RTSITE-CORPUS")
                .putString(Tag.StudyInstanceUID, VR.UI, "2.25.9001")
                .putString(Tag.SeriesInstanceUID, VR.UI, "2.25.9002")
                .putString(Tag.FrameOfReferenceUID, VR.UI, "2.25.9003")
                .putDoubles(Tag.ImagePositionPatient, VR.DS, -16, -16, 42.5)
                .putDoubles(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0)
                .putInts(Tag.SamplesPerPixel, VR.US, 1)
                .putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2")
                .putInts(Tag.Rows, VR.US, rows)
                .putInts(Tag.Columns, VR.US, cols)
                .putDoubles(Tag.PixelSpacing, VR.DS, 0.9765625, 0.9765625);
    }

    static DicomDataset ct16() {
        int n = 32;
        ByteBuffer px = ByteBuffer.allocate(n * n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                px.putShort((short) ((x * 37 + y * 61 + (x * y) % 97) % 4096));
            }
        }
        return image(CT_STORAGE, "2.25.9010", "CT", n, n)
                .putInts(Tag.BitsAllocated, VR.US, 16).putInts(Tag.BitsStored, VR.US, 12).putInts(Tag.HighBit, VR.US, 11)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putDoubles(Tag.SliceThickness, VR.DS, 2.5)
                .putDoubles(Tag.RescaleIntercept, VR.DS, -1024).putDoubles(Tag.RescaleSlope, VR.DS, 1)
                .putBytes(Tag.PixelData, VR.OW, px.array()).build();
    }

    /** Signed 16-bit CT as PACS send it (air at -1024 stored as is, rescale intercept 0). */
    static DicomDataset ct16Signed() {
        int n = 32;
        ByteBuffer px = ByteBuffer.allocate(n * n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int r2 = (x - 16) * (x - 16) + (y - 16) * (y - 16);
                px.putShort((short) (r2 > 196 ? -1024 : r2 < 16 ? 1200 + x * y : 40 - r2 + (x * 7) % 13));
            }
        }
        return image(CT_STORAGE, "2.25.9012", "CT", n, n)
                .putInts(Tag.BitsAllocated, VR.US, 16).putInts(Tag.BitsStored, VR.US, 16).putInts(Tag.HighBit, VR.US, 15)
                .putInts(Tag.PixelRepresentation, VR.US, 1)
                .putDoubles(Tag.RescaleIntercept, VR.DS, 0).putDoubles(Tag.RescaleSlope, VR.DS, 1)
                .putBytes(Tag.PixelData, VR.OW, px.array()).build();
    }

    /** A colour secondary capture-like image: three samples per pixel, interleaved. */
    static DicomDataset rgb8() {
        int rows = 8;
        int cols = 12;
        byte[] px = new byte[rows * cols * 3];
        for (int i = 0; i < rows * cols; i++) {
            px[3 * i] = (byte) (i * 5);
            px[3 * i + 1] = (byte) (255 - i);
            px[3 * i + 2] = (byte) ((i % 4) * 60);
        }
        return image("1.2.840.10008.5.1.4.1.1.7", "2.25.9013", "OT", rows, cols)
                .putInts(Tag.SamplesPerPixel, VR.US, 3).putString(Tag.PhotometricInterpretation, VR.CS, "RGB")
                .putInts(Tag.PlanarConfiguration, VR.US, 0)
                .putInts(Tag.BitsAllocated, VR.US, 8).putInts(Tag.BitsStored, VR.US, 8).putInts(Tag.HighBit, VR.US, 7)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putBytes(Tag.PixelData, VR.OB, px).build();
    }

    static DicomDataset ct8() {
        int n = 32;
        byte[] px = new byte[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                px[y * n + x] = (byte) (x * 4 + y * 3); // smooth, so baseline JPEG stays close
            }
        }
        return image(CT_STORAGE, "2.25.9011", "CT", n, n)
                .putInts(Tag.BitsAllocated, VR.US, 8).putInts(Tag.BitsStored, VR.US, 8).putInts(Tag.HighBit, VR.US, 7)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putBytes(Tag.PixelData, VR.OB, px).build();
    }

    static DicomDataset dose32() {
        int rows = 12;
        int cols = 16;
        int frames = 3;
        ByteBuffer px = ByteBuffer.allocate(rows * cols * frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    px.putInt(f * 100_000 + y * 1000 + x * 7 + 65_536 * (x % 3));
                }
            }
        }
        return image(RT_DOSE_STORAGE, "2.25.9020", "RTDOSE", rows, cols)
                .putInts(Tag.NumberOfFrames, VR.IS, frames)
                .putBytes(Tag.FrameIncrementPointer, VR.AT, new byte[] {0x04, 0x30, 0x0C, 0x00})
                .putInts(Tag.BitsAllocated, VR.US, 32).putInts(Tag.BitsStored, VR.US, 32).putInts(Tag.HighBit, VR.US, 31)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putString(Tag.DoseUnits, VR.CS, "GY").putString(Tag.DoseType, VR.CS, "PHYSICAL")
                .putString(Tag.DoseSummationType, VR.CS, "PLAN")
                .putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 2.5, 5)
                .putDoubles(Tag.DoseGridScaling, VR.DS, 1.5e-5)
                .putSequence(Tag.ReferencedRTPlanSequence, List.of(DicomDataset.builder()
                        .putString(Tag.ReferencedSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.481.5")
                        .putString(Tag.ReferencedSOPInstanceUID, VR.UI, "2.25.9030").build()))
                .putBytes(Tag.PixelData, VR.OW, px.array()).build();
    }

    /**
     * A 16-bit multi-frame dose for the JPEG codecs (dcmcjpeg takes at most 16 bits): frames large enough
     * that {@code dcmcjpeg +fs 1} splits each into several 1 KiB fragments.
     */
    static DicomDataset dose16() {
        int rows = 40;
        int cols = 48;
        int frames = 4;
        ByteBuffer px = ByteBuffer.allocate(rows * cols * frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        long seed = 16;
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    int noise = (int) ((seed >>> 33) % 2000);
                    px.putShort((short) (20_000 + f * 5_000 + (x - cols / 2) * (y - rows / 2) * 9 + noise));
                }
            }
        }
        return image(RT_DOSE_STORAGE, "2.25.9021", "RTDOSE", rows, cols)
                .putInts(Tag.NumberOfFrames, VR.IS, frames)
                .putBytes(Tag.FrameIncrementPointer, VR.AT, new byte[] {0x04, 0x30, 0x0C, 0x00})
                .putInts(Tag.BitsAllocated, VR.US, 16).putInts(Tag.BitsStored, VR.US, 16).putInts(Tag.HighBit, VR.US, 15)
                .putInts(Tag.PixelRepresentation, VR.US, 0)
                .putString(Tag.DoseUnits, VR.CS, "GY").putString(Tag.DoseType, VR.CS, "PHYSICAL")
                .putString(Tag.DoseSummationType, VR.CS, "PLAN")
                .putDoubles(Tag.GridFrameOffsetVector, VR.DS, 0, 2.5, 5, 7.5)
                .putDoubles(Tag.DoseGridScaling, VR.DS, 1e-3)
                .putSequence(Tag.ReferencedRTPlanSequence, List.of(DicomDataset.builder()
                        .putString(Tag.ReferencedSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.481.5")
                        .putString(Tag.ReferencedSOPInstanceUID, VR.UI, "2.25.9030").build()))
                .putBytes(Tag.PixelData, VR.OW, px.array()).build();
    }

    static DicomDataset rtstruct() {
        return DicomWriterTest.richDataset().toBuilder().remove(Tag.PixelData).remove(Tag.Rows).remove(Tag.Columns)
                .remove(Tag.BitsAllocated).remove(0x00291010)
                .putString(Tag.SOPInstanceUID, VR.UI, "2.25.9040").build();
    }

    static DicomDataset latin1() {
        return DicomDataset.builder()
                .putString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100")
                .putString(Tag.SOPClassUID, VR.UI, RT_STRUCT_STORAGE)
                .putString(Tag.SOPInstanceUID, VR.UI, "2.25.9050")
                .putString(Tag.Modality, VR.CS, "RTSTRUCT")
                .putString(Tag.PatientName, VR.PN, "Gérard^Zoë")
                .putString(Tag.StudyDescription, VR.LO, "Tête et cou, première série")
                .putString(Tag.StructureSetLabel, VR.SH, "Façade")
                .putSequence(Tag.StructureSetROISequence, List.of(DicomDataset.builder()
                        .putInts(Tag.ROINumber, VR.IS, 1).putString(Tag.ROIName, VR.LO, "Rétine").build()))
                .build();
    }
}
