#!/usr/bin/env bash
# VNC proxy benchmark (space.share.room.vnc.VncProxyBench, a main() in the test sources): full-frame throughput and
# small-update round trips to the same x11vnc direct over TCP and through the controller's WebSocket proxy, and the
# proxy alone against a trivial fake VNC server. Results: room-controller/target/bench/vnc-proxy.txt and
# vnc-proxy-fake.txt. Usage: bench/vnc-proxy.sh [all|x11vnc|fake]   (x11vnc needs Xvfb and x11vnc;
# JAVA_OPTS='-Dbench.x11vnc.args=-defer 0' adds x11vnc options)
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: the sibling modules (settings, media-server) resolve to their target/classes without an install.
mvn -B -q -pl room-controller -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
cd room-controller
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  space.share.room.vnc.VncProxyBench "$@"
