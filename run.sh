#!/usr/bin/env bash
# Runs Share Space locally: builds if needed, then starts the media server.
# Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in java mvn ffmpeg; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "missing: ${missing[*]}. On Debian: sudo apt-get install -y openjdk-17-jdk-headless maven ffmpeg" >&2
  exit 1
fi

if [[ ! -f media-server/target/classes/space/share/media/MediaServer.class || -n "$(find media-server/src -newer media-server/target/classes -print -quit 2>/dev/null)" ]]; then
  mvn -B -q -pl media-server -am package -DskipTests
fi
mvn -B -q -pl media-server dependency:build-classpath -Dmdep.outputFile="$PWD/media-server/target/runtime.classpath" -Dmdep.includeScope=runtime

exec java -cp "media-server/target/classes:$(cat media-server/target/runtime.classpath)" space.share.media.MediaServer
