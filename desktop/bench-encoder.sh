#!/usr/bin/env bash
# Benchmark: encoder CPU and frame pacing on an already running room desktop (xvfb.sh + pulse.sh +
# session.sh on DESKTOP_DISPLAY_NUM). For each setting it runs encode.sh into a local FLV file for
# BENCH_SECONDS, samples the ffmpeg process's CPU from /proc/<pid>/stat (after a 3 s warm-up), and reads
# ffmpeg's -progress counters (frames out, duplicated = capture missed its slot, dropped).
#
#   DESKTOP_DISPLAY_NUM=73 desktop/bench-encoder.sh            # settings: 420 and 444 at the default bitrate
#   BENCH_SECONDS [20]  BENCH_SETTINGS ["off on"] (DESKTOP_SCREEN_CONTENT values)
#   BENCH_SCROLL [off]  on: scroll the page with xdotool (mouse wheel, 10 steps/s) during the run
# Prints one line per setting. Nothing is asserted: these are figures for docs/desktop.md.
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
BENCH_SECONDS="${BENCH_SECONDS:-20}"
BENCH_SETTINGS="${BENCH_SETTINGS:-off on}"
scroll="$(require_bool BENCH_SCROLL "${BENCH_SCROLL:-off}")"
require_uint BENCH_SECONDS "$BENCH_SECONDS" 5 120
wait_for_display
tick_hz="$(getconf CLK_TCK)"
cores="$(nproc)"
work="$(mktemp -d)"
scroll_pid=""
cleanup() { [[ -n "$scroll_pid" ]] && kill "$scroll_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# encode.sh execs $DESKTOP_FFMPEG; this wrapper adds the progress counters without changing encode.sh.
cat > "$work/ffmpeg" <<WRAP
#!/bin/sh
exec ffmpeg -progress "$work/progress" "\$@"
WRAP
chmod +x "$work/ffmpeg"

for setting in $BENCH_SETTINGS; do
  rm -f "$work/progress" "$work/out.flv"
  DESKTOP_SCREEN_CONTENT="$setting" DESKTOP_FFMPEG="$work/ffmpeg" DESKTOP_RTMP_URL="$work/out.flv" \
    DESKTOP_FFMPEG_LOGLEVEL=error "$here/encode.sh" &
  pid=$!
  if [[ "$scroll" == 1 ]]; then
    xdotool mousemove 960 600
    # 30 wheel steps down then 30 up, 10 steps/s, so the page never sits at its end
    ( while true; do for button in 5 4; do for _ in $(seq 30); do
        xdotool click "$button" >/dev/null 2>&1 || true; sleep 0.1
      done; done; done ) &
    scroll_pid=$!
  fi
  sleep 3
  t0="$(cpu_ticks "$pid")"; s0=$SECONDS
  sleep "$BENCH_SECONDS"
  t1="$(cpu_ticks "$pid")"; s1=$SECONDS
  kill -INT "$pid"; wait "$pid" || true
  if [[ -n "$scroll_pid" ]]; then kill "$scroll_pid" 2>/dev/null || true; wait "$scroll_pid" 2>/dev/null || true; scroll_pid=""; fi
  frames="$(grep '^frame=' "$work/progress" | tail -1 | cut -d= -f2)"
  dups="$(grep '^dup_frames=' "$work/progress" | tail -1 | cut -d= -f2)"
  drops="$(grep '^drop_frames=' "$work/progress" | tail -1 | cut -d= -f2)"
  secs_total="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/out.flv")"
  kbps="$(ffprobe -v error -select_streams v:0 -show_entries format=size -of csv=p=0 "$work/out.flv" | awk -v d="$secs_total" '{ printf "%.0f", $1 * 8 / d / 1000 }')"
  awk -v s="$setting" -v t=$((t1 - t0)) -v hz="$tick_hz" -v w=$((s1 - s0)) -v c="$cores" -v f="$frames" \
      -v du="$dups" -v dr="$drops" -v d="$secs_total" -v k="$kbps" 'BEGIN {
    core = 100 * t / hz / w
    printf "screen_content=%s cpu=%.0f%% of one core (%.0f%% of %d cores) frames=%d in %.1fs (%.2f fps) dup=%d drop=%d total_kbps=%s\n",
      s, core, core / c, c, f, d, f / d, du, dr, k }'
done
