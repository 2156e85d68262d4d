#!/usr/bin/env bash
# A/B of `./rtsite index` configurations, alternating in every round (issue 16 item 3, "Indexing, fourth round"
# in docs/PERFORMANCE.md): whole-process wall, user and system CPU (/usr/bin/time), the scan line's header pass
# and the linkage line, with the load average at the end of each run.
#   rtsite-benchmarks/scripts/index_ab.sh DATA "label|JVM options|index options[|launcher]" ...
#   ROUNDS=3 MODE=warm|cold|colddata|coldmeta LAUNCHER=./rtsite
#   (cold: page cache dropped before every run, needs root; colddata: dropped, then the JDK's files, the launcher's
#   jars and CDS archives read back in, so that only the archive's files come from the disk; coldmeta: dropped,
#   then the archive's folders listed and every entry stat-ed, so that only the walk's metadata is in the cache)
# e.g. JVM options against the launcher's:
#   index_ab.sh /tmp/a20k/data "launcher||" "g1|-XX:-UseSerialGC -XX:+UseG1GC|"
# reads in flight, cold:
#   MODE=cold index_ab.sh /tmp/a100k/data "16|| --reads-in-flight 16" "64|| --reads-in-flight 64"
# `--version` (JVM start, class loading) cold and warm:  DATA = --version
# two builds (a fourth field names a configuration's own launcher, e.g. a clean clone of main):
#   MODE=cold index_ab.sh /tmp/a20k/data "branch||" "main|||/tmp/main-clone/rtsite"
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$1; shift
ROUNDS="${ROUNDS:-3}"
MODE="${MODE:-warm}"
LAUNCHER="${LAUNCHER:-./rtsite}"
WORK="${WORK:-/tmp/rtsite-index-ab}"
mkdir -p "$WORK"
"$LAUNCHER" --version > /dev/null # builds on first use, outside the timed runs
for cfg in "$@"; do
  IFS='|' read -r _ _ _ own <<< "$cfg"
  if [ -n "$own" ]; then "$own" --version > /dev/null; fi
done
printf 'round\tlabel\twall_s\tuser_s\tsys_s\tscan_s\tlink_s\tload\n'
for r in $(seq 1 "$ROUNDS"); do
  for cfg in "$@"; do
    IFS='|' read -r label jvm opts own <<< "$cfg"
    launcher="${own:-$LAUNCHER}"
    rm -rf "$WORK/db" && mkdir -p "$WORK/db"
    if [ "$MODE" = cold ] || [ "$MODE" = colddata ] || [ "$MODE" = coldmeta ]; then
      sync; echo 3 > /proc/sys/vm/drop_caches
      if [ "$MODE" = coldmeta ] && [ "$data" != --version ]; then
        find "$data" -printf '%s\n' > /dev/null
      fi
      if [ "$MODE" = colddata ]; then
        jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
        find "$jdk/" "$(dirname "$launcher")/rtsite-examples/target/" -type f -print0 | xargs -0 cat > /dev/null
      fi
    elif [ "$data" != --version ]; then
      find "$data" -type f -print0 | xargs -0 cat > /dev/null
    fi
    if [ "$data" = --version ]; then
      # shellcheck disable=SC2086
      out=$( { RTSITE_JAVA_OPTS="$jvm" /usr/bin/time -f 'TIME %e %U %S' "$launcher" --version $opts; } 2>&1 )
    else
      # shellcheck disable=SC2086
      out=$( { RTSITE_JAVA_OPTS="$jvm" /usr/bin/time -f 'TIME %e %U %S' "$launcher" index "$data" --db "$WORK/db/r.db" \
        --report "$WORK/db/report" --no-progress $opts; } 2>&1 )
    fi
    read -r wall user sys <<< "$(sed -n 's/^TIME //p' <<< "$out")"
    scan=$(sed -n 's/^scan: .* in \([0-9.]*\) s$/\1/p' <<< "$out")
    link=$(sed -n 's/^linkage: .*(\([0-9.]*\) s)$/\1/p' <<< "$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$label" "$wall" "$user" "$sys" "${scan:--}" "${link:--}" \
      "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
