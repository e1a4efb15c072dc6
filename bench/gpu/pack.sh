#!/usr/bin/env bash
# Builds .device-carry/ (ignored by git) for bench/gpu/check.sh on a machine with an NVIDIA GPU but no
# Java or Maven: jre/, a JDK 25 runtime cut down by jlink to java.base, java.logging and
# jdk.incubator.vector (about 44 MiB; no java.desktop, so `train` and `sweep` cannot draw their plots
# there, which the check does not need), and app/, the command line's jar with its libraries (about
# 6 MiB). It refuses to leave more than 60 MiB. Needs a JDK 25 (JAVA_HOME, else the newest in
# /usr/lib/jvm) and Maven with its repository filled (after one ./jcontrast test, -o works offline).
#   bench/gpu/pack.sh [extra Maven options, e.g. -o]
# Then, on the GPU machine, with .device-carry/ carried into the working tree: bench/gpu/check.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CARRY=$ROOT/.device-carry
LIMIT_MIB=60
MODULES=java.base,java.logging,jdk.incubator.vector

major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/jlink" ] || [ "$(major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  JAVA_HOME=""
  for home in /usr/lib/jvm/*; do
    m=$(major "$home")
    if [ -x "$home/bin/jlink" ] && [ -n "$m" ] && [ "$m" -ge 25 ]; then JAVA_HOME=$home; fi
  done
fi
[ -n "$JAVA_HOME" ] || { echo "pack.sh: no JDK 25 with jlink found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

echo "building the command line with $JAVA_HOME"
(cd "$ROOT" && mvn -q -DskipTests -pl src/cli -am package "$@")
rm -rf "$CARRY"
mkdir -p "$CARRY/app"
cp "$ROOT/src/cli/target/jcontrast-cli.jar" "$CARRY/app/"
cp -r "$ROOT/src/cli/target/lib" "$CARRY/app/lib"

echo "linking a runtime of $MODULES"
strip=(--strip-native-debug-symbols=exclude-debuginfo-files --strip-java-debug-attributes)
if ! command -v objcopy >/dev/null; then
  strip=(--strip-debug) # stripping native symbols needs binutils' objcopy
fi
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" "${strip[@]}" --no-header-files --no-man-pages --compress=zip-9 \
  --output "$CARRY/jre" 2>&1 | grep -v 'Using incubator modules' || true
[ -x "$CARRY/jre/bin/java" ] || { echo "pack.sh: jlink made no runtime" >&2; exit 1; }

{
  echo "commit $(git -C "$ROOT" rev-parse HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' (with uncommitted changes)')"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
} > "$CARRY/BUILT"
"$CARRY/jre/bin/java" --add-modules jdk.incubator.vector -jar "$CARRY/app/jcontrast-cli.jar" --version >/dev/null 2>&1 \
  || "$CARRY/jre/bin/java" --add-modules jdk.incubator.vector -jar "$CARRY/app/jcontrast-cli.jar" --help >/dev/null
size=$(du -sm "$CARRY" | cut -f1)
echo "$CARRY: ${size} MiB ($(du -sm "$CARRY/jre" | cut -f1) runtime, $(du -sm "$CARRY/app" | cut -f1) jars)"
[ "$size" -le "$LIMIT_MIB" ] || { echo "pack.sh: more than $LIMIT_MIB MiB" >&2; exit 1; }
