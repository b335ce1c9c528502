#!/usr/bin/env bash
# Benchmark: where the room desktop's delay goes before the media server. Starts its own room desktop (Xvfb,
# pulse.sh, a Chromium drawing the clock page player/src/test/resources/stamp-desktop.html, 1280x720 like
# RoomDelayIT), then:
#   1. x11grab at 120 fps reads the top of the screen: drawn -> in X (the app's frame reaching the display);
#   2. for each setting, encode.sh writes its FLV into a pipe read by desktop/delay-probe.py, which stamps the
#      arrival of every FLV tag and decodes the frame: drawn -> capture pts, capture pts -> FLV tag out (queues,
#      CFR, x264, muxer interleaving), drawn -> FLV tag out (what the media server would see, minus RTMP).
# Each setting is a space-separated list of VAR=value for encode.sh (e.g. DESKTOP_LOW_DELAY=off); "default" = none.
#   BENCH_SECONDS [15] per setting   BENCH_SETTINGS ["default"]   DESKTOP_BITRATE_KBPS [3000] (as RoomDelayIT)
# Prints the load average and the encoder's CPU (% of one core) with each setting. Nothing is asserted.
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
BENCH_SECONDS="${BENCH_SECONDS:-15}"
BENCH_SETTINGS="${BENCH_SETTINGS:-default}"
export DESKTOP_WIDTH=1280 DESKTOP_HEIGHT=720 DESKTOP_BITRATE_KBPS="${DESKTOP_BITRATE_KBPS:-3000}"
export DESKTOP_DISPLAY_NUM="${DESKTOP_DISPLAY_NUM:-$(( 500 + RANDOM % 300 ))}"
work="$(mktemp -d)"
export DESKTOP_RUNTIME_DIR="$work/run"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
require_uint BENCH_SECONDS "$BENCH_SECONDS" 5 120
command -v python3 >/dev/null \
  || die "needs python3 (delay-probe.py): apt-get install -y --no-install-recommends python3"
page="$here/../player/src/test/resources/stamp-desktop.html"
[[ -r "$page" ]] || die "missing $page"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n "${BENCH_KEEP:-}" ]] && trap - EXIT
# CPU ticks of a process and all its descendants (encode.sh runs two encoders, flv-merge.py and a publisher).
cpu_ticks() {
  local total pid=$1 child children
  total=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
  read -r -a children <<< "$(cat /proc/"$pid"/task/*/children 2>/dev/null)"
  for child in "${children[@]}"; do total=$(( total + $(cpu_ticks "$child") )); done
  echo "$total"
}
tick_hz="$(getconf CLK_TCK)"

"$here/xvfb.sh" 2>"$work/xvfb.log" & pids+=("$!")
wait_for_display
"$here/pulse.sh" 2>"$work/pulse.log" & pids+=("$!")
wait_for_pulse
chromium --display="$DISPLAY" --no-sandbox --test-type --kiosk --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-gpu --window-position=0,0 --window-size=1280,720 \
  --user-data-dir="$work/browser" "file://$(readlink -f "$page")" >"$work/chromium.log" 2>&1 & pids+=("$!")
sleep 5

echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
ffmpeg -nostdin -hide_banner -loglevel error -f x11grab -framerate 120 -video_size 1280x84 -i "${DISPLAY}.0+0,0" \
  -pix_fmt gray -f rawvideo pipe:1 | timeout $(( BENCH_SECONDS + 10 )) python3 "$here/delay-probe.py" screen "$BENCH_SECONDS" || true

# encode.sh runs $DESKTOP_FFMPEG (each encoder and the publisher); this wrapper records the -itsoffset (minus
# encode.sh's wall-clock origin) of the first that has one.
cat > "$work/ffmpeg" <<WRAP
#!/usr/bin/env bash
prev=""
for a in "\$@"; do [[ "\$prev" == -itsoffset ]] && { echo "\${a#-}" > "$work/origin"; break; }; prev="\$a"; done
exec ffmpeg -y "\$@"
WRAP
chmod +x "$work/ffmpeg"
for setting in $BENCH_SETTINGS; do
  rm -f "$work/origin" "$work/flv"
  mkfifo "$work/flv"
  read -r -a vars <<< "${setting//,/ }"
  [[ "$setting" == default ]] && vars=()
  env "${vars[@]}" DESKTOP_FFMPEG="$work/ffmpeg" DESKTOP_RTMP_URL="$work/flv" DESKTOP_FFMPEG_LOGLEVEL=error \
    "$here/encode.sh" 2>"$work/encode.log" &
  enc=$!
  for _ in $(seq 300); do [[ -s "$work/origin" ]] && break; sleep 0.05; done
  [[ -s "$work/origin" ]] || die "encode.sh did not start ffmpeg: $(cat "$work/encode.log")"
  echo "--- ${setting} (load $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout $(( BENCH_SECONDS + 20 )) python3 "$here/delay-probe.py" flv "$BENCH_SECONDS" "$(cat "$work/origin")" "$work/flv" &
  probe=$!
  sleep 3
  t0="$(cpu_ticks "$enc")"; s0="$EPOCHREALTIME"
  sleep $(( BENCH_SECONDS - 5 ))
  t1="$(cpu_ticks "$enc")"; s1="$EPOCHREALTIME"
  wait "$probe" || true
  kill -INT "$enc" 2>/dev/null || true; wait "$enc" 2>/dev/null || true
  awk -v t=$(( t1 - t0 )) -v hz="$tick_hz" -v a="$s0" -v b="$s1" 'BEGIN { printf "encoder CPU %.0f %% of one core\n", 100 * t / hz / (b - a) }'
  grep -v '^$' "$work/encode.log" | tail -3 || true
done
