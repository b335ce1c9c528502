#!/usr/bin/env bash
# Integration check of the room desktop with the real programs: runs room.sh on a free display, publishing to
# a one-shot local RTMP listener (ffmpeg -listen 1), for SELFTEST_SECONDS, then stops it with SIGTERM and
# checks:
#   - the recorded FLV has H.264 at the room's size and pixel format, a keyframe every fps x GOP frames,
#     about fps x seconds frames, and AAC stereo audio at DESKTOP_AUDIO_RATE_HZ (ffprobe);
#   - a tone played into the room's default sink is audible in the stream (sink -> monitor -> AAC);
#   - x11vnc answered an RFB handshake on loopback; PulseAudio's default source was room.monitor;
#   - a component killed with SIGKILL (x11vnc) was restarted and room.sh's status file showed it;
#   - after SIGTERM nothing the room started is left (no process in any component's group, none naming
#     the room's display or runtime dir), and the runtime dir and X lock are gone.
# Prints "PASS ..." / "FAIL ..." per check; exits 1 if any check failed, 0 otherwise.
#
#   desktop/selftest.sh
#   SELFTEST_SECONDS [5]   SELFTEST_APP [xterm] (or chromium)   plus any DESKTOP_* (size, fps, GOP, ...)
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
seconds="${SELFTEST_SECONDS:-5}"
export DESKTOP_WIDTH="${DESKTOP_WIDTH:-1920}" DESKTOP_HEIGHT="${DESKTOP_HEIGHT:-1080}" DESKTOP_FPS="${DESKTOP_FPS:-30}"
export DESKTOP_GOP_SECONDS="${DESKTOP_GOP_SECONDS:-1}" DESKTOP_APP="${SELFTEST_APP:-xterm}"
export DESKTOP_SCREEN_CONTENT="${DESKTOP_SCREEN_CONTENT:-on}" DESKTOP_AUDIO=on
work="$(mktemp -d)"
failures=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do p=$(( 20000 + RANDOM % 40000 )); if port_free "$p"; then echo "$p"; return; fi; done
  echo "no free port found" >&2; exit 1
}
free_display() {
  local n
  for _ in $(seq 50); do
    n=$(( 200 + RANDOM % 800 ))
    if [[ ! -e "/tmp/.X$n-lock" && ! -e "/tmp/.X11-unix/X$n" ]]; then echo "$n"; return; fi
  done
  echo "no free display found" >&2; exit 1
}
# wait_for SECONDS COMMAND...: bounded poll
wait_for() { local deadline=$((SECONDS + $1)); shift; until "$@"; do (( SECONDS < deadline )) || return 1; sleep 0.2; done; }

export DESKTOP_DISPLAY_NUM; DESKTOP_DISPLAY_NUM="$(free_display)"
export DESKTOP_VNC_PORT; DESKTOP_VNC_PORT="$(free_port)"
export DESKTOP_RUNTIME_DIR="$work/runtime"
rtmp_port="$(free_port)"
export DESKTOP_RTMP_URL="rtmp://127.0.0.1:$rtmp_port/live/selftest-key"
# x11vnc never runs without a password (vnc.sh); room.sh writes this one to the runtime dir and drops the variable.
export DESKTOP_VNC_PASSWORD; DESKTOP_VNC_PASSWORD="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
echo "display :$DESKTOP_DISPLAY_NUM, vnc $DESKTOP_VNC_PORT, rtmp $rtmp_port, app $DESKTOP_APP, work $work"

# One-shot RTMP server: accepts one publisher and copies what it sends into an FLV file. Bounded in time.
timeout 120 ffmpeg -nostdin -hide_banner -loglevel error -listen 1 -i "rtmp://127.0.0.1:$rtmp_port/live/selftest-key" \
  -c copy -f flv -y "$work/out.flv" > "$work/listener.log" 2>&1 &
listener=$!
# Do not probe the listener: a probe connection would use up its one accept. It listens within ~100 ms.
sleep 1

"$here/room.sh" > "$work/room.log" 2>&1 &
room=$!
component_pids=()
cleanup() {
  # Only reached with processes alive when a check aborted early: stop everything we started.
  if kill -0 "$room" 2>/dev/null; then kill -TERM "$room"; wait_for 10 bash -c "! kill -0 $room 2>/dev/null" || kill -KILL "$room"; fi
  local p; for p in "${component_pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  kill "$listener" 2>/dev/null || true
  if (( failures > 0 )); then echo "--- room.log"; cat "$work/room.log"; echo "--- listener.log"; cat "$work/listener.log"; fi
  rm -rf "$work"
}
trap cleanup EXIT

status_file="$DESKTOP_RUNTIME_DIR/status"
all_running() { [[ -f "$status_file" ]] && (( $(grep -c ' running ' "$status_file") == 5 )); }
if wait_for 20 all_running; then pass "all five components running"; else fail "components not all running: $(cat "$status_file" 2>/dev/null)"; fi
mapfile -t component_pids < <(awk '{ print $3 }' "$status_file")
flv_growing() { [[ -s "$work/out.flv" ]] && (( $(stat -c %s "$work/out.flv") > 50000 )); }
if wait_for 30 flv_growing; then pass "stream reaches the RTMP listener"; else fail "no stream arrived at the RTMP listener"; fi
started_at=$SECONDS
stream_started_ns="$(date +%s%N)"

# VNC: the RFB greeting on loopback.
greeting="$(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$DESKTOP_VNC_PORT; head -c 12 <&3" || true)"
if [[ "$greeting" == "RFB 003.008" ]]; then pass "x11vnc greets on 127.0.0.1:$DESKTOP_VNC_PORT"; else fail "no RFB greeting from x11vnc: '$greeting'"; fi
source_name="$(PULSE_SERVER="unix:$DESKTOP_RUNTIME_DIR/pulse/native" pactl get-default-source 2>/dev/null || true)"
if [[ "$source_name" == room.monitor ]]; then pass "PulseAudio default source is room.monitor"; else fail "default source is '$source_name'"; fi

# Sound path: a 1 kHz tone played into the default sink must come out of the encoder (checked below).
PULSE_SERVER="unix:$DESKTOP_RUNTIME_DIR/pulse/native" timeout 10 ffmpeg -nostdin -loglevel error -re \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=2" -f pulse -device room selftest-tone \
  || fail "could not play a tone into the room's sink"

# Supervision: kill x11vnc hard; room.sh must notice and restart it (backoff 1 s).
vnc_pid="$(awk '$1 == "vnc" { print $3 }' "$status_file")"
kill -KILL "$vnc_pid"
vnc_restarted() { awk '$1 == "vnc" && $2 == "running" && $4 == 1 { found = 1 } END { exit !found }' "$status_file"; }
if wait_for 10 vnc_restarted; then pass "killed x11vnc was restarted: $(grep '^vnc ' "$status_file")"; else fail "x11vnc not restarted: $(grep '^vnc ' "$status_file")"; fi
mapfile -t component_pids < <(awk '$3 != "-" { print $3 }' "$status_file")

remaining=$(( seconds - (SECONDS - started_at) ))
if (( remaining > 0 )); then sleep "$remaining"; fi
stream_wall_s="$(awk -v a="$stream_started_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
kill -TERM "$room"
if wait_for 20 bash -c "! kill -0 $room 2>/dev/null"; then pass "room.sh exited after SIGTERM"; else fail "room.sh still running 20 s after SIGTERM"; fi
wait "$room" || true
wait_for 15 bash -c "! kill -0 $listener 2>/dev/null" || kill "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true

# Nothing left behind.
left=""
for p in "${component_pids[@]}"; do left+="$(pgrep -g "$p" -a || true)"; done
left+="$(pgrep -af -- ":$DESKTOP_DISPLAY_NUM( |\.|$)|$DESKTOP_RUNTIME_DIR" || true)"
if [[ -z "$left" ]]; then pass "no process of the room left"; else fail "left behind: $left"; fi
if [[ ! -e "$DESKTOP_RUNTIME_DIR" && ! -e "/tmp/.X$DESKTOP_DISPLAY_NUM-lock" ]]; then pass "runtime dir and X lock removed"; else fail "runtime dir or /tmp/.X$DESKTOP_DISPLAY_NUM-lock left"; fi

# The recording.
probe() { ffprobe -v error -select_streams "$1" -show_entries "$2" -of default=nw=1:nk=1 "$work/out.flv"; }
video="$(probe v:0 stream=codec_name,width,height,pix_fmt | paste -sd' ')"
want_pix=yuv444p; [[ "$DESKTOP_SCREEN_CONTENT" =~ ^(off|0|false|no)$ ]] && want_pix=yuv420p
if [[ "$video" == "h264 $DESKTOP_WIDTH $DESKTOP_HEIGHT $want_pix" ]]; then pass "video: $video"; else fail "video is '$video', want h264 $DESKTOP_WIDTH $DESKTOP_HEIGHT $want_pix"; fi
audio="$(probe a:0 stream=codec_name,sample_rate,channels | paste -sd' ')"
want_rate="${DESKTOP_AUDIO_RATE_HZ:-48000}"
if [[ "$audio" == "aac $want_rate 2" ]]; then pass "audio: $audio"; else fail "audio is '$audio', want aac $want_rate 2"; fi
max_volume="$(ffmpeg -nostdin -hide_banner -i "$work/out.flv" -map 0:a:0 -af volumedetect -f null - 2>&1 |
  awk '/max_volume/ { print $(NF - 1) }')"
if awk -v v="${max_volume:--99}" 'BEGIN { exit !(v > -20) }'; then pass "tone played into the sink is in the stream (max ${max_volume} dB)"; else fail "no tone in the stream audio (max_volume ${max_volume:-?} dB)"; fi
ffprobe -v error -select_streams v:0 -show_entries packet=pts_time,flags -of csv=p=0 "$work/out.flv" > "$work/packets.csv"
frames="$(wc -l < "$work/packets.csv")"
span_s="$(awk -F, 'NR == 1 { first = $1 } { last = $1 } END { printf "%.2f", last - first + 0 }' "$work/packets.csv")"
rate="$(awk -v f="$frames" -v s="$span_s" 'BEGIN { printf "%.2f", (s > 0 ? (f - 1) / s : 0) }')"
# The stream must be real time: it covers at least the wall-clock time between its first bytes reaching
# the listener and the stop (it also holds what was buffered before), at a constant fps.
if awk -v r="$rate" -v fps="$DESKTOP_FPS" -v span="$span_s" -v wall="$stream_wall_s" 'BEGIN { exit !(r > fps * 0.97 && r < fps * 1.03 && span >= wall * 0.9) }'; then
  pass "frames: $frames over ${span_s}s of stream = $rate fps (want $DESKTOP_FPS); ${stream_wall_s}s of wall clock after the first bytes"
else
  fail "frames: $frames over ${span_s}s = $rate fps (want $DESKTOP_FPS), stream must cover at least 90% of ${stream_wall_s}s wall clock"
fi
gop="$(awk -v f="$DESKTOP_FPS" -v s="$DESKTOP_GOP_SECONDS" 'BEGIN { print int(f * s + 0.5) }')"
key_gaps="$(awk -F, '$2 ~ /K/ { if (prev != "") print NR - prev; prev = NR }' "$work/packets.csv" | sort -u | paste -sd' ')"
if [[ "$key_gaps" == "$gop" ]]; then pass "keyframe every $gop frames"; else fail "keyframe gaps '$key_gaps', want $gop"; fi

if (( failures > 0 )); then echo "selftest: $failures check(s) failed"; exit 1; fi
echo "selftest: all checks passed"
