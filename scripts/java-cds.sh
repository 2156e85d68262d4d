#!/usr/bin/env bash
# Runs a Java main with an application class-data-sharing (AppCDS) archive, so that a short run does
# not spend most of its time loading and verifying classes from jars.
#
#   java-cds.sh ARCHIVE_DIR CLASSPATH MAIN_CLASS [ARGS...]
#
# CLASSPATH must be jars only (the JDK 17 archive refuses class folders). One archive per command (the
# first argument when it is a plain word, such as "classify"; "default" otherwise) lives in ARCHIVE_DIR
# as <command>.jsa, next to <command>.key: the name, size, modification time and inode of the java binary
# (the file it links to) and of every classpath entry, as `stat` prints them. The first run of a command,
# or the first after any of those changed, runs with -XX:DumpLoadedClassList; the classes it loaded, with
# the JDK's own default list, are then dumped into a static archive (-Xshare:dump), which later runs map with
# -XX:SharedArchiveFile. A static archive, unlike the dynamic one of -XX:ArchiveClassesAtExit, also
# holds classes of Java 5 bytecode such as picocli's (181 classes of a classify run, re-verified in every
# process otherwise). The JVM checks the archive again (-Xshare:auto) and ignores one that does not
# match, so a stale, truncated or foreign archive costs speed, never a run; an archive folder that
# cannot be written means runs without an archive.
# RTSITE_JAVA_OPTS is passed to java as before; RTSITE_CDS=off runs without any archive.
set -euo pipefail
dir="$1"; cp="$2"; main="$3"; shift 3
# shellcheck disable=SC2086  # RTSITE_JAVA_OPTS is a list of options, split on blanks as it always was
# the user's options come last, so that they win (e.g. -Xshare:off)
run() { exec java "$@" ${RTSITE_JAVA_OPTS:-} -cp "$cp" "$main" "${args[@]}"; }
args=("$@")
if [ "${RTSITE_CDS:-on}" = off ]; then
  run
fi
# shellcheck disable=SC2086
for o in ${RTSITE_JAVA_OPTS:-}; do
  if [ "$o" = -Xshare:off ]; then
    run # the user's word: no archive made or used (a JVM told -Xshare:dump would still make one)
  fi
done
command="default"
if [ $# -gt 0 ] && [[ "$1" =~ ^[a-z][a-z0-9-]*$ ]]; then
  command="$1"
fi
jsa="$dir/$command.jsa"
# (as few processes as can be: each one started here is wall time of every run, so bash's own table of
# commands finds java, and one `stat` makes the key: the file a java link points to, switched by the
# system's alternatives, has an inode and times of its own)
java_bin=""
if hash java 2>/dev/null; then
  java_bin="${BASH_CMDS[java]:-}"
fi
IFS=: read -r -a entries <<< "$cp"
key="$(stat -L -c '%n %s %Y %i' "${java_bin:-java}" "${entries[@]}" 2>&1)" || true
# -Xlog:cds*=off: the JVM's notes about an archive it ignores are not the user's concern;
# IgnoreUnrecognizedVMOptions keeps a JVM without these options running.
quiet=(-XX:+IgnoreUnrecognizedVMOptions -Xshare:auto '-Xlog:cds*=off')
stored_key=""
if [ -f "$dir/$command.key" ]; then
  IFS= read -r -d '' stored_key < "$dir/$command.key" 2>/dev/null || true
  stored_key="${stored_key%$'\n'}"
fi
if [ -f "$jsa" ] && [ "$stored_key" = "$key" ]; then
  run "${quiet[@]}" -XX:SharedArchiveFile="$jsa"
fi
if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
  run
fi
tmp="$dir/$command.$$.tmp"
list="$dir/$command.$$.classlist"
rm -f "$tmp" "$list"
# an interrupted training run leaves no half-written archive or list behind
trap 'rm -f "$tmp" "$list" "$list.all" "$dir/$command.key.$$" 2>/dev/null || true' EXIT
set +e
# shellcheck disable=SC2086
java "${quiet[@]}" -XX:DumpLoadedClassList="$list" ${RTSITE_JAVA_OPTS:-} -cp "$cp" "$main" "${args[@]}"
rc=$?
set -e
# The dump takes the user's JVM options (heap, GC and -Xshare settings decide what an archive may hold)
# except logging: -Xlog:...:file=X would overwrite the run's own log with the dump's.
dump_opts=()
# shellcheck disable=SC2086
for o in ${RTSITE_JAVA_OPTS:-}; do
  [[ "$o" == -Xlog* ]] || dump_opts+=("$o")
done
java_real="$(readlink -f "$java_bin" 2>/dev/null || true)"
jdk_list="$(dirname "$(dirname "${java_real:-$java_bin}")")/lib/classlist"
if [ -s "$list" ]; then
  # The JDK's default list first, so that the archive replaces the default one (which a static archive of
  # our own switches off) for every JDK class that one held, not only those this run happened to load.
  { if [ -r "$jdk_list" ]; then grep -v '^#' "$jdk_list"; fi; cat "$list"; } > "$list.all" 2>/dev/null \
    && mv -f "$list.all" "$list" || rm -f "$list.all"
  # The archive and its key are moved into place one after the other; a run in between that sees the
  # new archive under an old key only trains again. A JVM that cannot dump leaves no archive: no harm.
  if java -XX:+IgnoreUnrecognizedVMOptions -Xlog:disable -Xshare:dump -XX:SharedClassListFile="$list" \
      -XX:SharedArchiveFile="$tmp" "${dump_opts[@]}" -cp "$cp" >/dev/null 2>&1 \
      && [ -s "$tmp" ] && printf '%s\n' "$key" > "$dir/$command.key.$$" 2>/dev/null; then
    mv -f "$tmp" "$jsa" 2>/dev/null && mv -f "$dir/$command.key.$$" "$dir/$command.key" 2>/dev/null || true
  fi
fi
rm -f "$tmp" "$list" "$list.all" "$dir/$command.key.$$" 2>/dev/null || true
exit $rc
