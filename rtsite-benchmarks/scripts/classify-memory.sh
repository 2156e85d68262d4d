#!/usr/bin/env bash
# Peak heap of `rtsite classify`, before and after it streamed its plan bundles (docs/PERFORMANCE.md,
# "Classify memory").
#
#   classify-memory.sh BEFORE_CP AFTER_CP PLANS...
#
# BEFORE_CP / AFTER_CP: classpaths of two rtsite builds ("$B/classes:$B/lib/*" with
# B=rtsite-examples/target after `mvn -q -B -DskipTests -pl rtsite-examples -am package` in each checkout).
# For each PLANS (e.g. 200 2000) it writes a header-only index of PLANS patients with gen_index_rows.py
# (150 rows each: 147 CT slices, a structure set referencing every slice, a plan, a PLAN dose; no file on
# disk), then for each build, alternating, runs on a fresh copy of it
#   rtsite classify --db DB --out OUT --backend cpu -j 2 --no-progress
# under -Xmx${XMX:-2g} with a G1 GC log, and prints the largest heap occupancy after a GC (the live-set
# bound: what the heap must hold), wall and CPU seconds, the exit status and the "done:" line. Every plan
# is linked (a bundle of 147 CT paths) and fails at loading (its files do not exist), so the run is what
# classify holds beside the plans in flight: the bundles, the skip sets, the result rows it reads back.
# With CHECK_XMX=48m it also runs every case under that heap (OutOfMemoryError or not). With MIN_XMX=1 it
# also bisects, in MiB, the smallest -Xmx under which each case completes (exit 0 or 3, no OutOfMemoryError):
# a bound on what the run needs that does not depend on when the collector happened to run. BUILDS (default "before after") orders the runs; WORK (default /tmp/rtsite-classify-memory) holds the
# indexes and logs (one WORK per concurrent run).
set -euo pipefail
before="$1"; after="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
work="${WORK:-/tmp/rtsite-classify-memory}"
mkdir -p "$work"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1); load: $(uptime | sed 's/.*load/load/')"
peak() { # largest "->N(M)" after-GC occupancy in a G1 log, in MiB
  grep -o -- '->[0-9]*[MKG]' "$1" | tr -d '>-' | awk '{v=$1; u=substr(v,length(v)); n=substr(v,1,length(v)-1)+0;
    if(u=="K")n/=1024; if(u=="G")n*=1024; if(n>m)m=n} END{printf "%d", m}'
}
run() { # label classpath xmx db plans
  local label="$1" cp="$2" xmx="$3" db="$4" plans="$5" log="$work/gc-$1-$5-$3.log" t0 t1 rc=0
  rm -rf "$work/out"; rm -f "$log" "$work/run.db"*
  cp "$db" "$work/run.db"   # each run on a fresh copy: classify stores its results in the index database
  t0=$(date +%s.%N)
  /usr/bin/time -o "$work/time.txt" -f "%U %S" java -Xmx"$xmx" -Xlog:gc:file="$log" -cp "$cp" \
    org.rtsite.examples.RtsiteCli classify --db "$work/run.db" --out "$work/out" --backend cpu -j 2 --no-progress \
    > "$work/out.txt" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  local oom=""; grep -q OutOfMemoryError "$work/out.txt" && oom=" OutOfMemoryError"
  last_ok=1; { [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; } && [ -z "$oom" ] || last_ok=0
  printf "%-7s %5s plans -Xmx%-5s rc=%d peak-after-GC %5s MiB  GCs %3d  wall %6.1f s  cpu %6.1f s%s | %s\n" "$label" \
    "$plans" "$xmx" "$rc" "$(peak "$log")" "$(grep -c 'Pause' "$log" || true)" "$(echo "$t1 - $t0" | bc)" \
    "$(tail -1 "$work/time.txt" | awk '{print $1 + $2}')" "$oom" "$(grep -o 'done: .*' "$work/out.txt" || tail -1 "$work/out.txt")"
}
for plans in "$@"; do
  db="$work/plans-$plans.db"
  [ -f "$db" ] || python3 "$here/gen_index_rows.py" "$((plans * 150))" "$db"
  for build in ${BUILDS:-before after}; do
    cp_="$before"; [ "$build" = after ] && cp_="$after"
    run "$build" "$cp_" "${XMX:-2g}" "$db" "$plans"
    [ -n "${CHECK_XMX:-}" ] && run "$build" "$cp_" "$CHECK_XMX" "$db" "$plans"
    if [ -n "${MIN_XMX:-}" ]; then
      lo=4; hi=${MIN_XMX_HI:-128}   # MiB: lo assumed too small, hi checked first
      run "$build" "$cp_" "${hi}m" "$db" "$plans" > /dev/null
      if [ "$last_ok" = 1 ]; then
        while [ $((hi - lo)) -gt 1 ]; do
          mid=$(((lo + hi) / 2))
          run "$build" "$cp_" "${mid}m" "$db" "$plans" > /dev/null
          if [ "$last_ok" = 1 ]; then hi=$mid; else lo=$mid; fi
        done
        echo "$build $plans plans: smallest -Xmx that completes: ${hi} MiB (${lo} MiB fails)"
      else
        echo "$build $plans plans: fails even under -Xmx${hi}m"
      fi
    fi
  done
  echo "load: $(uptime | sed 's/.*load/load/')"
done
