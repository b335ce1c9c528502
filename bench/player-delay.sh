#!/usr/bin/env bash
# Capture-to-display delay as a member sees it, in headless Chromium with the real media server (benchmarks in
# the player's integration tests; figures in docs/player.md):
#   room     RoomDelayIT: a real room desktop (Xvfb, a Chromium drawing the clock, PulseAudio, desktop/encode.sh)
#            played by the room page through WebCodecs and through MediaSource, muted and with sound; stamped
#            frames vs the page's own figure (-Dplayer.decoders=webcodecs,mse); PLAYER_ENCODERS compares encode.sh
#            settings in one run, ';' between them (e.g. PLAYER_ENCODERS='DESKTOP_SPLIT_AV=off;default'), and
#            PLAYER_QUERIES room page settings with sound (e.g. PLAYER_QUERIES=';audiolatency=0': as shipped, then 0);
#            PLAYER_DECODERS=webcodecs measures that path alone
#   layouts  DelayMeasureIT: a synthetic stamped publisher (720p30 + tone), WebCodecs vs MediaSource muted and with
#            sound in one run, then join -> first picture per decoder (-Dplayer.variants=... for MSE layouts and
#            live-edge settings, see DelayMeasureIT)
#   decoders the same as layouts
#   join     DelayMeasureIT's join part alone: page start -> first frame shown, WebCodecs and MediaSource, the
#            second argument being the reloads per decoder (default 7)
# Usage: bench/player-delay.sh [room|layouts|decoders|join] [rounds=2 | reloads=7]   (about 1-3 minutes; needs
# ffmpeg, chromium, chromium-driver, xvfb, x11vnc, pulseaudio)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-room}" in
  room) test=RoomDelayIT; extra=(-Dplayer.rounds="${2:-2}" -Dplayer.encoders="${PLAYER_ENCODERS:-default}" -Dplayer.queries="${PLAYER_QUERIES:-}"
    -Dplayer.decoders="${PLAYER_DECODERS:-webcodecs,mse}") ;;
  layouts|decoders) test=DelayMeasureIT; extra=(-Dplayer.rounds="${2:-2}") ;;
  join) test=DelayMeasureIT; extra=(-Dplayer.variants= -Dplayer.joins="${2:-7}") ;;
  *) echo "usage: bench/player-delay.sh [room|layouts|decoders|join] [rounds|reloads]" >&2; exit 2 ;;
esac
mvn -B -q -pl player -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test="$test" -Dplayer.measure=true "${extra[@]}"
# failsafe keeps the test's output in a file: print the figures.
sed -n '/^=== /,/^browser console/p' "player/target/failsafe-reports/space.share.player.$test-output.txt" | grep -v '^browser console'
