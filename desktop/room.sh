#!/usr/bin/env bash
# Runs one room's whole desktop in the foreground: xvfb.sh, pulse.sh (when audio is on), session.sh,
# vnc.sh and encode.sh, each in its own process group (setsid), all configured by the same DESKTOP_*
# environment (see the header of each script and docs/desktop.md).
#
# This is the one supervision policy for a room's components, used everywhere: the room controller's
# ProcessDesktopManager (room.desktop.mode=process) runs one room.sh per room (setsid, DESKTOP_* environment),
# restarts room.sh itself if it dies and reads the status file below for the room's state; the container image
# runs it as its entrypoint. The policy:
#   - a component that exits is restarted after a backoff of 1, 2, 4, 8, 16, 30, 30... s; the backoff
#     resets once it has stayed up DESKTOP_RESTART_RESET_S [30] s;
#   - DESKTOP_RUNTIME_DIR/status holds one line per component: "name state pid restarts last_exit_status"
#     (state: running | backoff | stopped), rewritten on every change (the container HEALTHCHECK reads it);
#   - SIGTERM/SIGINT/SIGHUP stop every component in reverse order: SIGTERM to its process group, SIGKILL to
#     the group after DESKTOP_STOP_GRACE_S [3] s, so no Xvfb, PulseAudio, browser, x11vnc or ffmpeg is left.
#     Then the runtime dir (browser profile, PulseAudio socket) is removed unless DESKTOP_KEEP_RUNTIME_DIR=on.
# Isolation: every X client of the room needs the display's cookie (xvfb.sh writes DESKTOP_RUNTIME_DIR/Xauthority,
# lib.sh exports XAUTHORITY), x11vnc needs the VNC password (DESKTOP_VNC_PASSWORD_FILE, or DESKTOP_VNC_PASSWORD,
# which is written to that file here and never reaches a component). The room controller runs room.sh as the
# room's own system user when it can (room.desktop.isolation, docs/desktop.md).
# Extra environment: DESKTOP_COMPONENTS [xvfb pulse session vnc encode] (a subset, in start order; pulse is
# dropped when DESKTOP_AUDIO=off). DESKTOP_RTMP_URL is required when encode is a component.
# DESKTOP_RTMP_URL_FILE: when set and readable, encode publishes to the URL on its first line instead (read at each
# encode start), and a change of it restarts encode at once: the controller moves a room's stream to another media
# server this way without touching the rest of the desktop.
# Exit status: 0 after a requested stop, 2 on bad configuration.
set -euo pipefail
here="$(dirname "$(readlink -f "$0")")"
DESKTOP_SCRIPT_NAME=room
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

audio="$(require_bool DESKTOP_AUDIO "${DESKTOP_AUDIO:-on}")"
keep_runtime_dir="$(require_bool DESKTOP_KEEP_RUNTIME_DIR "${DESKTOP_KEEP_RUNTIME_DIR:-off}")"
DESKTOP_RESTART_RESET_S="${DESKTOP_RESTART_RESET_S:-30}"
require_uint DESKTOP_RESTART_RESET_S "$DESKTOP_RESTART_RESET_S" 1 86400
require_uint DESKTOP_STOP_GRACE_S "$DESKTOP_STOP_GRACE_S" 1 60
read -r -a components <<< "${DESKTOP_COMPONENTS:-xvfb pulse session vnc encode}"
selected=()
for c in "${components[@]}"; do
  case "$c" in
    xvfb|session|vnc) selected+=("$c") ;;
    pulse) if [[ "$audio" == 1 ]]; then selected+=("$c"); fi ;;
    encode) [[ -n "${DESKTOP_RTMP_URL:-}" ]] || die "DESKTOP_RTMP_URL is required (or leave encode out of DESKTOP_COMPONENTS)"
      selected+=("$c") ;;
    *) die "unknown component '$c' in DESKTOP_COMPONENTS (xvfb pulse session vnc encode)" ;;
  esac
done
(( ${#selected[@]} > 0 )) || die "DESKTOP_COMPONENTS selects nothing"
components=("${selected[@]}")

ensure_runtime_dir
vnc_password_from_env
status_file="$DESKTOP_RUNTIME_DIR/status"
rtmp_url_file="${DESKTOP_RTMP_URL_FILE:-}"
# Sets rtmp_url from DESKTOP_RTMP_URL_FILE (empty when there is none); a builtin read: no process per check.
read_rtmp_url() {
  rtmp_url=""
  if [[ -n "$rtmp_url_file" && -f "$rtmp_url_file" && -r "$rtmp_url_file" ]]; then { read -r rtmp_url || true; } 2>/dev/null < "$rtmp_url_file"; fi
}
declare -A pid=() restarts=() last_exit=() started_at=() next_start_at=() backoff_s=() state=()

write_status() {
  local c tmp="$status_file.tmp"
  : > "$tmp"
  for c in "${components[@]}"; do
    printf '%s %s %s %s %s\n' "$c" "${state[$c]}" "${pid[$c]:--}" "${restarts[$c]}" "${last_exit[$c]:--}" >> "$tmp"
  done
  mv -f "$tmp" "$status_file"
}

start_component() {
  local c="$1"
  if [[ "$c" == encode ]]; then
    read_rtmp_url
    if [[ -n "$rtmp_url" ]]; then export DESKTOP_RTMP_URL="$rtmp_url"; fi
  fi
  # setsid: the script and everything it starts (Xvfb, the browser's helpers...) share one new process
  # group whose id is the script's pid, so stopping the group reaches all of them.
  setsid "$here/$c.sh" &
  pid[$c]=$!
  started_at[$c]=$SECONDS
  state[$c]=running
  log "started $c pid=${pid[$c]}"
}

stop_group() {
  local c="$1" p="${pid[$1]:-}" deadline
  [[ -n "$p" ]] || return 0
  kill -TERM -- "-$p" 2>/dev/null || true
  deadline=$((SECONDS + DESKTOP_STOP_GRACE_S))
  # The group is gone when no process is left in it (the leader may exit before its children).
  while pgrep -g "$p" >/dev/null 2>&1 && (( SECONDS < deadline )); do sleep 0.1; done
  if pgrep -g "$p" >/dev/null 2>&1; then
    log "$c (group $p) still running after ${DESKTOP_STOP_GRACE_S}s, sending SIGKILL"
    kill -KILL -- "-$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
  pid[$c]=""
  state[$c]=stopped
}

stopping=0
stop_all() {
  local i
  stopping=1
  for (( i = ${#components[@]} - 1; i >= 0; i-- )); do stop_group "${components[$i]}"; done
  write_status
  # Running as a room's own user, the dir's entry is in the controller's runtime base, which this user cannot
  # write: the contents go here, the empty dir goes with the controller.
  if [[ "$keep_runtime_dir" == 0 ]]; then rm -rf "$DESKTOP_RUNTIME_DIR" 2>/dev/null || true; fi
  log "stopped"
}
trap 'log "got SIGTERM, stopping"; stop_all; exit 0' TERM
trap 'log "got SIGINT, stopping"; stop_all; exit 0' INT
trap 'log "got SIGHUP, stopping"; stop_all; exit 0' HUP

for c in "${components[@]}"; do
  restarts[$c]=0; backoff_s[$c]=1; next_start_at[$c]=0
  start_component "$c"
done
write_status

while (( ! stopping )); do
  changed=0
  for c in "${components[@]}"; do
    p="${pid[$c]}"
    if [[ -n "$p" ]] && ! kill -0 "$p" 2>/dev/null; then
      status=0; wait "$p" || status=$?
      # Whatever the script left in its group (it may have been SIGKILLed) goes with it.
      kill -KILL -- "-$p" 2>/dev/null || true
      last_exit[$c]=$status
      if (( SECONDS - started_at[$c] >= DESKTOP_RESTART_RESET_S )); then backoff_s[$c]=1; fi
      next_start_at[$c]=$((SECONDS + backoff_s[$c]))
      log "$c exited with status $status; restarting in ${backoff_s[$c]}s"
      backoff_s[$c]=$(( backoff_s[$c] * 2 > 30 ? 30 : backoff_s[$c] * 2 ))
      pid[$c]=""; state[$c]=backoff; changed=1
    elif [[ -z "$p" && "${state[$c]}" == backoff ]] && (( SECONDS >= next_start_at[$c] )); then
      restarts[$c]=$(( restarts[$c] + 1 ))
      start_component "$c"; changed=1
    fi
  done
  if [[ -n "$rtmp_url_file" && -n "${state[encode]:-}" && "${state[encode]}" != stopped ]]; then
    read_rtmp_url
    if [[ -n "$rtmp_url" && "$rtmp_url" != "$DESKTOP_RTMP_URL" ]]; then
      log "publish target changed to ${rtmp_url%/*}/***: restarting encode"
      stop_group encode
      restarts[encode]=$(( restarts[encode] + 1 )); backoff_s[encode]=1
      start_component encode; changed=1
    fi
  fi
  if (( changed )); then write_status; fi
  sleep 0.2
done
