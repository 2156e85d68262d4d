#!/usr/bin/python3
"""Edits a patient folder (CT/, RS.dcm, RP.dcm, RD.dcm) the way real exports and de-identification
tools leave archives, with pydicom only (an independent writer): used by ArchiveLinkageCliTest.

    reexport.py ACTION DIR [NAME]

drop-plan        delete RP.dcm (CT + RTSTRUCT + RTDOSE, the dose references a plan not in the archive)
drop-plan-ref    delete RP.dcm and the dose's ReferencedRTPlanSequence (a dose engine's export)
regen-rs-ref     give the plan's structure set reference a new UID that names nothing (re-anonymised)
second-rs NAME   write another structure set (new SOP Instance UID, same patient and frame) as NAME
reuse-series     write CT2/: a second reconstruction (field of view shifted 40 mm) with the same
                 Series Instance UID and frame of reference, new SOP Instance UIDs
regen-contour-refs  give every contour image reference and the referenced series of RS.dcm new UIDs
                 that name nothing (a re-export that regenerated the CT's UIDs inconsistently)
second-series    write CT3/: another CT series (new Series Instance UID) on the same frame of
                 reference with slices at the same positions, field of view shifted 40 mm
other-patient-rs RS.dcm becomes another patient's: PatientID, study and frame of reference changed
dup-plan NAME    copy RP.dcm as NAME, same SOP Instance UID, NumberOfFractionsPlanned changed
split-beams      delete RP.dcm and replace RD.dcm by two BEAM doses (beams 1 and 2, half the dose each,
                 new SOP Instance UIDs) that reference the deleted plan
dose-scaling NAME  copy RD.dcm as NAME, same SOP Instance UID, DoseGridScaling doubled
dose-pixels NAME   copy RD.dcm as NAME, same SOP Instance UID and header, first frame's pixels zeroed
dose-implicit NAME copy RD.dcm as NAME in implicit VR little endian (the same object: a copy)
"""
import os
import sys

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ImplicitVRLittleEndian, generate_uid


def main(action, folder, name=None):
    rp = os.path.join(folder, "RP.dcm")
    rs = os.path.join(folder, "RS.dcm")
    rd = os.path.join(folder, "RD.dcm")
    if action == "drop-plan":
        os.remove(rp)
    elif action == "drop-plan-ref":
        os.remove(rp)
        d = pydicom.dcmread(rd)
        del d.ReferencedRTPlanSequence
        d.save_as(rd)
    elif action == "regen-rs-ref":
        p = pydicom.dcmread(rp)
        p.ReferencedStructureSetSequence[0].ReferencedSOPInstanceUID = generate_uid()
        p.save_as(rp)
    elif action == "second-rs":
        s = pydicom.dcmread(rs)
        s.SOPInstanceUID = generate_uid()
        s.file_meta.MediaStorageSOPInstanceUID = s.SOPInstanceUID
        s.StructureSetLabel = "second"
        s.save_as(os.path.join(folder, name))
    elif action == "reuse-series":
        src = os.path.join(folder, "CT")
        dst = os.path.join(folder, "CT2")
        os.makedirs(dst)
        for f in sorted(os.listdir(src)):
            c = pydicom.dcmread(os.path.join(src, f))
            c.SOPInstanceUID = generate_uid()
            c.file_meta.MediaStorageSOPInstanceUID = c.SOPInstanceUID
            ipp = [float(v) for v in c.ImagePositionPatient]
            c.ImagePositionPatient = [ipp[0] + 40.0, ipp[1], ipp[2]]
            c.save_as(os.path.join(dst, f))
    elif action == "regen-contour-refs":
        s = pydicom.dcmread(rs)
        new = {}

        def renew(item):
            old = item.ReferencedSOPInstanceUID
            item.ReferencedSOPInstanceUID = new.setdefault(old, generate_uid())

        for fr in s.ReferencedFrameOfReferenceSequence:
            for study in fr.RTReferencedStudySequence:
                for series in study.RTReferencedSeriesSequence:
                    series.SeriesInstanceUID = generate_uid()
                    for image in series.get("ContourImageSequence", []):
                        renew(image)
        for roi in s.ROIContourSequence:
            for contour in roi.get("ContourSequence", []):
                for image in contour.get("ContourImageSequence", []):
                    renew(image)
        s.save_as(rs)
    elif action == "second-series":
        src = os.path.join(folder, "CT")
        dst = os.path.join(folder, "CT3")
        os.makedirs(dst)
        series_uid = generate_uid()
        for f in sorted(os.listdir(src)):
            c = pydicom.dcmread(os.path.join(src, f))
            c.SeriesInstanceUID = series_uid
            c.SOPInstanceUID = generate_uid()
            c.file_meta.MediaStorageSOPInstanceUID = c.SOPInstanceUID
            ipp = [float(v) for v in c.ImagePositionPatient]
            c.ImagePositionPatient = [ipp[0] + 40.0, ipp[1], ipp[2]]
            c.save_as(os.path.join(dst, f))
    elif action == "other-patient-rs":
        s = pydicom.dcmread(rs)
        s.PatientID = "SOMEONE-ELSE"
        s.StudyInstanceUID = generate_uid()
        for fr in s.ReferencedFrameOfReferenceSequence:
            fr.FrameOfReferenceUID = generate_uid()
        for roi in s.StructureSetROISequence:
            roi.ReferencedFrameOfReferenceUID = s.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID
        if "FrameOfReferenceUID" in s:  # the Frame of Reference module rtsite's writers fill since issue 18
            s.FrameOfReferenceUID = s.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID
        s.save_as(rs)
    elif action == "dup-plan":
        p = pydicom.dcmread(rp)
        p.FractionGroupSequence[0].NumberOfFractionsPlanned = int(p.FractionGroupSequence[0].NumberOfFractionsPlanned) + 5
        p.save_as(os.path.join(folder, name))
    elif action == "split-beams":
        os.remove(rp)
        for beam in (1, 2):
            d = pydicom.dcmread(rd)
            d.SOPInstanceUID = generate_uid()
            d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
            d.DoseSummationType = "BEAM"
            d.DoseGridScaling = float(d.DoseGridScaling) / 2
            ref_beam = Dataset()
            ref_beam.ReferencedBeamNumber = beam
            fg = Dataset()
            fg.ReferencedFractionGroupNumber = 1
            fg.ReferencedBeamSequence = Sequence([ref_beam])
            d.ReferencedRTPlanSequence[0].ReferencedFractionGroupSequence = Sequence([fg])
            d.save_as(os.path.join(folder, "RD_b%d.dcm" % beam))
        os.remove(rd)
    elif action == "dose-scaling":
        d = pydicom.dcmread(rd)
        d.DoseGridScaling = float(d.DoseGridScaling) * 2
        d.save_as(os.path.join(folder, name))
    elif action == "dose-pixels":
        d = pydicom.dcmread(rd)
        a = d.pixel_array.copy()
        a[0] = 0
        d.PixelData = a.tobytes()
        d.save_as(os.path.join(folder, name))
    elif action == "dose-implicit":
        d = pydicom.dcmread(rd)
        d.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
        d.is_implicit_VR = True
        d.is_little_endian = True
        d.save_as(os.path.join(folder, name), write_like_original=False)
    else:
        raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main(*sys.argv[1:])
