#!/usr/bin/env python3
"""Reads `perf script -F comm,pid,tid,cpu,time,event,trace` of index_timeline.sh's system-wide record on stdin and prints
the run's processes, phases, CPU per thread kind and a 100 ms timeline (a cpu-clock sample at 999 Hz is ~1 ms of one
CPU). The run is the first process perf started (the launcher, whose pid the JVM keeps across exec) and every
process forked from it or its descendants; swapper is an idle CPU; anything else is another process of the machine."""
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^\s*(.+?)\s+(-?\d+)/(-?\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')
FORK = re.compile(r'\bpid=(\d+) child_comm=.* child_pid=(\d+)')
KINDS = [('rtsite-index-re', 'readers'), ('rtsite-index-wr', 'writer'), ('rtsite-index-op', 'index-open'),
         ('rtsite-index-fi', 'finish'), ('rtsite-index-li', 'listers'), ('rtsite-linker', 'linkers'),
         ('rtsite-report-c', 'report-csv'), ('C1 CompilerThre', 'C1'), ('C2 CompilerThre', 'C2'),
         ('VM Thread', 'VM/GC'), ('java', 'main')]
ORDER = ['launcher', 'main', 'C1', 'VM/GC', 'index-open', 'listers', 'readers', 'writer', 'finish', 'linkers',
         'report-csv', 'jvm-other', 'other', 'idle']
SHORT = {'launcher': 'lnch', 'main': 'main', 'C1': 'C1', 'VM/GC': 'gc', 'index-open': 'open', 'listers': 'list',
         'readers': 'read', 'writer': 'wrt', 'finish': 'fin', 'linkers': 'link', 'report-csv': 'csv',
         'jvm-other': 'jvm', 'other': 'oth', 'idle': 'idle'}

events = []
forks = []  # (time, parent pid or tid, child pid or tid): threads are forks too
for line in sys.stdin:
    m = LINE.match(line)
    if m:
        comm, pid, tid, cpu, t, ev, trace = m.groups()
        events.append((float(t), comm, int(pid), int(tid), int(cpu), ev))
        f = FORK.search(trace) if ev == 'sched:sched_process_fork' else None
        if f:
            forks.append((float(t), int(f.group(1)), int(f.group(2))))
events.sort()
execs = [e for e in events if e[5] == 'sched:sched_process_exec']
root = next(e[2] for e in execs if e[1] != 'perf-exec')
t0 = next(e[0] for e in execs if e[2] == root)
java_exec = next((e[0] for e in execs if e[2] == root and e[1] == 'java'), None)
end = max((e[0] for e in events if e[5] == 'sched:sched_process_exit' and e[2] == root and e[3] == root), default=None)
if end is None:
    end = max(e[0] for e in events if e[2] == root)
run_pids = {root}
tids = {e[3]: e[2] for e in events}  # a thread's process
for t, parent, child in sorted(forks):
    if tids.get(parent, parent) in run_pids and tids.get(child, child) == child:
        run_pids.add(child)
ms = lambda t: (t - t0) * 1000

print('processes of the run (ms from the launcher\'s exec):')
for e in events:
    if e[5] in ('sched:sched_process_exec', 'sched:sched_process_exit') and e[2] in run_pids and e[2] == e[3] \
            and t0 <= e[0] <= end + 0.001:
        print('  %7.1f  %-4s %s (%d)' % (ms(e[0]), 'exec' if e[5].endswith('exec') else 'exit', e[1], e[2]))


def kind(comm, pid, tid, t):
    if pid == 0:
        return 'idle'
    if pid not in run_pids:
        return 'other'
    if pid != root or java_exec is None or t < java_exec:
        return 'launcher'
    for prefix, k in KINDS:
        if comm.startswith(prefix):
            return k
    return 'jvm-other'


cpu = defaultdict(int)
first, last = {}, {}
buckets = defaultdict(lambda: defaultdict(int))
for t, comm, pid, tid, c, ev in events:
    if ev != 'cpu-clock' or t < t0 or t > end:
        continue
    k = kind(comm, pid, tid, t)
    cpu[k] += 1
    first.setdefault(k, t)
    last[k] = t
    buckets[int(ms(t) // 100)][k] += 1
print('phases (first .. last sample, ms; CPU ms = samples):')
if java_exec is not None:
    print('  java exec %.0f, JVM exit %.0f' % (ms(java_exec), ms(end)))
for k in ORDER:
    if k in first and k not in ('other', 'idle'):
        print('  %-10s %6.0f .. %6.0f  CPU %5d ms' % (k, ms(first[k]), ms(last[k]), cpu[k]))
print('  other processes CPU %d ms, idle %d ms (of %.0f ms x CPUs)' % (cpu['other'], cpu['idle'], ms(end)))
print('timeline, ms of CPU per 100 ms (2 CPUs = 200):')
cols = [k for k in ORDER if cpu[k]]
print('   ms  ' + ' '.join('%5s' % SHORT[k] for k in cols))
for b in sorted(buckets):
    print('%5d  ' % (b * 100) + ' '.join('%5d' % buckets[b][k] for k in cols))
