#!/usr/bin/python3
"""Writes a synthetic, header-only rtsite index (SQLite) of ROWS file rows, without any file on disk.

For measuring the linker's memory at archive sizes (1 M, 5 M rows) that would take hours to write and
scan as files: the rows are what rtsite's scan would store for an archive of patients with one CT series
(147 slices), one structure set (referencing the series and every slice), one plan and one PLAN dose
each, plus one non-DICOM file per 50 patients. Schema and meta values are those of rtsite's
IndexDatabase (schema_version 1, extraction_version 2), so `rtsite index --db DB EMPTY_ROOT` links it
(the scan of an empty root keeps every row: rows outside the scanned roots are not touched).

usage: gen_index_rows.py ROWS DB [PREFIX]

PREFIX (default /gen) is the folder every row's path lies under: a scan of a root that contains it
compares the walk with these rows (and drops the rows of files it does not find).
"""
import sqlite3
import sys

SLICES = 147
CT = "1.2.840.10008.5.1.4.1.1.2"
RS = "1.2.840.10008.5.1.4.1.1.481.3"
PLAN = "1.2.840.10008.5.1.4.1.1.481.5"
DOSE = "1.2.840.10008.5.1.4.1.1.481.2"
PLANE = "plane 10000,0,0,0,10000,0|512,512|9766,9766|-2500000,-2500000"


def main(rows, db, prefix="/gen"):
    c = sqlite3.connect(db)
    c.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,
          mtime INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT, has_meta INTEGER, sop_class TEXT,
          sop_instance TEXT, modality TEXT, patient_id TEXT, study_uid TEXT, series_uid TEXT,
          frame_of_reference TEXT, instance_number INTEGER, slice_position REAL, dose_summation_type TEXT,
          dose_grid TEXT, fractions INTEGER, content_key TEXT);
        CREATE TABLE refs(file_id INTEGER NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, uid TEXT NOT NULL);
        CREATE TABLE scans(id INTEGER PRIMARY KEY, started TEXT, finished TEXT, roots TEXT, files_seen INTEGER,
          files_read INTEGER, removed INTEGER);
        INSERT INTO meta VALUES ('schema_version', '1'), ('extraction_version', '2');
    """)
    files, refs = [], []
    fid = 0
    p = 0

    def add(path, status, reason, sop_class, sop, modality, pid, study, series, frame, inst, pos, dst, grid, fx):
        nonlocal fid
        fid += 1
        files.append((fid, path, 2048, 1_700_000_000_000, status, reason, 1 if status == "DICOM" else 0, sop_class,
                      sop, modality, pid, study, series, frame, inst, pos, dst, grid, fx,
                      None if sop is None else "%024x" % fid))
        return fid

    def flush():
        c.executemany("INSERT INTO files VALUES (" + ",".join("?" * 20) + ")", files)
        c.executemany("INSERT INTO refs VALUES (?,?,?,?)", refs)
        files.clear()
        refs.clear()

    while fid < rows:
        pid = "GEN%07d" % p
        d = "%s/site%d/%s" % (prefix, p % 7, pid)
        u = "2.25.%d" % (1000 + p)
        study, frame, series = u + ".1", u + ".2", u + ".3"
        sops = []
        for k in range(SLICES):
            sop = "%s.4.%d" % (u, k)
            sops.append(sop)
            add("%s/CT/%04d.dcm" % (d, k), "DICOM", None, CT, sop, "CT", pid, study, series, frame, k + 1,
                -300 + 2.5 * k, None, PLANE, None)
        rs_uid, plan_uid = u + ".5", u + ".6"
        i = add(d + "/RTSTRUCT.dcm", "DICOM", None, RS, rs_uid, "RTSTRUCT", pid, study, u + ".7", frame,
                None, None, None, None, None)
        refs.append((i, "FRAME_OF_REFERENCE", 0, frame))
        refs.append((i, "SERIES", 0, series))
        refs.extend((i, "CONTOUR_IMAGE", k, s) for k, s in enumerate(sops))
        i = add(d + "/RTPLAN.dcm", "DICOM", None, PLAN, plan_uid, "RTPLAN", pid, study, u + ".8", frame,
                None, None, None, None, 30)
        refs.append((i, "STRUCTURE_SET", 0, rs_uid))
        refs.append((i, "PLAN_BEAM", 0, "1"))
        i = add(d + "/RTDOSE.dcm", "DICOM", None, DOSE, u + ".9", "RTDOSE", pid, study, u + ".10", frame,
                None, None, "PLAN", "grid 0,0,0|10000,0,0,0,10000,0|100,100,50|25000,25000|0", None)
        refs.append((i, "PLAN", 0, plan_uid))
        if p % 50 == 49:
            add(d + "/notes.txt", "NOT_DICOM", "no DICM prefix and no plausible implicit VR element", None, None,
                None, None, None, None, None, None, None, None, None, None)
        p += 1
        if len(files) > 200_000:
            flush()
    flush()
    c.executescript("""
        CREATE INDEX files_sop ON files(sop_instance);
        CREATE INDEX files_series ON files(series_uid);
        CREATE INDEX files_modality ON files(modality);
        CREATE INDEX files_frame ON files(frame_of_reference);
        CREATE INDEX refs_file ON refs(file_id);
        CREATE INDEX refs_uid ON refs(uid, kind);
    """)
    c.commit()
    c.close()
    print("%d rows, %d patients -> %s" % (fid, p, db))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], *sys.argv[3:4])
