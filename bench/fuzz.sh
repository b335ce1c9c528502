#!/usr/bin/env bash
# Fuzz run (space.share.player.fuzz.FuzzRun): the real media server and room controller as processes (bin/), a
# live 720p30 stream from ffmpeg into a room watched by a WebSocket feed viewer and an LL-HLS reader, and malformed
# RTMP, HTTP, WebSocket, room-API and VNC-proxy cases against both servers (32 at a time, each a fresh connection
# bounded in time). Prints cases tried per family, crashes, each server's RSS idle/peak/after, fragments lost and
# viewer disconnects; exits 1 when a server died, stopped answering /healthz or RTMP handshakes, the live stream
# stopped, or the viewer lost a fragment (RSS growth is a printed figure, not a gate).
# Usage: bench/fuzz.sh [cases=10000] [seed=1]   (10,000 cases: about 5-6 minutes plus the build; the cases stop after
# 6 minutes whatever the count; needs ffmpeg with libx264 from Debian). Logs: player/target/fuzz-run/.
# FUZZ_OPTS=-Dfuzz.only=rtmp (families or family/kind, comma-separated) narrows the mix.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-10000}"
seed="${2:-1}"
if [[ ! "$cases" =~ ^[0-9]+$ || ! "$seed" =~ ^-?[0-9]+$ ]]; then
  echo "usage: bench/fuzz.sh [cases=10000] [seed=1]" >&2
  exit 2
fi
missing=()
for tool in ffmpeg java mvn npm; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  packages=("${missing[@]/java/openjdk-17-jdk-headless}")
  packages=("${packages[@]/mvn/maven}")
  echo "bench/fuzz.sh: missing: ${missing[*]}" >&2
  echo "  install them:  sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
encoders="$(ffmpeg -hide_banner -encoders 2>/dev/null || true)"
if [[ "$encoders" != *libx264* ]]; then
  echo "bench/fuzz.sh: this ffmpeg has no libx264 encoder (Debian's ffmpeg package has it)" >&2
  exit 1
fi
# bin/media-server and bin/room-controller run from this build; the fuzz client is in the player's test classes.
mvn -B -q package -DskipTests
# shellcheck disable=SC2086 # FUZZ_OPTS is a list of JVM options (-Dfuzz.only=rtmp,http narrows the cases)
exec java -Xmx1g ${FUZZ_OPTS:-} -Dshare.space.home="$PWD" -cp player/target/test-classes space.share.player.fuzz.FuzzRun "$cases" "$seed"
