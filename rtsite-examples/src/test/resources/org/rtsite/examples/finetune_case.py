#!/usr/bin/python3
"""Writes one fine-tuning case with pydicom, independently of rtsite's writers: a CT series (3 mm voxels,
30 x 28 x 26, a soft-tissue box with a 60 HU 'liver' sphere and a 900 HU 'skull' sphere) and an RTSTRUCT
whose 'Liver' and 'Skull' contours are those spheres drawn GROW mm larger (a local contouring protocol).

    finetune_case.py OUT_DIR SHIFT_MM GROW_MM
"""
import math
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
RTSTRUCT_STORAGE = "1.2.840.10008.5.1.4.1.1.481.3"
NX, NY, NZ, D = 30, 28, 26, 3.0
ORIGIN = (-45.0, -42.0, -39.0)


def base(sop_class, sop_uid, study, frame, patient):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study
    ds.FrameOfReferenceUID = frame
    ds.PatientID = patient
    ds.PatientName = patient
    ds.StudyDate = "20260101"
    return ds


def main(out, shift, grow):
    os.makedirs(os.path.join(out, "ct"), exist_ok=True)
    patient = os.path.basename(os.path.normpath(out))
    study, frame, series = generate_uid(), generate_uid(), generate_uid()
    spheres = {"Liver": ((-15.0 + shift, 0.0, 0.0), 14.0, 60), "Skull": ((18.0 - shift, 5.0, 0.0), 10.0, 900)}
    ct_uids = []
    for k in range(NZ):
        z = ORIGIN[2] + k * D
        img = np.full((NY, NX), -1000, dtype=np.int16)
        for j in range(NY):
            for i in range(NX):
                x, y = ORIGIN[0] + i * D, ORIGIN[1] + j * D
                n = ((i * 7 + j * 13 + k * 29) % 17 - 8) * 3
                v = -1000
                if abs(x) < 40 and abs(y) < 36:
                    v = 20 + n
                for (c, r, hu) in spheres.values():
                    if (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= r * r:
                        v = hu + n
                img[j, i] = v
        uid = generate_uid()
        ct_uids.append(uid)
        ds = base(CT_STORAGE, uid, study, frame, patient)
        ds.Modality = "CT"
        ds.SeriesInstanceUID = series
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [ORIGIN[0], ORIGIN[1], z]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [D, D]
        ds.SliceThickness = D
        ds.Rows, ds.Columns = NY, NX
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope = 0, 1
        ds.PixelData = img.tobytes()
        ds.save_as(os.path.join(out, "ct", "ct%03d.dcm" % k), write_like_original=False)

    ss = base(RTSTRUCT_STORAGE, generate_uid(), study, frame, patient)
    ss.Modality = "RTSTRUCT"
    ss.SeriesInstanceUID = generate_uid()
    ss.StructureSetLabel = "local protocol"
    ref_frame = Dataset()
    ref_frame.FrameOfReferenceUID = frame
    ss.ReferencedFrameOfReferenceSequence = Sequence([ref_frame])
    rois, contours, observations = [], [], []
    for number, (name, (c, r, _)) in enumerate(spheres.items(), start=1):
        roi = Dataset()
        roi.ROINumber = number
        roi.ReferencedFrameOfReferenceUID = frame
        roi.ROIName = name
        roi.ROIGenerationAlgorithm = "MANUAL"
        rois.append(roi)
        seq = []
        rr = r + grow
        for k in range(NZ):
            z = ORIGIN[2] + k * D
            if abs(z - c[2]) >= rr:
                continue
            rz = math.sqrt(rr * rr - (z - c[2]) ** 2)
            pts = []
            for a in range(48):
                t = 2 * math.pi * a / 48
                pts += [c[0] + rz * math.cos(t), c[1] + rz * math.sin(t), z]
            ct_ref = Dataset()
            ct_ref.ReferencedSOPClassUID = CT_STORAGE
            ct_ref.ReferencedSOPInstanceUID = ct_uids[k]
            cd = Dataset()
            cd.ContourImageSequence = Sequence([ct_ref])
            cd.ContourGeometricType = "CLOSED_PLANAR"
            cd.NumberOfContourPoints = len(pts) // 3
            cd.ContourData = ["%.3f" % p for p in pts]
            seq.append(cd)
        rc = Dataset()
        rc.ReferencedROINumber = number
        rc.ROIDisplayColor = [255, 0, 0]
        rc.ContourSequence = Sequence(seq)
        contours.append(rc)
        ob = Dataset()
        ob.ObservationNumber = number
        ob.ReferencedROINumber = number
        ob.RTROIInterpretedType = "ORGAN"
        ob.ROIInterpreter = ""
        observations.append(ob)
    ss.StructureSetROISequence = Sequence(rois)
    ss.ROIContourSequence = Sequence(contours)
    ss.RTROIObservationsSequence = Sequence(observations)
    ss.save_as(os.path.join(out, "rtstruct.dcm"), write_like_original=False)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))
