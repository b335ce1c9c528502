#!/usr/bin/env bash
# Captures the room's display (x11grab, with the mouse pointer drawn in) and the room's audio (the PulseAudio
# null sink's monitor) and pushes H.264 + AAC in FLV to DESKTOP_RTMP_URL.
# x264: preset ultrafast, tune zerolatency (no lookahead, no B-frames, sliced threads), constant frame rate,
# a closed GOP of exactly fps x DESKTOP_GOP_SECONDS frames (keyint = min-keyint, scene-cut off) so every
# segment boundary is predictable, and a VBV cap so no frame burst exceeds what the link drains in
# DESKTOP_VBV_MS.
#
# Environment (defaults in brackets):
#   DESKTOP_RTMP_URL                  required: rtmp://host:1935/live/<key> (any ffmpeg output URL or file
#                                     path works too; the muxer is always flv)
#   DESKTOP_DISPLAY_NUM [99]  DESKTOP_WIDTH [1920]  DESKTOP_HEIGHT [1080]
#   DESKTOP_FPS [30]                  capture and output frame rate
#   DESKTOP_BITRATE_KBPS [6000]       video bitrate and VBV max rate
#   DESKTOP_VBV_MS [1000]             VBV buffer as time at DESKTOP_BITRATE_KBPS (bufsize = rate x ms)
#   DESKTOP_GOP_SECONDS [1]           keyframe interval in seconds (decimals allowed; >= 1 frame)
#   DESKTOP_SCREEN_CONTENT [on]       on: 4:4:4 chroma (H.264 High 4:4:4 Predictive) keeps coloured text and
#                                     thin lines sharp; off: 4:2:0 (High), for players that cannot do 4:4:4
#   DESKTOP_AUDIO [on]                off: video only, PulseAudio not needed
#   DESKTOP_AUDIO_BITRATE_KBPS [128]
#   DESKTOP_AUDIO_RATE_HZ [48000]     an AAC frame is 1024 samples and the encoder holds one: 21 ms + 21 ms at
#                                     48 kHz, half at 96 kHz (with DESKTOP_SPLIT_AV=off video waits for that too;
#                                     there 96000 puts the player's WebCodecs audio off the picture: docs/desktop.md)
#   DESKTOP_AUDIO_FRAGMENT_MS [20]    PulseAudio's fragment for the recorder (its latency; 5 overran at load 15)
#   DESKTOP_SPLIT_AV [on]             on: video and audio encoded by two ffmpeg processes, their FLV tags merged
#                                     as they come (flv-merge.py, needs python3), so video never waits for audio;
#                                     off: one ffmpeg, whose muxer holds each video frame ~100 ms for the audio
#   DESKTOP_FFMPEG_LOGLEVEL [warning] DESKTOP_FFMPEG [ffmpeg]
#   DESKTOP_READY_TIMEOUT_S [15]      wait for the display (and PulseAudio) before starting
# Video only or DESKTOP_SPLIT_AV=off: runs one ffmpeg in the foreground (exec). Split: runs the video encoder,
# the audio encoder and flv-merge.py | the publishing ffmpeg, and ends them all when one ends. Either way it
# exits when the RTMP peer goes away, and the supervisor restarts it; SIGTERM/SIGINT stop it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

DESKTOP_RTMP_URL="${DESKTOP_RTMP_URL:-}"
DESKTOP_FPS="${DESKTOP_FPS:-30}"
DESKTOP_BITRATE_KBPS="${DESKTOP_BITRATE_KBPS:-6000}"
DESKTOP_VBV_MS="${DESKTOP_VBV_MS:-1000}"
DESKTOP_GOP_SECONDS="${DESKTOP_GOP_SECONDS:-1}"
DESKTOP_AUDIO_BITRATE_KBPS="${DESKTOP_AUDIO_BITRATE_KBPS:-128}"
DESKTOP_AUDIO_RATE_HZ="${DESKTOP_AUDIO_RATE_HZ:-48000}"
DESKTOP_AUDIO_FRAGMENT_MS="${DESKTOP_AUDIO_FRAGMENT_MS:-20}"
DESKTOP_FFMPEG_LOGLEVEL="${DESKTOP_FFMPEG_LOGLEVEL:-warning}"
DESKTOP_FFMPEG="${DESKTOP_FFMPEG:-ffmpeg}"
screen_content="$(require_bool DESKTOP_SCREEN_CONTENT "${DESKTOP_SCREEN_CONTENT:-on}")"
audio="$(require_bool DESKTOP_AUDIO "${DESKTOP_AUDIO:-on}")"
split="$(require_bool DESKTOP_SPLIT_AV "${DESKTOP_SPLIT_AV:-on}")"

[[ -n "$DESKTOP_RTMP_URL" ]] || die "DESKTOP_RTMP_URL is required (rtmp://host:port/live/<stream key>)"
require_screen_size
require_uint DESKTOP_FPS "$DESKTOP_FPS" 1 120
require_uint DESKTOP_BITRATE_KBPS "$DESKTOP_BITRATE_KBPS" 100 100000
require_uint DESKTOP_VBV_MS "$DESKTOP_VBV_MS" 50 10000
require_uint DESKTOP_AUDIO_BITRATE_KBPS "$DESKTOP_AUDIO_BITRATE_KBPS" 16 512
require_uint DESKTOP_AUDIO_RATE_HZ "$DESKTOP_AUDIO_RATE_HZ" 8000 96000
require_uint DESKTOP_AUDIO_FRAGMENT_MS "$DESKTOP_AUDIO_FRAGMENT_MS" 5 200
[[ "$DESKTOP_GOP_SECONDS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "DESKTOP_GOP_SECONDS must be a number of seconds, got '$DESKTOP_GOP_SECONDS'"
case "$DESKTOP_FFMPEG_LOGLEVEL" in
  quiet|panic|fatal|error|warning|info|verbose|debug) ;;
  *) die "DESKTOP_FFMPEG_LOGLEVEL must be an ffmpeg log level, got '$DESKTOP_FFMPEG_LOGLEVEL'" ;;
esac
if [[ "$audio" == 1 && "$split" == 1 ]] && ! command -v python3 >/dev/null; then
  die "DESKTOP_SPLIT_AV=on needs python3 (apt-get install -y --no-install-recommends python3), or set DESKTOP_SPLIT_AV=off"
fi
gop_frames="$(awk -v f="$DESKTOP_FPS" -v s="$DESKTOP_GOP_SECONDS" 'BEGIN { g = int(f * s + 0.5); print (g < 1 ? 1 : g) }')"
bufsize_kbit=$(( DESKTOP_BITRATE_KBPS * DESKTOP_VBV_MS / 1000 ))
if [[ "$screen_content" == 1 ]]; then pix_fmt=yuv444p; else pix_fmt=yuv420p; fi

wait_for_display
if [[ "$audio" == 1 ]]; then wait_for_pulse; fi
# One clock for both inputs. x11grab and pulse stamp every packet with the wall clock (pulse minus its
# buffered latency), but by default ffmpeg rebases each input to start at zero on its own: the pulse input
# opens ~0.5 s after x11grab starts, so its audio would be stamped that much early against the video.
# -copyts keeps the capture times; -itsoffset moves both inputs back by the same wall-clock instant, taken
# just before ffmpeg starts, so timestamps start near zero (CFR output fills the ~0.2 s before the first
# capture with a few copies of the first frame) and stay in sync. ffmpeg takes the offset in microseconds.
origin="-${EPOCHREALTIME}"
common=(-nostdin -hide_banner -loglevel "$DESKTOP_FFMPEG_LOGLEVEL" -nostats -copyts)
# 16 raw frames (~130 MB at 1080p) absorb encoder hiccups.
video_in=(-thread_queue_size 16 -itsoffset "$origin" -f x11grab -framerate "$DESKTOP_FPS"
  -video_size "${DESKTOP_WIDTH}x${DESKTOP_HEIGHT}" -draw_mouse 1 -i "${DISPLAY}.0+0,0")
video_out=(-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt "$pix_fmt"
  -fps_mode cfr -r "$DESKTOP_FPS"
  -g "$gop_frames" -keyint_min "$gop_frames" -sc_threshold 0 -forced-idr 1
  -b:v "${DESKTOP_BITRATE_KBPS}k" -maxrate "${DESKTOP_BITRATE_KBPS}k" -bufsize "${bufsize_kbit}k"
  # repeat-headers: SPS/PPS before every IDR, so a reader that joins mid-stream can decode.
  -x264-params "repeat-headers=1")
# Fragments of DESKTOP_AUDIO_FRAGMENT_MS (rate x 2 ch x 2 bytes x ms): left to itself PulseAudio picks ~2 s.
audio_in=(-thread_queue_size 64 -itsoffset "$origin" -f pulse -sample_rate "$DESKTOP_AUDIO_RATE_HZ" -channels 2
  -fragment_size $(( DESKTOP_AUDIO_RATE_HZ * 4 * DESKTOP_AUDIO_FRAGMENT_MS / 1000 )) -name share-space-encoder -i room.monitor)
audio_out=(-c:a aac -b:a "${DESKTOP_AUDIO_BITRATE_KBPS}k" -ar "$DESKTOP_AUDIO_RATE_HZ" -ac 2)
flv_out=(-f flv -flvflags no_duration_filesize -flush_packets 1)
if [[ "$DESKTOP_RTMP_URL" =~ ^rtmps?://[^/]+/.+/[^/]+$ ]]; then
  # The stream key is a secret: hand it to ffmpeg as the play path, so its messages ("Error writing trailer
  # of <url>") name the server and application only.
  target=(-rtmp_playpath "${DESKTOP_RTMP_URL##*/}" "${DESKTOP_RTMP_URL%/*}")
else
  target=("$DESKTOP_RTMP_URL")
fi

# The stream key is a secret: log the URL without its last path element.
log "starting ${DESKTOP_WIDTH}x${DESKTOP_HEIGHT}@${DESKTOP_FPS} ${pix_fmt} ${DESKTOP_BITRATE_KBPS}kbps gop=${gop_frames} audio=${audio} split=${split} -> ${DESKTOP_RTMP_URL%/*}/***"
if [[ "$audio" == 0 ]]; then
  exec "$DESKTOP_FFMPEG" "${common[@]}" "${video_in[@]}" -map 0:v:0 "${video_out[@]}" "${flv_out[@]}" "${target[@]}"
fi
if [[ "$split" == 0 ]]; then
  # One process: its muxer writes in timestamp order, so each video frame waits for the audio (~100 ms).
  exec "$DESKTOP_FFMPEG" "${common[@]}" "${video_in[@]}" "${audio_in[@]}" -map 0:v:0 -map 1:a:0 \
    "${video_out[@]}" "${audio_out[@]}" "${flv_out[@]}" "${target[@]}"
fi

# Split (default): video and audio are encoded by two ffmpeg processes into two pipes, flv-merge.py writes their
# tags into one FLV stream as they come, and a third ffmpeg publishes those bytes unchanged (-f data: its RTMP
# protocol reads the FLV tags itself), so no muxer holds the video for the audio. flv-merge.py stamps both tracks:
# arrival on the same origin minus each one's pipeline (audio: the AAC frame and the one the encoder holds, half a
# recorder fragment, 2 ms; video: one frame's encode), since the encoders' own stamps are off (PulseAudio's by a
# different amount at every start, x11grab's ~40 ms late).
pipes="$DESKTOP_RUNTIME_DIR/encode.$$"
rm -rf "$pipes"
ensure_runtime_dir
mkdir -m 0700 "$pipes"
mkfifo "$pipes/video.flv" "$pipes/audio.flv"
audio_pipeline_ms=$(( (2 * 1024 * 1000 + DESKTOP_AUDIO_RATE_HZ / 2) / DESKTOP_AUDIO_RATE_HZ + DESKTOP_AUDIO_FRAGMENT_MS / 2 + 2 ))
# x11grab's copy, the conversion and x264 ultrafast/zerolatency: ~8 ms of CPU a 720p frame here (the encoder
# process at ~25 % of a core at 30 fps, bench-delay.sh).
video_pipeline_ms=8
pids=()
finish() {
  local pid
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$pipes"
}
trap 'finish; exit 0' TERM INT
"$DESKTOP_FFMPEG" "${common[@]}" "${video_in[@]}" -map 0:v:0 "${video_out[@]}" "${flv_out[@]}" -y "$pipes/video.flv" &
pids+=("$!")
"$DESKTOP_FFMPEG" "${common[@]}" "${audio_in[@]}" -map 0:a:0 "${audio_out[@]}" "${flv_out[@]}" -y "$pipes/audio.flv" &
pids+=("$!")
python3 "$(dirname "$(readlink -f "$0")")/flv-merge.py" "$pipes/video.flv" "$pipes/audio.flv" "${origin#-}" \
  "$DESKTOP_AUDIO_RATE_HZ" "$audio_pipeline_ms" "$video_pipeline_ms" \
  | "$DESKTOP_FFMPEG" "${common[@]}" -f data -raw_packet_size 65536 -i pipe:0 -map 0 -c copy -f data \
      -flush_packets 1 "${target[@]}" &
pids+=("$!")
# Whichever part ends first ends the encoder (room.sh restarts it as a whole).
status=0
wait -n "${pids[@]}" || status=$?
log "an encoder process ended (status ${status}); stopping the others"
finish
exit $(( status == 0 ? 1 : status ))
