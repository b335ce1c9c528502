#!/usr/bin/env bash
# LL-HLS benchmark (space.share.media.hls.HlsBenchmark): hls.js capture-to-display latency (origin, tuned, through
# nginx), origin request rate and CPU with N simulated LL-HLS viewers, and nginx-rtmp's HLS for comparison.
# Usage: bench/hls.sh [viewers=200] [loadSeconds=15]   (about 2.5 minutes; needs ffmpeg, chromium, nginx and
# libnginx-mod-rtmp from Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl media-server -am test-compile
mvn -B -q -pl media-server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cd media-server
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  space.share.media.hls.HlsBenchmark "$@"
