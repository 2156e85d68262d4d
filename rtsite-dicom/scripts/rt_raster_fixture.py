#!/usr/bin/python3
"""Builds the rasterization fixture: a synthetic CT series and an RTSTRUCT with ellipsoids, a ring
with a hole, several islands per slice and a concave star, then rasterizes it with plastimatch.

Usage: rt_raster_fixture.py OUTDIR
Writes OUTDIR/rtss.dcm and OUTDIR/plastimatch/<ROI>.mha.gz (plastimatch 1.9.4 masks, gzipped).
The CT series is written to a temporary folder only (plastimatch needs it as --referenced-ct);
the masks' headers carry its geometry. Deterministic: fixed UIDs, no randomness.
"""
import gzip
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ImplicitVRLittleEndian

ROOT = "1.2.826.0.1.3680043.10.1234.7"
STUDY, CT_SERIES, RS_SERIES, FOR = ROOT + ".1", ROOT + ".2", ROOT + ".3", ROOT + ".4"
CT_CLASS, RS_CLASS = "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.481.3"
NX, NY, NZ = 128, 128, 40
PIXEL, SLICE = 2.0, 3.0
ORIGIN = (-127.0, -150.0, -61.5)


def slice_z(k):
    return ORIGIN[2] + k * SLICE


def base(ds, modality, series, sop_class, sop_uid):
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, sop_uid
    ds.Modality = modality
    ds.PatientName, ds.PatientID = "Raster^Fixture", "RASTER01"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = STUDY, series
    ds.StudyDate, ds.StudyTime = "20260101", "120000"
    ds.FrameOfReferenceUID = FOR
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = sop_class, sop_uid
    meta.TransferSyntaxUID = ImplicitVRLittleEndian
    meta.ImplementationClassUID = ROOT + ".99"
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, True


def write_ct(folder):
    yy, xx = np.mgrid[0:NY, 0:NX]
    px, py = ORIGIN[0] + xx * PIXEL, ORIGIN[1] + yy * PIXEL
    body = ((px / 110.0) ** 2 + ((py + 20) / 90.0) ** 2) <= 1.0
    img = np.where(body, 1040, 24).astype(np.uint16)  # stored values; HU = value - 1024
    uids = []
    for k in range(NZ):
        uid = f"{ROOT}.10.{k + 1}"
        ds = Dataset()
        base(ds, "CT", CT_SERIES, CT_CLASS, uid)
        ds.ImagePositionPatient = [ORIGIN[0], ORIGIN[1], slice_z(k)]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [PIXEL, PIXEL]
        ds.SliceThickness = SLICE
        ds.InstanceNumber = k + 1
        ds.PatientPosition = "HFS"
        ds.Rows, ds.Columns = NY, NX
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
        ds.PixelData = img.tobytes()
        ds.save_as(os.path.join(folder, f"ct{k:03d}.dcm"), write_like_original=False)
        uids.append(uid)
    return uids


def ellipse(cx, cy, a, b, n, phase=0.0, clockwise=False):
    pts = []
    for t in range(n):
        ang = phase + 2 * math.pi * t / n * (-1 if clockwise else 1)
        pts.append((cx + a * math.cos(ang), cy + b * math.sin(ang)))
    return pts


def star(cx, cy, r_out, r_in, spikes, phase):
    pts = []
    for t in range(2 * spikes):
        r = r_out if t % 2 == 0 else r_in
        ang = phase + math.pi * t / spikes
        pts.append((cx + r * math.cos(ang), cy + r * math.sin(ang)))
    return pts


def ellipsoid_sections(c, axes, n):
    """(k, polygon) for every CT slice whose plane cuts the ellipsoid."""
    out = []
    for k in range(NZ):
        u = (slice_z(k) - c[2]) / axes[2]
        if abs(u) < 0.999:
            s = math.sqrt(1 - u * u)
            out.append((k, ellipse(c[0], c[1], axes[0] * s, axes[1] * s, n)))
    return out


def rois():
    """ROI name -> list of (slice index, polygon)."""
    r = {}
    r["Ellipsoid"] = ellipsoid_sections((-10.0, -25.0, -2.0), (85.0, 65.0, 50.0), 96)
    ring = []
    for k in range(8, 30):
        ring.append((k, ellipse(40.0, 10.0, 30.0, 26.0, 72)))
        ring.append((k, ellipse(42.0, 8.0, 14.0, 12.0, 48, clockwise=True)))
    r["Ring"] = ring
    islands = []
    for c, axes in (((-60.0, -40.0, -20.0), (18.0, 14.0, 24.0)),
                    ((-20.0, 30.0, -8.0), (12.0, 16.0, 30.0)),
                    ((30.0, -70.0, 10.0), (15.0, 10.0, 18.0))):
        islands.extend(ellipsoid_sections(c, axes, 48))
    r["Islands"] = islands
    r["Star"] = [(k, star(-55.0, 25.0, 28.0, 12.0, 5, 0.07 * k)) for k in range(12, 27)]
    r["SmallSphere"] = ellipsoid_sections((12.5, -44.0, 3.0), (9.0, 9.0, 9.0), 40)
    return r


def write_rtss(path, ct_uids):
    ds = Dataset()
    base(ds, "RTSTRUCT", RS_SERIES, RS_CLASS, ROOT + ".20.1")
    ds.StructureSetLabel, ds.StructureSetName = "RASTER", "Rasterization fixture"
    ds.StructureSetDate, ds.StructureSetTime = "20260101", "120000"
    del ds.FrameOfReferenceUID  # an RTSTRUCT carries it in ReferencedFrameOfReferenceSequence
    series = Dataset()
    series.SeriesInstanceUID = CT_SERIES
    series.ContourImageSequence = Sequence([_img_ref(u) for u in ct_uids])
    study = Dataset()
    study.ReferencedSOPClassUID, study.ReferencedSOPInstanceUID = "1.2.840.10008.3.1.2.3.1", STUDY
    study.RTReferencedSeriesSequence = Sequence([series])
    ref_for = Dataset()
    ref_for.FrameOfReferenceUID = FOR
    ref_for.RTReferencedStudySequence = Sequence([study])
    ds.ReferencedFrameOfReferenceSequence = Sequence([ref_for])
    roi_seq, contour_seq, obs_seq = [], [], []
    colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [255, 0, 255]]
    for number, (name, sections) in enumerate(rois().items(), start=1):
        roi = Dataset()
        roi.ROINumber, roi.ReferencedFrameOfReferenceUID = number, FOR
        roi.ROIName, roi.ROIGenerationAlgorithm = name, "MANUAL"
        roi_seq.append(roi)
        rc = Dataset()
        rc.ROIDisplayColor = colours[number - 1]
        rc.ReferencedROINumber = number
        items = []
        for k, poly in sections:
            c = Dataset()
            c.ContourImageSequence = Sequence([_img_ref(ct_uids[k])])
            c.ContourGeometricType = "CLOSED_PLANAR"
            c.NumberOfContourPoints = len(poly)
            data = []
            for x, y in poly:
                data += [f"{x:.2f}", f"{y:.2f}", f"{slice_z(k):.2f}"]
            c.ContourData = data
            items.append(c)
        rc.ContourSequence = Sequence(items)
        contour_seq.append(rc)
        obs = Dataset()
        obs.ObservationNumber, obs.ReferencedROINumber = number, number
        obs.RTROIInterpretedType, obs.ROIInterpreter = "ORGAN", ""
        obs_seq.append(obs)
    ds.StructureSetROISequence = Sequence(roi_seq)
    ds.ROIContourSequence = Sequence(contour_seq)
    ds.RTROIObservationsSequence = Sequence(obs_seq)
    ds.save_as(path, write_like_original=False)


def _img_ref(uid):
    d = Dataset()
    d.ReferencedSOPClassUID, d.ReferencedSOPInstanceUID = CT_CLASS, uid
    return d


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "plastimatch"), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="rtraster")
    try:
        ct = os.path.join(tmp, "ct")
        os.makedirs(ct)
        uids = write_ct(ct)
        rtss = os.path.join(out, "rtss.dcm")
        write_rtss(rtss, uids)
        masks = os.path.join(tmp, "masks")
        # --xor-contours: contours of one slice combine by the even-odd rule, as in rtsite
        subprocess.run(["plastimatch", "convert", "--input", rtss, "--referenced-ct", ct,
                        "--xor-contours", "--output-prefix", masks, "--prefix-format", "mha"],
                       check=True, stdout=subprocess.DEVNULL)
        for f in sorted(os.listdir(masks)):
            with open(os.path.join(masks, f), "rb") as src, \
                    gzip.GzipFile(os.path.join(out, "plastimatch", f + ".gz"), "wb", mtime=0) as dst:
                shutil.copyfileobj(src, dst)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
