# shellcheck shell=bash
# Shared helpers for the room desktop scripts. Sourced, never run.
#
# Every script reads the same environment (see docs/desktop.md for the full table):
#   DESKTOP_DISPLAY_NUM   X display number, no colon               default 99
#   DESKTOP_RUNTIME_DIR   per-room private dir (pulse socket, browser profile, status)
#                         default ${XDG_RUNTIME_DIR:-/tmp}/share-space-desktop-<display>
#   DESKTOP_READY_TIMEOUT_S  how long a script waits for what it depends on   default 15
#   DESKTOP_VNC_PASSWORD_FILE  x11vnc's password (first line), 0600   default <runtime dir>/vnc-password
#   DESKTOP_VNC_PASSWORD  a password to write to that file when it is missing (containers: from a secret); it is
#                         removed from the environment at once, so no component (the browser) inherits it
# Every X client in the room presents the display's cookie from <runtime dir>/Xauthority (made by xvfb.sh).
# Scripts log to stderr, one line per event, prefixed "[desktop/<name>]".
# A script that is ready for clients logs a line containing " ready".

DESKTOP_DISPLAY_NUM="${DESKTOP_DISPLAY_NUM:-99}"
DESKTOP_READY_TIMEOUT_S="${DESKTOP_READY_TIMEOUT_S:-15}"
DESKTOP_RUNTIME_DIR="${DESKTOP_RUNTIME_DIR:-${XDG_RUNTIME_DIR:-/tmp}/share-space-desktop-${DESKTOP_DISPLAY_NUM}}"
DESKTOP_PULSE_DIR="${DESKTOP_RUNTIME_DIR}/pulse"
# Every PulseAudio client in the room (ffmpeg, the browser, pactl) talks to the room's daemon only.
export PULSE_SERVER="unix:${DESKTOP_PULSE_DIR}/native"
export DISPLAY=":${DESKTOP_DISPLAY_NUM}"
export XAUTHORITY="${DESKTOP_RUNTIME_DIR}/Xauthority"
DESKTOP_VNC_PASSWORD_FILE="${DESKTOP_VNC_PASSWORD_FILE:-${DESKTOP_RUNTIME_DIR}/vnc-password}"

DESKTOP_SCRIPT_NAME="${DESKTOP_SCRIPT_NAME:-$(basename "$0" .sh)}"

log() { printf '[desktop/%s] %s\n' "$DESKTOP_SCRIPT_NAME" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# require_uint NAME VALUE MIN MAX: fail with a clear message unless VALUE is an integer in [MIN, MAX].
require_uint() {
  local name="$1" value="$2" min="$3" max="$4"
  [[ "$value" =~ ^[0-9]+$ ]] || die "$name must be a whole number, got '$value'"
  (( 10#$value >= min && 10#$value <= max )) || die "$name must be in [$min, $max], got '$value'"
}

# require_bool NAME VALUE: accepts on/off, true/false, 1/0, yes/no; prints 1 or 0.
require_bool() {
  case "${2,,}" in
    1|on|true|yes) echo 1 ;;
    0|off|false|no) echo 0 ;;
    *) die "$1 must be on or off, got '$2'" ;;
  esac
}

# require_screen_size: the room's screen, DESKTOP_WIDTH x DESKTOP_HEIGHT (default 1920x1080), checked; the
# display, the browser window and the encoder all use it.
require_screen_size() {
  DESKTOP_WIDTH="${DESKTOP_WIDTH:-1920}"
  DESKTOP_HEIGHT="${DESKTOP_HEIGHT:-1080}"
  require_uint DESKTOP_WIDTH "$DESKTOP_WIDTH" 16 7680
  require_uint DESKTOP_HEIGHT "$DESKTOP_HEIGHT" 16 4320
}

require_uint DESKTOP_DISPLAY_NUM "$DESKTOP_DISPLAY_NUM" 0 65535
require_uint DESKTOP_READY_TIMEOUT_S "$DESKTOP_READY_TIMEOUT_S" 1 600

ensure_runtime_dir() {
  mkdir -p "$DESKTOP_RUNTIME_DIR" "$DESKTOP_PULSE_DIR"
  chmod 700 "$DESKTOP_RUNTIME_DIR" "$DESKTOP_PULSE_DIR"
}

# vnc_password_from_env: DESKTOP_VNC_PASSWORD (if set) goes to DESKTOP_VNC_PASSWORD_FILE (0600, written by the
# shell's own printf: the password is on no command line) and leaves the environment.
vnc_password_from_env() {
  if [[ -n "${DESKTOP_VNC_PASSWORD:-}" ]]; then
    [[ "$DESKTOP_VNC_PASSWORD" =~ ^[^[:space:]]{6,}$ ]] || die "DESKTOP_VNC_PASSWORD must be at least 6 characters, no spaces"
    (umask 077; printf '%s\n' "$DESKTOP_VNC_PASSWORD" > "$DESKTOP_VNC_PASSWORD_FILE") \
      || die "cannot write $DESKTOP_VNC_PASSWORD_FILE"
  fi
  unset DESKTOP_VNC_PASSWORD
}

# wait_until DESCRIPTION COMMAND...: polls COMMAND every 100 ms until it succeeds or the ready timeout passes.
wait_until() {
  local what="$1"; shift
  local deadline=$((SECONDS + DESKTOP_READY_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { log "timed out after ${DESKTOP_READY_TIMEOUT_S}s waiting for $what"; return 1; }
    sleep 0.1
  done
}

display_answers() { xdpyinfo -display "$DISPLAY" >/dev/null 2>&1; }
pulse_answers() { pactl info >/dev/null 2>&1; }
# The room daemon is up with its null sink "room" loaded and that sink's monitor as the default source (pulse.sh).
room_source_is_default() { [[ "$(pactl get-default-source 2>/dev/null || true)" == "room.monitor" ]]; }

wait_for_display() { wait_until "X display $DISPLAY" display_answers || die "X display $DISPLAY is not up"; }
wait_for_pulse() { wait_until "PulseAudio at $PULSE_SERVER" pulse_answers || die "PulseAudio at $PULSE_SERVER is not up"; }

# await_first_child_ready CHECK EXITED TIMED_OUT: polls CHECK every 100 ms until it succeeds while the script's
# first child (the program it just started) runs. Dies with EXITED when that child exits first; stops the children
# and dies with TIMED_OUT when DESKTOP_READY_TIMEOUT_S passes.
await_first_child_ready() {
  local check="$1" exited="$2" timed_out="$3"
  local deadline=$((SECONDS + DESKTOP_READY_TIMEOUT_S))
  until "$check"; do
    kill -0 "${CHILD_PIDS[0]}" 2>/dev/null || { wait "${CHILD_PIDS[0]}" || true; die "$exited"; }
    if (( SECONDS >= deadline )); then stop_children; die "$timed_out"; fi
    sleep 0.1
  done
}

# run_child_until_exit: runs "$@" as a child, forwards INT/TERM to it, and exits with its status.
# Used where the script must do work after starting its program (readiness checks), so it cannot exec.
# The child is signalled, given DESKTOP_STOP_GRACE_S to exit, then killed.
DESKTOP_STOP_GRACE_S="${DESKTOP_STOP_GRACE_S:-3}"
CHILD_PIDS=()
stop_children() {
  local pid deadline
  for pid in "${CHILD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + DESKTOP_STOP_GRACE_S))
  for pid in "${CHILD_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for ${DESKTOP_STOP_GRACE_S}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${CHILD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
on_signal() {
  log "got $1, stopping"
  stop_children
  exit 0
}
trap_stop_signals() {
  trap 'on_signal SIGTERM' TERM
  trap 'on_signal SIGINT' INT
  trap 'on_signal SIGHUP' HUP
}
# wait_any_child: returns when the first child exits; stops the others and exits with that child's status.
wait_any_child() {
  local status=0 pid=""
  wait -n -p pid "${CHILD_PIDS[@]}" || status=$?
  log "process ${pid:-?} exited with status $status; stopping the rest"
  stop_children
  exit "$status"
}
