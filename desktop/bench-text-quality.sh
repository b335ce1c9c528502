#!/usr/bin/env bash
# Benchmark: what the encoder settings do to text. Encodes a source with the same x264 settings as
# encode.sh (ultrafast, zerolatency, CFR, GOP, VBV), decodes, and compares every decoded frame with the
# source in RGB (gbrp): SSIM (all planes) and PSNR. Prints, per setting: keyframe SSIM/PSNR (frame 0),
# mean and worst frame over the clip, and the bitrate used.
#
#   desktop/bench-text-quality.sh SOURCE [SOURCE...]
#     SOURCE: a PNG still (looped for QUALITY_SECONDS at DESKTOP_FPS, i.e. a static desktop) or a lossless
#             clip (e.g. x11grab -> libx264rgb -qp 0) of a scrolling desktop.
#   QUALITY_SETTINGS ["420 444"]   chroma formats to compare
#   QUALITY_RC ["abr"]             abr: -b:v = maxrate = DESKTOP_BITRATE_KBPS; crfNN: constant quality NN,
#                                  capped at the same maxrate/bufsize
#   DESKTOP_FPS [30] DESKTOP_BITRATE_KBPS [6000] DESKTOP_VBV_MS [1000] DESKTOP_GOP_SECONDS [1]
#   QUALITY_SECONDS [2]  QUALITY_KEEP_DIR: keep decoded PNGs of frame 0 there (to look at crops)
set -euo pipefail
(( $# > 0 )) || { echo "usage: $0 SOURCE [SOURCE...]" >&2; exit 2; }
fps="${DESKTOP_FPS:-30}"; kbps="${DESKTOP_BITRATE_KBPS:-6000}"; vbv_ms="${DESKTOP_VBV_MS:-1000}"
gop="$(awk -v f="$fps" -v s="${DESKTOP_GOP_SECONDS:-1}" 'BEGIN { g = int(f * s + 0.5); print (g < 1 ? 1 : g) }')"
secs="${QUALITY_SECONDS:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
for src in "$@"; do
  name="$(basename "$src")"
  if [[ "$src" == *.png ]]; then
    input=(-loop 1 -framerate "$fps" -t "$secs" -i "$src")
  else
    # Resample the clip to constant frame rate once (losslessly), so the encoded and the reference
    # frames line up one to one; otherwise a dropped capture frame shifts every later comparison.
    ffmpeg -nostdin -loglevel error -y -i "$src" -an -fps_mode cfr -r "$fps" -c:v libx264rgb -preset ultrafast -qp 0 "$work/ref.mkv"
    input=(-i "$work/ref.mkv")
  fi
  for chroma in ${QUALITY_SETTINGS:-420 444}; do
    for rc in ${QUALITY_RC:-abr}; do
      rate=(-b:v "${kbps}k")
      if [[ "$rc" == crf* ]]; then rate=(-crf "${rc#crf}"); fi
      ffmpeg -nostdin -loglevel error -y "${input[@]}" -an -c:v libx264 -preset ultrafast -tune zerolatency \
        -pix_fmt "yuv${chroma}p" -fps_mode cfr -r "$fps" -g "$gop" -keyint_min "$gop" -sc_threshold 0 \
        "${rate[@]}" -maxrate "${kbps}k" -bufsize "$(( kbps * vbv_ms / 1000 ))k" -f flv "$work/enc.flv"
      used_kbps="$(ffprobe -v error -show_entries format=size,duration -of csv=p=0 "$work/enc.flv" |
        awk -F, '{ printf "%.0f", $2 * 8 / $1 / 1000 }')"
      ffmpeg -nostdin -loglevel error -y -i "$work/enc.flv" "${input[@]}" -lavfi \
        "[0:v]format=gbrp[d];[1:v]format=gbrp[r];[d][r]ssim=stats_file=$work/ssim.txt" -f null -
      ffmpeg -nostdin -loglevel error -y -i "$work/enc.flv" "${input[@]}" -lavfi \
        "[0:v]format=gbrp[d];[1:v]format=gbrp[r];[d][r]psnr=stats_file=$work/psnr.txt" -f null -
      if [[ -n "${QUALITY_KEEP_DIR:-}" ]]; then
        mkdir -p "$QUALITY_KEEP_DIR"
        ffmpeg -nostdin -loglevel error -y -i "$work/enc.flv" -frames:v 1 "$QUALITY_KEEP_DIR/${name%.*}-${chroma}-${rc}-key.png"
      fi
      paste -d' ' "$work/ssim.txt" "$work/psnr.txt" | awk -v n="$name" -v c="$chroma" -v rc="$rc" -v k="$used_kbps" '
        { for (i = 1; i <= NF; i++) { split($i, kv, ":"); if (kv[1] == "All") s = kv[2]; if (kv[1] == "psnr_avg") p = kv[2] }
          if (NR == 1) { s0 = s; p0 = p }
          ss += s; ps += p; if (NR == 1 || s < smin) smin = s; if (NR == 1 || p < pmin) pmin = p }
        END { printf "%s yuv%sp %s: key ssim=%.4f psnr=%.2fdB | mean ssim=%.4f psnr=%.2fdB | worst ssim=%.4f psnr=%.2fdB | %s kbps, %d frames\n",
          n, c, rc, s0, p0, ss / NR, ps / NR, smin, pmin, k, NR }'
    done
  done
done
