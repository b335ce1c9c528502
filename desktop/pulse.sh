#!/usr/bin/env bash
# Runs the room's own PulseAudio daemon, independent of any system or user PulseAudio configuration:
# its runtime dir, state and socket live in DESKTOP_RUNTIME_DIR/pulse, it loads only a unix socket
# (anonymous auth, reachable only through the 0700 runtime dir) and a null sink named "room" that is the
# default output; "room.monitor" (what the room plays) is the default source, which the encoder captures.
#
# Environment (defaults in brackets):
#   DESKTOP_DISPLAY_NUM [99]     used only to derive the default runtime dir
#   DESKTOP_RUNTIME_DIR [${XDG_RUNTIME_DIR:-/tmp}/share-space-desktop-<display>]
#   DESKTOP_AUDIO_RATE_HZ [48000]     the null sink's rate, the same as the encoder's (encode.sh)
#   DESKTOP_READY_TIMEOUT_S [15]
# Clients reach the daemon with PULSE_SERVER=unix:<DESKTOP_RUNTIME_DIR>/pulse/native (lib.sh exports it).
# Works as a normal user and as root (root gets --system=no plus its own dirs; PulseAudio warns but runs).
# Stays in the foreground; logs "[desktop/pulse] ready ..." once pactl sees the sink as default.
# Exit status: the daemon's own, 2 on bad configuration or when the daemon does not come up.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

DESKTOP_AUDIO_RATE_HZ="${DESKTOP_AUDIO_RATE_HZ:-48000}"
require_uint DESKTOP_AUDIO_RATE_HZ "$DESKTOP_AUDIO_RATE_HZ" 8000 192000
command -v pulseaudio >/dev/null || die "pulseaudio is not installed"
command -v pactl >/dev/null || die "pactl is not installed (package pulseaudio-utils)"

ensure_runtime_dir
if pulse_answers; then
  die "a PulseAudio daemon already answers at $PULSE_SERVER"
fi
rm -f "$DESKTOP_PULSE_DIR/native" "$DESKTOP_PULSE_DIR/pid"

# Keep the daemon away from ~/.config/pulse, /run/user and D-Bus: everything is under the room's dir.
export PULSE_RUNTIME_PATH="$DESKTOP_PULSE_DIR"
export PULSE_STATE_PATH="$DESKTOP_PULSE_DIR/state"
export PULSE_CONFIG_PATH="$DESKTOP_PULSE_DIR/config"
export XDG_CONFIG_HOME="$DESKTOP_PULSE_DIR/config"
export HOME="${HOME:-$DESKTOP_RUNTIME_DIR}"
# No D-Bus in a room (nor in the container): point the lookup at nothing instead of letting libdbus autolaunch.
export DBUS_SESSION_BUS_ADDRESS="unix:path=$DESKTOP_PULSE_DIR/no-dbus"
mkdir -p "$PULSE_STATE_PATH" "$PULSE_CONFIG_PATH/pulse"
# A cookie of our own keeps PulseAudio from looking for one in $HOME; clients use anonymous auth anyway.
[[ -s "$PULSE_CONFIG_PATH/pulse/cookie" ]] || head -c 256 /dev/urandom > "$PULSE_CONFIG_PATH/pulse/cookie"

script="$DESKTOP_PULSE_DIR/room.pa"
cat > "$script" <<PA
load-module module-native-protocol-unix socket=$DESKTOP_PULSE_DIR/native auth-anonymous=1
load-module module-null-sink sink_name=room rate=$DESKTOP_AUDIO_RATE_HZ channels=2 sink_properties=device.description=room
set-default-sink room
set-default-source room.monitor
PA

trap_stop_signals
# -n: no default.pa; -F: our script only. --exit-idle-time=-1: stay up with no clients.
# --daemonize=no keeps it a child so a supervisor sees it die.
pulseaudio --daemonize=no --system=no --use-pid-file=no -n -F "$script" \
  --exit-idle-time=-1 --disallow-exit --log-target=stderr --log-level=warn &
CHILD_PIDS+=("$!")

await_first_child_ready room_source_is_default "pulseaudio exited during start-up (see its messages above)" \
  "PulseAudio did not answer at $PULSE_SERVER within ${DESKTOP_READY_TIMEOUT_S}s"
log "ready server=$PULSE_SERVER sink=room source=room.monitor"
wait_any_child
