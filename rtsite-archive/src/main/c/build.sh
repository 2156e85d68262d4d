#!/usr/bin/env bash
# Builds librtsite_reads.so (batched reads through io_uring, used by HeadReads) into the module's classes, under
# org/rtsite/archive/native/linux-<arch>/, where HeadReads finds it on the class path or in the jar.
# Called by Maven (rtsite-archive/pom.xml, process-classes) with: SOURCE_DIR CLASSES_DIR JAVA_HOME.
# Optional by design: off Linux, or without a C compiler or the JDK's jni.h, it builds nothing and says so, and
# the scanner reads with threads as before (docs/archive.md). RTSITE_NATIVE=off skips it too.
set -euo pipefail
src=$1 classes=$2 jdk=$3
if [ "${RTSITE_NATIVE:-on}" = off ]; then
  echo "rtsite-archive: native reads not built (RTSITE_NATIVE=off)"; exit 0
fi
if [ "$(uname -s)" != Linux ]; then
  echo "rtsite-archive: native reads not built (not Linux)"; exit 0
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "rtsite-archive: native reads not built (no C compiler '$cc'; scripts/setup.sh installs gcc)"; exit 0
fi
if [ ! -f "$jdk/include/jni.h" ]; then
  echo "rtsite-archive: native reads not built (no $jdk/include/jni.h: a JRE, not a JDK)"; exit 0
fi
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) echo "rtsite-archive: native reads not built (machine $(uname -m))"; exit 0 ;;
esac
out="$classes/org/rtsite/archive/native/linux-$arch"
mkdir -p "$out"
so="$out/librtsite_reads.so"
if [ -f "$so" ] && [ "$so" -nt "$src/rtsite_reads.c" ] && [ "$so" -nt "$0" ]; then
  exit 0
fi
"$cc" -O2 -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=default \
  -I"$jdk/include" -I"$jdk/include/linux" -o "$so.tmp" "$src/rtsite_reads.c"
mv "$so.tmp" "$so"
echo "rtsite-archive: built $so"
