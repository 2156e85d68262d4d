#!/usr/bin/env python3
"""The timeline of a `rtsite spark classify` run from Spark's event log (docs/PERFORMANCE.md, "Spark, sixth round").

Run the command with an uncompressed event log, then give this script the log file:
  RTSITE_JAVA_OPTS="-Dspark.eventLog.enabled=true -Dspark.eventLog.dir=file:///tmp/ev -Dspark.eventLog.compress=false" \
    ./rtsite spark classify ROOT --out OUT --master 'local[2]' ...
  rtsite-benchmarks/scripts/spark_timeline.py /tmp/ev/eventlog_v2_local-*
Prints every job from the classify stage's first job on (where it was called, its tasks, start and end in seconds
from that first job, the driver's gap before it), then for the job with the most tasks (the classification) each
task's start and end, the slots' busy time and how far apart the last tasks ended (one slot idle meanwhile).
"""
import glob
import json
import os
import sys

# Spark 4 writes a folder (eventlog_v2_local-…) of rolled files events_N_…; older Sparks one file
path = sys.argv[1]
files = sorted(glob.glob(os.path.join(path, "events_*")), key=lambda f: int(os.path.basename(f).split("_")[1])) \
    if os.path.isdir(path) else [path]
events = [json.loads(line) for f in files for line in open(f) if line.strip()]
jobs, stages, tasks = {}, {}, {}
for e in events:
    kind = e["Event"]
    if kind == "SparkListenerJobStart":
        names = [s["Stage Name"] for s in e["Stage Infos"]]
        jobs[e["Job ID"]] = {"start": e["Submission Time"], "stages": e["Stage IDs"], "name": names[-1] if names else "?"}
    elif kind == "SparkListenerJobEnd":
        jobs[e["Job ID"]]["end"] = e["Completion Time"]
    elif kind == "SparkListenerTaskEnd":
        info = e["Task Info"]
        tasks.setdefault(e["Stage ID"], []).append((info["Launch Time"], info["Finish Time"], info["Index"]))
    elif kind == "SparkListenerStageCompleted":
        stages[e["Stage Info"]["Stage ID"]] = e["Stage Info"]["Stage Name"]

# the classify stage starts with the job that collects the plans' sizes (SparkClassifier's collectAsList)
ids = sorted(jobs)
first = next((j for j in ids if "SparkClassifier" in jobs[j]["name"]), ids[0])
t0 = jobs[first]["start"]
print("job  called at                                   tasks  start    end   (gap before, s)")
previous = None
for j in ids:
    if j < first:
        continue
    job = jobs[j]
    n = sum(len(tasks.get(s, [])) for s in job["stages"])
    gap = "" if previous is None else "(%.2f)" % ((job["start"] - previous) / 1e3)
    print("%3d  %-44s %5d %7.2f %7.2f  %s" % (j, job["name"][:44], n, (job["start"] - t0) / 1e3,
                                            (job.get("end", job["start"]) - t0) / 1e3, gap))
    previous = job.get("end", job["start"])
stage = max((s for j in ids if j >= first for s in jobs[j]["stages"]), key=lambda s: len(tasks.get(s, [])))
ts = sorted(tasks[stage])
print("\nclassification: stage %d (%s), %d tasks" % (stage, stages.get(stage, "?"), len(ts)))
for launch, finish, index in ts:
    print("  task %2d  %7.2f -> %7.2f  (%.2f s)" % (index, (launch - t0) / 1e3, (finish - t0) / 1e3, (finish - launch) / 1e3))
start, end = ts[0][0], max(f for _, f, _ in ts)
busy = sum(f - l for l, f, _ in ts)
ends = sorted(f for _, f, _ in ts)
print("  stage %.2f s; tasks busy %.2f s, %.2f slots on average; the last two tasks ended %.2f s apart" % (
    (end - start) / 1e3, busy / 1e3, busy / (end - start), (ends[-1] - ends[-2]) / 1e3 if len(ends) > 1 else 0))
