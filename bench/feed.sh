#!/usr/bin/env bash
# WebSocket feed fan-out benchmark: prints server-added latency, delivery latency, CPU and memory per viewer count.
# Usage: bench/feed.sh [seconds per run] [viewer counts...]     e.g. bench/feed.sh 15 1 100 500
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl media-server -am test-compile -DskipTests
mvn -B -q -pl media-server dependency:build-classpath -Dmdep.outputFile="$PWD/media-server/target/bench.classpath" -Dmdep.includeScope=test
exec java -Xmx2g -cp "media-server/target/test-classes:media-server/target/classes:$(cat media-server/target/bench.classpath)" \
  space.share.media.bench.FeedBenchmark "$@"
