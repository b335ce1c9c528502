#!/usr/bin/env bash
# Benchmark: encoder CPU per frame, independent of live pacing (usable on a busy machine, where a live run
# only measures the frames the encoder got CPU for). Holds the source's frames in memory as bgr0 (what
# x11grab delivers), runs the pipeline once without and once with encode.sh's x264 settings, and prints
# (user + sys CPU difference) per frame and what that means at DESKTOP_FPS.
#
#   desktop/bench-encoder-cost.sh SOURCE [LOOPS]
#     SOURCE: a PNG still (a static desktop) or a short clip (e.g. a lossless x11grab capture of scrolling);
#     LOOPS [299 for a PNG, 3 for a clip]: extra passes over the frames (a clip's frames must fit in RAM:
#     ~8 MB each at 1080p, at most 200 are held).
#   DESKTOP_FPS [30] DESKTOP_BITRATE_KBPS [6000] DESKTOP_VBV_MS [1000] DESKTOP_GOP_SECONDS [1]
set -euo pipefail
(( $# >= 1 )) || { echo "usage: $0 SOURCE [LOOPS]" >&2; exit 2; }
src="$1"
fps="${DESKTOP_FPS:-30}"; kbps="${DESKTOP_BITRATE_KBPS:-6000}"; vbv_ms="${DESKTOP_VBV_MS:-1000}"
gop="$(awk -v f="$fps" -v s="${DESKTOP_GOP_SECONDS:-1}" 'BEGIN { g = int(f * s + 0.5); print (g < 1 ? 1 : g) }')"
if [[ "$src" == *.png ]]; then loops="${2:-299}"; hold=1; else loops="${2:-3}"; hold=200; fi
frames="$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$src" | head -1)"
total=$(( frames * (loops + 1) ))
# cpu_seconds ARGS...: user + sys CPU of one ffmpeg run over the looped frames
cpu_seconds() {
  local times; times="$(mktemp)"
  /usr/bin/time -o "$times" -f '%U %S' ffmpeg -nostdin -loglevel error -i "$src" \
    -vf "format=bgr0,loop=loop=$loops:size=$hold" "$@" > /dev/null
  awk '{ print $1 + $2 }' "$times"; rm -f "$times"
}
base="$(cpu_seconds -c:v rawvideo -f null -)"
for pix_fmt in yuv420p yuv444p; do
  enc="$(cpu_seconds -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt "$pix_fmt" -fps_mode cfr -r "$fps" \
    -g "$gop" -keyint_min "$gop" -sc_threshold 0 -b:v "${kbps}k" -maxrate "${kbps}k" \
    -bufsize "$(( kbps * vbv_ms / 1000 ))k" -f null -)"
  awk -v b="$base" -v e="$enc" -v n="$total" -v p="$pix_fmt" -v fps="$fps" -v cores="$(nproc)" -v s="$(basename "$src")" 'BEGIN {
    ms = (e - b) / n * 1000
    printf "%s %s: %.2f ms CPU per frame (convert + encode) = %.0f%% of one core at %d fps (%.0f%% of %d cores), %d frames\n",
      s, p, ms, ms * fps / 10, fps, ms * fps / 10 / cores, cores, n }'
done
