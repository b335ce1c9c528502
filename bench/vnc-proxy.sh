#!/usr/bin/env bash
# VNC proxy benchmark (space.share.room.vnc.VncProxyBench, a main() in the test sources): full-frame throughput and
# small-update round trips to the same x11vnc direct over TCP and through the controller's WebSocket proxy, and the
# proxy alone against a trivial fake VNC server. Results: room-controller/target/bench/vnc-proxy.txt and
# vnc-proxy-fake.txt. Usage: bench/vnc-proxy.sh [all|x11vnc|fake]   (x11vnc needs Xvfb and x11vnc;
# JAVA_OPTS='-Dbench.x11vnc.args=-defer 0' adds x11vnc options)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-all}" != fake ]]; then
  for tool in Xvfb:xvfb x11vnc:x11vnc; do
    command -v "${tool%%:*}" >/dev/null || {
      echo "bench/vnc-proxy.sh: ${tool%%:*} is missing: sudo apt-get install -y --no-install-recommends ${tool##*:}" >&2
      exit 1
    }
  done
fi
# One reactor build: the sibling modules (settings, media-server) resolve to their target/classes without an install.
mvn -B -q -pl room-controller -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
cd room-controller
# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  space.share.room.vnc.VncProxyBench "$@"
