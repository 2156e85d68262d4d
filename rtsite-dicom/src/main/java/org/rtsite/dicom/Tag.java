package org.rtsite.dicom;

/**
 * Tags (group in the high 16 bits, element in the low 16) of the attributes rtsite reads and
 * writes, named by their PS3.6 keywords. Any other tag can be written as a literal
 * ({@code 0x300A00B0}); {@link DataDictionary} knows the keywords and VRs of all of them.
 */
public final class Tag {
    private Tag() {
    }

    public static final int FileMetaInformationGroupLength = 0x00020000;
    public static final int FileMetaInformationVersion = 0x00020001;
    public static final int MediaStorageSOPClassUID = 0x00020002;
    public static final int MediaStorageSOPInstanceUID = 0x00020003;
    public static final int TransferSyntaxUID = 0x00020010;
    public static final int ImplementationClassUID = 0x00020012;
    public static final int ImplementationVersionName = 0x00020013;
    public static final int SourceApplicationEntityTitle = 0x00020016;
    public static final int SpecificCharacterSet = 0x00080005;
    public static final int ImageType = 0x00080008;
    public static final int InstanceCreationDate = 0x00080012;
    public static final int InstanceCreationTime = 0x00080013;
    public static final int SOPClassUID = 0x00080016;
    public static final int SOPInstanceUID = 0x00080018;
    public static final int StudyDate = 0x00080020;
    public static final int SeriesDate = 0x00080021;
    public static final int ContentDate = 0x00080023;
    public static final int StudyTime = 0x00080030;
    public static final int SeriesTime = 0x00080031;
    public static final int ContentTime = 0x00080033;
    public static final int AccessionNumber = 0x00080050;
    public static final int Modality = 0x00080060;
    public static final int ConversionType = 0x00080064;
    public static final int Manufacturer = 0x00080070;
    public static final int InstitutionName = 0x00080080;
    public static final int ReferringPhysicianName = 0x00080090;
    public static final int CodeValue = 0x00080100;
    public static final int CodingSchemeDesignator = 0x00080102;
    public static final int CodeMeaning = 0x00080104;
    public static final int StationName = 0x00081010;
    public static final int OperatorsName = 0x00081070;
    public static final int StudyDescription = 0x00081030;
    public static final int SeriesDescription = 0x0008103E;
    public static final int ManufacturerModelName = 0x00081090;
    public static final int ReferencedStudySequence = 0x00081110;
    public static final int ReferencedSeriesSequence = 0x00081115;
    public static final int ReferencedImageSequence = 0x00081140;
    public static final int ReferencedInstanceSequence = 0x0008114A;
    public static final int ReferencedSOPClassUID = 0x00081150;
    public static final int ReferencedSOPInstanceUID = 0x00081155;
    public static final int ReferencedFrameNumber = 0x00081160;
    public static final int DerivationDescription = 0x00082111;
    public static final int PatientName = 0x00100010;
    public static final int PatientID = 0x00100020;
    public static final int PatientBirthDate = 0x00100030;
    public static final int PatientSex = 0x00100040;
    public static final int SliceThickness = 0x00180050;
    public static final int KVP = 0x00180060;
    public static final int DateOfSecondaryCapture = 0x00181012;
    public static final int TimeOfSecondaryCapture = 0x00181014;
    public static final int SecondaryCaptureDeviceManufacturer = 0x00181016;
    public static final int SoftwareVersions = 0x00181020;
    public static final int GantryDetectorTilt = 0x00181120;
    public static final int PatientPosition = 0x00185100;
    public static final int StudyInstanceUID = 0x0020000D;
    public static final int SeriesInstanceUID = 0x0020000E;
    public static final int StudyID = 0x00200010;
    public static final int SeriesNumber = 0x00200011;
    public static final int AcquisitionNumber = 0x00200012;
    public static final int InstanceNumber = 0x00200013;
    public static final int PatientOrientation = 0x00200020;
    public static final int ImagePositionPatient = 0x00200032;
    public static final int ImageOrientationPatient = 0x00200037;
    public static final int FrameOfReferenceUID = 0x00200052;
    public static final int Laterality = 0x00200060;
    public static final int PositionReferenceIndicator = 0x00201040;
    public static final int SliceLocation = 0x00201041;
    public static final int SamplesPerPixel = 0x00280002;
    public static final int PhotometricInterpretation = 0x00280004;
    public static final int PlanarConfiguration = 0x00280006;
    public static final int NumberOfFrames = 0x00280008;
    public static final int FrameIncrementPointer = 0x00280009;
    public static final int Rows = 0x00280010;
    public static final int Columns = 0x00280011;
    public static final int PixelSpacing = 0x00280030;
    public static final int BitsAllocated = 0x00280100;
    public static final int BitsStored = 0x00280101;
    public static final int HighBit = 0x00280102;
    public static final int PixelRepresentation = 0x00280103;
    public static final int BurnedInAnnotation = 0x00280301;
    public static final int WindowCenter = 0x00281050;
    public static final int WindowWidth = 0x00281051;
    public static final int RescaleIntercept = 0x00281052;
    public static final int RescaleSlope = 0x00281053;
    public static final int RescaleType = 0x00281054;
    public static final int LossyImageCompression = 0x00282110;
    public static final int PurposeOfReferenceCodeSequence = 0x0040A170;
    public static final int DoseUnits = 0x30040002;
    public static final int DoseType = 0x30040004;
    public static final int DoseComment = 0x30040006;
    public static final int DoseSummationType = 0x3004000A;
    public static final int GridFrameOffsetVector = 0x3004000C;
    public static final int DoseGridScaling = 0x3004000E;
    public static final int TissueHeterogeneityCorrection = 0x30040014;
    public static final int DVHSequence = 0x30040050;
    public static final int StructureSetLabel = 0x30060002;
    public static final int StructureSetName = 0x30060004;
    public static final int StructureSetDescription = 0x30060006;
    public static final int StructureSetDate = 0x30060008;
    public static final int StructureSetTime = 0x30060009;
    public static final int ReferencedFrameOfReferenceSequence = 0x30060010;
    public static final int RTReferencedStudySequence = 0x30060012;
    public static final int RTReferencedSeriesSequence = 0x30060014;
    public static final int ContourImageSequence = 0x30060016;
    public static final int StructureSetROISequence = 0x30060020;
    public static final int ROINumber = 0x30060022;
    public static final int ReferencedFrameOfReferenceUID = 0x30060024;
    public static final int ROIName = 0x30060026;
    public static final int ROIDescription = 0x30060028;
    public static final int ROIDisplayColor = 0x3006002A;
    public static final int ROIGenerationAlgorithm = 0x30060036;
    public static final int ROIContourSequence = 0x30060039;
    public static final int ContourSequence = 0x30060040;
    public static final int ContourGeometricType = 0x30060042;
    public static final int ContourSlabThickness = 0x30060044;
    public static final int ContourOffsetVector = 0x30060045;
    public static final int NumberOfContourPoints = 0x30060046;
    public static final int ContourNumber = 0x30060048;
    public static final int ContourData = 0x30060050;
    public static final int RTROIObservationsSequence = 0x30060080;
    public static final int ObservationNumber = 0x30060082;
    public static final int ReferencedROINumber = 0x30060084;
    public static final int ROIObservationLabel = 0x30060085;
    public static final int RTROIInterpretedType = 0x300600A4;
    public static final int ROIInterpreter = 0x300600A6;
    public static final int RTPlanLabel = 0x300A0002;
    public static final int RTPlanName = 0x300A0003;
    public static final int RTPlanDescription = 0x300A0004;
    public static final int RTPlanDate = 0x300A0006;
    public static final int RTPlanTime = 0x300A0007;
    public static final int RTPlanGeometry = 0x300A000C;
    public static final int PrescriptionDescription = 0x300A000E;
    public static final int DoseReferenceSequence = 0x300A0010;
    public static final int DoseReferenceNumber = 0x300A0012;
    public static final int DoseReferenceUID = 0x300A0013;
    public static final int DoseReferenceStructureType = 0x300A0014;
    public static final int DoseReferenceDescription = 0x300A0016;
    public static final int DoseReferencePointCoordinates = 0x300A0018;
    public static final int DoseReferenceType = 0x300A0020;
    public static final int DeliveryMaximumDose = 0x300A0023;
    public static final int TargetPrescriptionDose = 0x300A0026;
    public static final int FractionGroupSequence = 0x300A0070;
    public static final int FractionGroupNumber = 0x300A0071;
    public static final int NumberOfFractionsPlanned = 0x300A0078;
    public static final int NumberOfBeams = 0x300A0080;
    public static final int BeamDose = 0x300A0084;
    public static final int BeamMeterset = 0x300A0086;
    public static final int NumberOfBrachyApplicationSetups = 0x300A00A0;
    public static final int BeamSequence = 0x300A00B0;
    public static final int TreatmentMachineName = 0x300A00B2;
    public static final int PrimaryDosimeterUnit = 0x300A00B3;
    public static final int SourceAxisDistance = 0x300A00B4;
    public static final int BeamLimitingDeviceSequence = 0x300A00B6;
    public static final int RTBeamLimitingDeviceType = 0x300A00B8;
    public static final int NumberOfLeafJawPairs = 0x300A00BC;
    public static final int BeamNumber = 0x300A00C0;
    public static final int BeamName = 0x300A00C2;
    public static final int BeamDescription = 0x300A00C3;
    public static final int BeamType = 0x300A00C4;
    public static final int RadiationType = 0x300A00C6;
    public static final int TreatmentDeliveryType = 0x300A00CE;
    public static final int NumberOfWedges = 0x300A00D0;
    public static final int NumberOfCompensators = 0x300A00E0;
    public static final int NumberOfBoli = 0x300A00ED;
    public static final int NumberOfBlocks = 0x300A00F0;
    public static final int FinalCumulativeMetersetWeight = 0x300A010E;
    public static final int NumberOfControlPoints = 0x300A0110;
    public static final int ControlPointSequence = 0x300A0111;
    public static final int ControlPointIndex = 0x300A0112;
    public static final int NominalBeamEnergy = 0x300A0114;
    public static final int BeamLimitingDevicePositionSequence = 0x300A011A;
    public static final int LeafJawPositions = 0x300A011C;
    public static final int GantryAngle = 0x300A011E;
    public static final int GantryRotationDirection = 0x300A011F;
    public static final int BeamLimitingDeviceAngle = 0x300A0120;
    public static final int BeamLimitingDeviceRotationDirection = 0x300A0121;
    public static final int PatientSupportAngle = 0x300A0122;
    public static final int PatientSupportRotationDirection = 0x300A0123;
    public static final int TableTopEccentricAngle = 0x300A0125;
    public static final int TableTopEccentricRotationDirection = 0x300A0126;
    public static final int TableTopVerticalPosition = 0x300A0128;
    public static final int TableTopLongitudinalPosition = 0x300A0129;
    public static final int TableTopLateralPosition = 0x300A012A;
    public static final int IsocenterPosition = 0x300A012C;
    public static final int CumulativeMetersetWeight = 0x300A0134;
    public static final int IonBeamSequence = 0x300A03A2;
    public static final int IonControlPointSequence = 0x300A03A8;
    public static final int ReferencedRTPlanSequence = 0x300C0002;
    public static final int ReferencedBeamSequence = 0x300C0004;
    public static final int ReferencedBeamNumber = 0x300C0006;
    public static final int ReferencedFractionGroupSequence = 0x300C0020;
    public static final int ReferencedFractionGroupNumber = 0x300C0022;
    public static final int ReferencedDoseReferenceSequence = 0x300C0050;
    public static final int ReferencedDoseReferenceNumber = 0x300C0051;
    public static final int ReferencedStructureSetSequence = 0x300C0060;
    public static final int ReferencedDoseSequence = 0x300C0080;
    public static final int ApprovalStatus = 0x300E0002;
    public static final int ReviewDate = 0x300E0004;
    public static final int ReviewTime = 0x300E0005;
    public static final int ReviewerName = 0x300E0008;
    public static final int FloatPixelData = 0x7FE00008;
    public static final int DoubleFloatPixelData = 0x7FE00009;
    public static final int PixelData = 0x7FE00010;
    public static final int Item = 0xFFFEE000;
    public static final int ItemDelimitationItem = 0xFFFEE00D;
    public static final int SequenceDelimitationItem = 0xFFFEE0DD;

    public static int of(int group, int element) {
        return (group << 16) | (element & 0xFFFF);
    }

    public static int group(int tag) {
        return tag >>> 16;
    }

    public static int element(int tag) {
        return tag & 0xFFFF;
    }

    /** Private tags have an odd group number (PS3.5 7.8). */
    public static boolean isPrivate(int tag) {
        return (group(tag) & 1) == 1;
    }

    /** {@code (GGGG,EEEE)} in upper case hex, as dcmdump writes it. */
    public static String toString(int tag) {
        return String.format("(%04X,%04X)", group(tag), element(tag));
    }
}
