#!/usr/bin/env bash
# Runs the room's X server: Xvfb on :DESKTOP_DISPLAY_NUM at WIDTHxHEIGHTx24, no TCP listener, and only for clients
# with its cookie: every start writes a new random MIT-MAGIC-COOKIE-1 to DESKTOP_RUNTIME_DIR/Xauthority (0600; lib.sh
# points XAUTHORITY there for the room's other scripts) and runs Xvfb with -auth on it. Without the cookie no local
# process (another room's browser or terminal) can open this display. Needs xauth.
#
# Environment (defaults in brackets):
#   DESKTOP_DISPLAY_NUM [99]      display number; the script fails if that display is already taken
#   DESKTOP_WIDTH [1920]  DESKTOP_HEIGHT [1080]   screen size in pixels
#   DESKTOP_READY_TIMEOUT_S [15]  how long to wait for the display to answer
# Stays in the foreground while Xvfb runs. Logs "[desktop/xvfb] ready display=:N" once xdpyinfo answers.
# Exit status: Xvfb's own, 2 on bad configuration or when Xvfb does not come up in time.
# SIGTERM/SIGINT stop Xvfb (SIGKILL after DESKTOP_STOP_GRACE_S [3]) and exit 0.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

require_screen_size
# x264 with 4:2:0 chroma needs even sizes; keep the screen even so the encoder never has to crop.
(( DESKTOP_WIDTH % 2 == 0 && DESKTOP_HEIGHT % 2 == 0 )) || die "DESKTOP_WIDTH and DESKTOP_HEIGHT must be even"

if display_answers; then
  die "display $DISPLAY is already in use by another X server"
fi
# A stale lock from a killed Xvfb would make the new one refuse to start; it is stale because nothing answers.
lock="/tmp/.X${DESKTOP_DISPLAY_NUM}-lock"
if [[ -e "$lock" ]]; then
  owner="$(tr -dc '0-9' < "$lock" || true)"
  if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then
    die "display $DISPLAY is locked by running pid $owner ($lock)"
  fi
  log "removing stale lock $lock"
  rm -f "$lock" "/tmp/.X11-unix/X${DESKTOP_DISPLAY_NUM}" || die "cannot remove stale lock $lock"
fi

command -v xauth >/dev/null || die "xauth is not installed (package xauth)"
ensure_runtime_dir
# The cookie goes through xauth's stdin (never a command line, which every local user can read in /proc).
rm -f "$XAUTHORITY" "$XAUTHORITY-c" "$XAUTHORITY-l"
cookie="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
[[ "$cookie" =~ ^[0-9a-f]{32}$ ]] || die "could not make an X cookie"
(umask 077; printf 'add %s MIT-MAGIC-COOKIE-1 %s\n' "$DISPLAY" "$cookie" | xauth -q -f "$XAUTHORITY" source -) \
  || die "xauth could not write $XAUTHORITY"
unset cookie

trap_stop_signals
# -auth: only clients presenting the cookie in $XAUTHORITY get in.
# -nolisten tcp: clients reach the display through the unix socket only.
# -noreset: keep the server (and its state) when the last client disconnects.
Xvfb "$DISPLAY" -screen 0 "${DESKTOP_WIDTH}x${DESKTOP_HEIGHT}x24" -auth "$XAUTHORITY" -nolisten tcp -noreset -dpi 96 &
CHILD_PIDS+=("$!")

await_first_child_ready display_answers "Xvfb exited before display $DISPLAY answered" \
  "display $DISPLAY did not answer within ${DESKTOP_READY_TIMEOUT_S}s"
log "ready display=$DISPLAY size=${DESKTOP_WIDTH}x${DESKTOP_HEIGHT}"
wait_any_child
