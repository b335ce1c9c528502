#!/usr/bin/env bash
# Runs the room's desktop session on the room's display: the openbox window manager and the starting app.
# If either exits (someone closes the browser, the WM crashes) the other is stopped and the script exits
# with that status, so the supervisor restarts the whole session with its backoff.
#
# Environment (defaults in brackets):
#   DESKTOP_DISPLAY_NUM [99]
#   DESKTOP_RUNTIME_DIR [${XDG_RUNTIME_DIR:-/tmp}/share-space-desktop-<display>]  browser profile goes here
#   DESKTOP_APP [chromium]          chromium | xterm | none (window manager only)
#   DESKTOP_START_URL [about:blank] first page of the browser
#   DESKTOP_WIDTH [1920] DESKTOP_HEIGHT [1080]  browser window size (maximised to the screen)
#   DESKTOP_BROWSER [first of chromium, chromium-browser, google-chrome on PATH]
#   DESKTOP_READY_TIMEOUT_S [15]    how long to wait for the display and for PulseAudio
#   DESKTOP_AUDIO [on]              off: do not wait for the room's PulseAudio
# Logs "[desktop/session] ready ..." after both are started.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

DESKTOP_APP="${DESKTOP_APP:-chromium}"
DESKTOP_START_URL="${DESKTOP_START_URL:-about:blank}"
audio="$(require_bool DESKTOP_AUDIO "${DESKTOP_AUDIO:-on}")"
require_screen_size

app_cmd=()
case "$DESKTOP_APP" in
  chromium)
    browser="${DESKTOP_BROWSER:-}"
    if [[ -z "$browser" ]]; then
      for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null; then browser="$candidate"; break; fi
      done
    fi
    [[ -n "$browser" ]] || die "DESKTOP_APP=chromium but no chromium on PATH (set DESKTOP_BROWSER)"
    profile="$DESKTOP_RUNTIME_DIR/browser-profile"
    # A visible (not headless) browser. --no-sandbox: Chromium's sandbox needs user namespaces, which containers
    # often lack; the room is the sandbox instead: its own OS user (room.desktop.isolation) or container, its own
    # X cookie and VNC password (docs/desktop.md, Isolation). --test-type hides the "unsupported flag" bar.
    # --disable-dev-shm-usage: containers get a 64 MB /dev/shm by default.
    app_cmd=("$browser" --no-sandbox --test-type --disable-gpu --disable-quic --no-first-run
      --no-default-browser-check --disable-background-networking --disable-component-update --disable-sync
      --disable-dev-shm-usage --password-store=basic --log-level=3 --autoplay-policy=no-user-gesture-required
      "--disable-features=Translate,MediaRouter" --start-maximized "--window-position=0,0"
      "--window-size=${DESKTOP_WIDTH},${DESKTOP_HEIGHT}" "--user-data-dir=$profile" "$DESKTOP_START_URL")
    ;;
  xterm) app_cmd=(xterm -maximized -fa Monospace -fs 12) ;;
  none) ;;
  *) die "DESKTOP_APP must be chromium, xterm or none, got '$DESKTOP_APP'" ;;
esac

ensure_runtime_dir
wait_for_display
if [[ "$audio" == 1 ]]; then wait_for_pulse; fi

trap_stop_signals
# --sm-disable: there is no session manager. The default /etc/xdg/openbox/rc.xml is fine for one window.
openbox --sm-disable &
CHILD_PIDS+=("$!")
if (( ${#app_cmd[@]} > 0 )); then
  # The app must not start before the WM manages windows, or it is not maximised.
  wait_until "openbox to manage $DISPLAY" sh -c 'xprop -root _NET_SUPPORTING_WM_CHECK | grep -q "window id"' || true
  "${app_cmd[@]}" &
  CHILD_PIDS+=("$!")
fi
log "ready app=$DESKTOP_APP display=$DISPLAY"
wait_any_child
