#!/usr/bin/python3
"""Header-only indexing of a DICOM archive with pydicom, as peer tools (rosamllib, pydicer) do it.

Walks ROOT, reads every file with dcmread(stop_before_pixels=True, force=True, specific_tags=TAGS)
(pydicom then skips the values of every other defined-length element instead of keeping them),
extracts the attributes and references rtsite's index keeps for linkage, and inserts them into an
SQLite database in one transaction at the end. With PROCESSES > 1 the files are read by a
multiprocessing pool (chunks of 256 paths). Prints files, seconds and files/s. Used side by side
with `rtsite index` by index_vs_peers.sh (docs/PERFORMANCE.md).

usage: pydicom_index.py ROOT DB [PROCESSES]
"""
import os
import sqlite3
import sys
import time
from multiprocessing import Pool

import pydicom


# every top-level element read below, nothing else
TAGS = ["SOPClassUID", "SOPInstanceUID", "Modality", "PatientID", "StudyInstanceUID", "SeriesInstanceUID",
        "FrameOfReferenceUID", "ImagePositionPatient", "DoseSummationType", "ReferencedStructureSetSequence",
        "ReferencedRTPlanSequence", "ReferencedFrameOfReferenceSequence", "FractionGroupSequence"]


def refs(ds):
    out = []
    for item in ds.get("ReferencedStructureSetSequence", []):
        out.append(("STRUCTURE_SET", str(item.get("ReferencedSOPInstanceUID", ""))))
    for item in ds.get("ReferencedRTPlanSequence", []):
        out.append(("PLAN", str(item.get("ReferencedSOPInstanceUID", ""))))
        for fg in item.get("ReferencedFractionGroupSequence", []):
            for b in fg.get("ReferencedBeamSequence", []):
                out.append(("DOSE_BEAM", str(b.get("ReferencedBeamNumber", ""))))
    for fr in ds.get("ReferencedFrameOfReferenceSequence", []):
        out.append(("FRAME_OF_REFERENCE", str(fr.get("FrameOfReferenceUID", ""))))
        for st in fr.get("RTReferencedStudySequence", []):
            for se in st.get("RTReferencedSeriesSequence", []):
                out.append(("SERIES", str(se.get("SeriesInstanceUID", ""))))
                for im in se.get("ContourImageSequence", []):
                    out.append(("CONTOUR_IMAGE", str(im.get("ReferencedSOPInstanceUID", ""))))
    for fg in ds.get("FractionGroupSequence", []):
        for b in fg.get("ReferencedBeamSequence", []):
            out.append(("PLAN_BEAM", str(b.get("ReferencedBeamNumber", ""))))
    return out


def read(path):
    st = os.stat(path)
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True, specific_tags=TAGS)
        ipp = ds.get("ImagePositionPatient")
        row = (path, st.st_size, int(st.st_mtime * 1000), "DICOM", None,
               str(ds.get("SOPClassUID", "")), str(ds.get("SOPInstanceUID", "")), str(ds.get("Modality", "")),
               str(ds.get("PatientID", "")), str(ds.get("StudyInstanceUID", "")), str(ds.get("SeriesInstanceUID", "")),
               str(ds.get("FrameOfReferenceUID", "")), float(ipp[2]) if ipp else None,
               str(ds.get("DoseSummationType", "")))
        return row, refs(ds)
    except Exception as e:  # noqa: BLE001 - a bad file is recorded, never fatal
        return (path, st.st_size, int(st.st_mtime * 1000), "ERROR", str(e)) + (None,) * 9, []


def walk(root):
    for d, _, names in os.walk(root):
        for n in names:
            yield os.path.join(d, n)


def main():
    root, db = sys.argv[1], sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    if os.path.exists(db):
        os.remove(db)
    t0 = time.time()
    if processes > 1:
        with Pool(processes) as pool:
            results = list(pool.imap_unordered(read, walk(root), chunksize=256))
    else:
        results = [read(p) for p in walk(root)]
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE, size INTEGER, mtime INTEGER,"
                " status TEXT, reason TEXT, sop_class TEXT, sop_instance TEXT, modality TEXT, patient_id TEXT,"
                " study_uid TEXT, series_uid TEXT, frame_of_reference TEXT, slice_z REAL, dose_summation_type TEXT)")
    con.execute("CREATE TABLE refs(file_id INTEGER, kind TEXT, uid TEXT)")
    with con:
        for i, (row, rs) in enumerate(results):
            con.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (i,) + row)
            con.executemany("INSERT INTO refs VALUES (?,?,?)", [(i, k, u) for k, u in rs])
    con.close()
    s = time.time() - t0
    print(f"pydicom {pydicom.__version__}, {processes} process(es): {len(results)} files in {s:.1f} s"
          f" = {len(results) / s:.0f} files/s")


if __name__ == "__main__":
    main()
