#!/usr/bin/env bash
# Runs a Java main with an application class-data-sharing (AppCDS) archive, so that a short run does
# not spend most of its time loading and verifying classes from jars.
#
#   java-cds.sh ARCHIVE_DIR CLASSPATH MAIN_CLASS [ARGS...]
#
# CLASSPATH must be jars only (the JDK 17 dynamic archive refuses class folders). One archive per
# command (the first argument when it is a plain word, such as "classify"; "default" otherwise) lives
# in ARCHIVE_DIR as <command>.jsa, next to <command>.key: a digest of the java binary and of the
# name, size and modification time of every classpath entry. The first run of a command, or the
# first after any of those changed, runs with -XX:ArchiveClassesAtExit and stores the archive it
# dumps; later runs map it with -XX:SharedArchiveFile. The JVM checks the archive again (-Xshare:auto)
# and ignores one that does not match, so a stale, truncated or foreign archive costs speed, never a
# run; an archive folder that cannot be written means runs without an archive.
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
command="default"
if [ $# -gt 0 ] && [[ "$1" =~ ^[a-z][a-z0-9-]*$ ]]; then
  command="$1"
fi
jsa="$dir/$command.jsa"
java_bin="$(command -v java || true)"
IFS=: read -r -a entries <<< "$cp"
key="$( { readlink -f "$java_bin" 2>/dev/null; stat -L -c '%n %s %Y' "$(readlink -f "$java_bin" 2>/dev/null || echo "$java_bin")" "${entries[@]}" 2>&1; } | md5sum | cut -c1-32)"
# -Xlog:cds*=off: the JVM's notes about classes it cannot archive (picocli's Java 5 bytecode) or an
# archive it ignores are not the user's concern; IgnoreUnrecognizedVMOptions keeps a JVM without
# dynamic archives running.
quiet=(-XX:+IgnoreUnrecognizedVMOptions -Xshare:auto '-Xlog:cds*=off')
if [ -f "$jsa" ] && [ "$(cat "$dir/$command.key" 2>/dev/null || true)" = "$key" ]; then
  run "${quiet[@]}" -XX:SharedArchiveFile="$jsa"
fi
if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
  run
fi
tmp="$dir/$command.$$.tmp"
rm -f "$tmp"
# an interrupted training run leaves no half-written archive behind
trap 'rm -f "$tmp" "$dir/$command.key.$$" 2>/dev/null || true' EXIT
# Some JVMs or options cannot dump (no base archive, -Xshare:off, ...) and refuse to start at all: a bare
# JVM with the same options tries first, so that the command itself runs once, with or without archive.
# shellcheck disable=SC2086
if ! java "${quiet[@]}" -XX:ArchiveClassesAtExit="$tmp" ${RTSITE_JAVA_OPTS:-} -version >/dev/null 2>&1; then
  rm -f "$tmp"
  run
fi
rm -f "$tmp"
set +e
# shellcheck disable=SC2086
java "${quiet[@]}" -XX:ArchiveClassesAtExit="$tmp" ${RTSITE_JAVA_OPTS:-} -cp "$cp" "$main" "${args[@]}"
rc=$?
set -e
# The archive and its key are moved into place one after the other; a run in between that sees the
# new archive under an old key only trains again.
if [ -s "$tmp" ] && echo "$key" > "$dir/$command.key.$$" 2>/dev/null; then
  mv -f "$tmp" "$jsa" 2>/dev/null && mv -f "$dir/$command.key.$$" "$dir/$command.key" 2>/dev/null || true
fi
rm -f "$tmp" "$dir/$command.key.$$" 2>/dev/null || true
exit $rc
