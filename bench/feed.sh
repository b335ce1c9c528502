#!/usr/bin/env bash
# WebSocket feed fan-out benchmark: the media server runs as its own process (bin/media-server, with that script's
# JVM options), the viewers in a separate JVM; prints delivery latency, join time, viewers behind/closed, and the
# server's CPU and RSS per viewer count (figures in docs/security.md and the README's bench table).
# Usage: bench/feed.sh [seconds per run] [viewer counts...]     e.g. bench/feed.sh 15 100 500 1000 (the default)
# BENCH_JAVA_OPTS=-Dbench.deflate=false: viewers that do not offer permessage-deflate (browsers do).
# BENCH_JAVA_OPTS=-Dbench.homes=/tmp/old,.: the same runs against each build in turn (a tree with bin/media-server and
# media-server/target built, e.g. `git archive main | tar -x -C /tmp/old` then `mvn -B -q -pl media-server -am package
# -DskipTests` there), to compare builds under the same load. -Dbench.jfr=DIR: a JFR recording of each measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
counts=("${@:2}")
[[ ${#counts[@]} -gt 0 ]] || counts=(100 500 1000)
mvn -B -q -pl media-server -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/media-server/target/bench.classpath" -Dmdep.includeScope=test
# Bounded: start-up, then per count the connects (<= 30 s), 1 s settle and the measured seconds.
homes=$({ grep -o 'bench\.homes=[^ ]*' <<<"${BENCH_JAVA_OPTS:-}" || true; } | tr -cd , | wc -c)
limit=$(((homes + 1) * (60 + ${#counts[@]} * (seconds + 45))))
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
exec timeout --kill-after=10 "$limit" java -Xmx1g ${BENCH_JAVA_OPTS:-} \
  -cp "media-server/target/test-classes:media-server/target/classes:$(cat media-server/target/bench.classpath)" \
  space.share.media.bench.FeedBenchmark "$seconds" "${counts[@]}"
