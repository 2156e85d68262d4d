package org.rtsite.dicom.rt;

/** The tags the RT readers use, kept here so that the RT objects do not depend on the codec's list. */
final class RtTags {
    private RtTags() {
    }

    static final int SOPClassUID = 0x00080016;
    static final int SOPInstanceUID = 0x00080018;
    static final int Modality = 0x00080060;
    static final int ReferencedSOPClassUID = 0x00081150;
    static final int ReferencedSOPInstanceUID = 0x00081155;
    static final int PatientID = 0x00100020;
    static final int SliceThickness = 0x00180050;
    static final int GantryDetectorTilt = 0x00181120;
    static final int PatientPosition = 0x00185100;
    static final int StudyInstanceUID = 0x0020000D;
    static final int SeriesInstanceUID = 0x0020000E;
    static final int InstanceNumber = 0x00200013;
    static final int ImagePositionPatient = 0x00200032;
    static final int ImageOrientationPatient = 0x00200037;
    static final int FrameOfReferenceUID = 0x00200052;
    static final int NumberOfFrames = 0x00280008;
    static final int Rows = 0x00280010;
    static final int Columns = 0x00280011;
    static final int PixelSpacing = 0x00280030;
    static final int BitsAllocated = 0x00280100;
    static final int BitsStored = 0x00280101;
    static final int HighBit = 0x00280102;
    static final int PixelRepresentation = 0x00280103;
    static final int RescaleIntercept = 0x00281052;
    static final int RescaleSlope = 0x00281053;

    static final int DoseUnits = 0x30040002;
    static final int DoseType = 0x30040004;
    static final int DoseSummationType = 0x3004000A;
    static final int GridFrameOffsetVector = 0x3004000C;
    static final int DoseGridScaling = 0x3004000E;

    static final int StructureSetLabel = 0x30060002;
    static final int StructureSetName = 0x30060004;
    static final int ReferencedFrameOfReferenceSequence = 0x30060010;
    static final int RTReferencedStudySequence = 0x30060012;
    static final int RTReferencedSeriesSequence = 0x30060014;
    static final int ContourImageSequence = 0x30060016;
    static final int StructureSetROISequence = 0x30060020;
    static final int ROINumber = 0x30060022;
    static final int ReferencedFrameOfReferenceUID = 0x30060024;
    static final int ROIName = 0x30060026;
    static final int ROIDisplayColor = 0x3006002A;
    static final int ROIGenerationAlgorithm = 0x30060036;
    static final int ROIContourSequence = 0x30060039;
    static final int ContourSequence = 0x30060040;
    static final int ContourGeometricType = 0x30060042;
    static final int ContourData = 0x30060050;
    static final int RTROIObservationsSequence = 0x30060080;
    static final int ReferencedROINumber = 0x30060084;
    static final int RTROIInterpretedType = 0x300600A4;

    static final int RTPlanLabel = 0x300A0002;
    static final int RTPlanName = 0x300A0003;
    static final int RTPlanGeometry = 0x300A000C;
    static final int DoseReferenceSequence = 0x300A0010;
    static final int DoseReferenceNumber = 0x300A0012;
    static final int DoseReferenceStructureType = 0x300A0014;
    static final int DoseReferenceDescription = 0x300A0016;
    static final int DoseReferenceType = 0x300A0020;
    static final int DeliveryMaximumDose = 0x300A0023;
    static final int TargetPrescriptionDose = 0x300A0026;
    static final int FractionGroupSequence = 0x300A0070;
    static final int FractionGroupNumber = 0x300A0071;
    static final int NumberOfFractionsPlanned = 0x300A0078;
    static final int NumberOfBeams = 0x300A0080;
    static final int BeamDose = 0x300A0084;
    static final int BeamMeterset = 0x300A0086;
    static final int BeamSequence = 0x300A00B0;
    static final int TreatmentMachineName = 0x300A00B2;
    static final int BeamNumber = 0x300A00C0;
    static final int BeamName = 0x300A00C2;
    static final int BeamType = 0x300A00C4;
    static final int RadiationType = 0x300A00C6;
    static final int TreatmentDeliveryType = 0x300A00CE;
    static final int NumberOfControlPoints = 0x300A0110;
    static final int ControlPointSequence = 0x300A0111;
    static final int NominalBeamEnergy = 0x300A0114;
    static final int GantryAngle = 0x300A011E;
    static final int IsocenterPosition = 0x300A012C;
    static final int IonBeamSequence = 0x300A03A2;
    static final int IonControlPointSequence = 0x300A03A8;
    static final int ApprovalStatus = 0x300E0002;
    static final int ReferencedRTPlanSequence = 0x300C0002;
    static final int ReferencedBeamSequence = 0x300C0004;
    static final int ReferencedBeamNumber = 0x300C0006;
    static final int ReferencedFractionGroupSequence = 0x300C0020;
    static final int ReferencedFractionGroupNumber = 0x300C0022;
    static final int ReferencedStructureSetSequence = 0x300C0060;
    static final int ReferencedROINumberInDoseRef = 0x30060084;
}
