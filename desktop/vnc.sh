#!/usr/bin/env bash
# Runs x11vnc on the room's display: the channel that carries the controlling member's keyboard and mouse.
# Viewers never see VNC pixels (they watch the H.264 stream), so x11vnc runs with -nofb: it still does the
# normal RFB handshake (ServerInit reports the real screen size, so noVNC maps pointer coordinates right),
# answers the first update request with one all-black frame, then sends no framebuffer updates at all and
# reads no pixels (measured: docs/desktop.md). Input events are applied as usual.
#
# Always with a password (never -nopw): any local process can connect to a loopback port, including another
# room's browser or terminal. x11vnc reads it from DESKTOP_VNC_PASSWORD_FILE (-passwdfile: the password is on no
# command line); the room controller writes a random one per start and answers x11vnc's VNC Authentication in its
# WebSocket-to-TCP proxy, which checks each member's VNC token first; browsers never learn it. The file must not
# be readable by group or others. x11vnc uses the first 8 characters (VNC Authentication's DES key).
#
# Environment (defaults in brackets):
#   DESKTOP_DISPLAY_NUM [99]
#   DESKTOP_VNC_PORT [5900]           TCP port
#   DESKTOP_VNC_LISTEN [127.0.0.1]    listen address (x11vnc -listen); keep loopback
#   DESKTOP_VNC_NOFB [on]             off: send the framebuffer too (for debugging with a normal VNC viewer)
#   DESKTOP_VNC_PASSWORD_FILE [<runtime dir>/vnc-password]   required; or DESKTOP_VNC_PASSWORD (lib.sh)
#   DESKTOP_READY_TIMEOUT_S [15]
# Runs x11vnc in the foreground (exec). Note: x11vnc 0.9.16 can deadlock in its own SIGTERM handler (seen
# here: "caught signal: 15", then stuck in a futex); a supervisor must follow SIGTERM with SIGKILL.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

DESKTOP_VNC_PORT="${DESKTOP_VNC_PORT:-5900}"
DESKTOP_VNC_LISTEN="${DESKTOP_VNC_LISTEN:-127.0.0.1}"
nofb="$(require_bool DESKTOP_VNC_NOFB "${DESKTOP_VNC_NOFB:-on}")"
require_uint DESKTOP_VNC_PORT "$DESKTOP_VNC_PORT" 1 65535
[[ "$DESKTOP_VNC_LISTEN" =~ ^[0-9A-Za-z.:_-]+$ ]] || die "DESKTOP_VNC_LISTEN is not an address: '$DESKTOP_VNC_LISTEN'"

ensure_runtime_dir
vnc_password_from_env
pw_file="$DESKTOP_VNC_PASSWORD_FILE"
[[ -f "$pw_file" && -s "$pw_file" ]] || die "no VNC password: $pw_file is missing or empty (set DESKTOP_VNC_PASSWORD or write the file, mode 0600)"
[[ -r "$pw_file" ]] || die "cannot read the VNC password file $pw_file"
pw_mode="$(stat -L -c %a "$pw_file")"
[[ "$pw_mode" =~ ^[0-7]00$ ]] || die "the VNC password file $pw_file is readable by others (mode $pw_mode): chmod 600 it"

wait_for_display

args=(-display "$DISPLAY" -rfbport "$DESKTOP_VNC_PORT" -listen "$DESKTOP_VNC_LISTEN"
  -passwdfile "$pw_file"
  -forever -shared          # one member controls at a time, but the proxy may overlap two sessions briefly
  -noxdamage -nowf -nowcr   # no wireframe/copyrect tricks: they only matter when pixels are sent
  -noipv6 -nossl -nobell -quiet -norc -xkb)
# With loopback, -localhost also makes x11vnc refuse non-local peers as a second guard.
if [[ "$DESKTOP_VNC_LISTEN" == 127.* || "$DESKTOP_VNC_LISTEN" == localhost ]]; then args+=(-localhost); fi
if [[ "$nofb" == 1 ]]; then args+=(-nofb); fi
log "starting x11vnc on ${DESKTOP_VNC_LISTEN}:${DESKTOP_VNC_PORT} display=$DISPLAY nofb=$nofb"
exec x11vnc "${args[@]}"
