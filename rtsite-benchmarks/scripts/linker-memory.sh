#!/usr/bin/env bash
# Peak heap of the linker, before and after linking patient by patient (docs/PERFORMANCE.md, "Linker memory").
#
#   linker-memory.sh BEFORE_CP AFTER_CP ROWS...
#
# BEFORE_CP / AFTER_CP: classpaths of two rtsite builds ("$B/classes:$B/lib/*" with
# B=rtsite-examples/target after `mvn -q -B -DskipTests -pl rtsite-examples -am package` in each checkout).
# For each ROWS (e.g. 100000 1000000 5000000) it writes a header-only index of that many rows with
# gen_index_rows.py (no files on disk), then for each build, alternating:
#   index: `rtsite index --db DB --report R EMPTY_ROOT` (the whole command: scan of an empty root, which
#          loads every row's stamp, then linkage and report);
#   link:  LinkMemory (DicomArchive.open + the report as `rtsite index` writes it, without the scan);
# each under -Xmx${XMX:-12g} with a G1 GC log; prints the largest heap occupancy after a GC (the
# live-set bound: what the heap must hold) and the wall time. With CHECK_XMX=512m it also runs every
# case under that heap and says whether it completes (OutOfMemoryError otherwise). CPU seconds
# (user + system) are printed beside the wall time: on a loaded machine they are the comparable figure.
#   gone:  `rtsite index --db DB --report R ROOT` where every row lies under ROOT but no file does (rows
#          generated with gen_index_rows.py's PREFIX = ROOT/gen): the scan meets every row and drops it;
#   rescan: `rtsite index --db DB --report R $ARCHIVE` on an index of $ARCHIVE (a real archive, indexed once
#          per build before, untimed): nothing changed, the scan compares every file with its row. ROWS
#          is then only a label (give the archive's file count).
# MODES (default "link index") and BUILDS (default "before after") choose and order the runs; WORK
# (default /tmp/rtsite-linker-memory) holds the generated indexes and logs (one WORK per concurrent run).
set -euo pipefail
before="$1"; after="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
work="${WORK:-/tmp/rtsite-linker-memory}"
mkdir -p "$work/empty" "$work/classes"
javac -d "$work/classes" -cp "$after" "$here/LinkMemory.java"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1); load: $(uptime | sed 's/.*load/load/')"
peak() { # largest "->N(M)" after-GC occupancy in a G1 log, in MiB
  grep -o -- '->[0-9]*[MKG]' "$1" | tr -d '>-' | awk '{v=$1; u=substr(v,length(v)); n=substr(v,1,length(v)-1)+0;
    if(u=="K")n/=1024; if(u=="G")n*=1024; if(n>m)m=n} END{printf "%d", m}'
}
run() { # label classpath xmx mode db
  local label="$1" cp="$2" xmx="$3" mode="$4" db="$5" log="$work/gc-$1-$4-$3.log" t0 t1 rc=0
  rm -rf "$work/report"; rm -f "$log"
  cp "$db" "$work/run.db"   # each run on a fresh copy: an index run adds the files_patient index and a scan row
  t0=$(date +%s.%N)
  if [ "$mode" != link ]; then
    local root="$work/empty"
    [ "$mode" = gone ] && root="$work/gone-root"
    [ "$mode" = rescan ] && root="$ARCHIVE"
    /usr/bin/time -o "$work/time.txt" -f "%U %S" java -Xmx"$xmx" -Xlog:gc:file="$log" -cp "$cp" org.rtsite.examples.RtsiteCli index --db "$work/run.db" \
      --report "$work/report" --no-progress "$root" > "$work/out.txt" 2>&1 || rc=$?
  else
    /usr/bin/time -o "$work/time.txt" -f "%U %S" java -Xmx"$xmx" -Xlog:gc:file="$log" -cp "$cp:$work/classes" LinkMemory "$work/run.db" "$work/report" \
      > "$work/out.txt" 2>&1 || rc=$?
  fi
  t1=$(date +%s.%N)
  local oom=""; grep -q OutOfMemoryError "$work/out.txt" && oom=" OutOfMemoryError"
  printf "%-7s %-6s %-8s -Xmx%-5s rc=%d peak-after-GC %6s MiB  wall %7.1f s  cpu %7.1f s%s\n" "$label" "$mode" \
    "$rows" "$xmx" "$rc" "$(peak "$log")" "$(echo "$t1 - $t0" | bc)" "$(awk '{print $1 + $2}' "$work/time.txt")" "$oom"
}
mkdir -p "$work/gone-root"
for rows in "$@"; do
  for mode in ${MODES:-link index}; do
    db="$work/rows-$rows.db"
    if [ "$mode" = gone ]; then
      db="$work/rows-gone-$rows.db"
      [ -f "$db" ] || python3 "$here/gen_index_rows.py" "$rows" "$db" "$work/gone-root/gen"
    elif [ "$mode" = rescan ]; then
      for build in ${BUILDS:-before after}; do   # one first index of the archive per build, untimed
        cp_="$before"; [ "$build" = after ] && cp_="$after"
        rm -f "$work/rescan-$build.db"*
        java -cp "$cp_" org.rtsite.examples.RtsiteCli index --db "$work/rescan-$build.db" --report "$work/report" \
          --no-progress "$ARCHIVE" > /dev/null
      done
    else
      [ -f "$db" ] || python3 "$here/gen_index_rows.py" "$rows" "$db"
    fi
    for build in ${BUILDS:-before after}; do
      cp_="$before"; [ "$build" = after ] && cp_="$after"
      [ "$mode" = rescan ] && db="$work/rescan-$build.db"
      run "$build" "$cp_" "${XMX:-12g}" "$mode" "$db"
      [ -n "${CHECK_XMX:-}" ] && run "$build" "$cp_" "$CHECK_XMX" "$mode" "$db"
    done
  done
  echo "load: $(uptime | sed 's/.*load/load/')"
done
