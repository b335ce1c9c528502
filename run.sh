#!/usr/bin/env bash
# Share Space, locally, with one command: checks the Debian packages it needs (and names the exact apt-get line),
# builds what is missing or stale, starts the media server and the room controller (with the player's pages and
# room.desktop.mode=process), which creates one room with a live desktop (Xvfb, PulseAudio, openbox + Chromium,
# x11vnc, ffmpeg -> RTMP), waits until the room's stream is live, and prints the room's address and passcode.
# Ctrl-C (or SIGTERM) stops everything: the controller stops every room's desktop first; nothing is left.
#
#   ./run.sh [--install]
#
# --install (or SHARE_SPACE_INSTALL=1): install missing Debian packages with apt-get (as root, else via sudo).
# Configuration: config/share-space.properties, every key overridable by SHARE_SPACE_* environment variables
# (docs/running.md). run.sh sets, unless already set:
#   SHARE_SPACE_ROOM_DESKTOP_MODE=process      the controller runs the rooms' desktops
#   SHARE_SPACE_ROOM_BOOTSTRAP_ID=lobby        the room created at start (kept across runs in the data dir)
#   SHARE_SPACE_ROOM_BOOTSTRAP_PASSCODE        generated once, kept in <data dir>/run-passcode (mode 0600)
#   SHARE_SPACE_SECRET, SHARE_SPACE_ROOM_ADMIN_TOKEN, SHARE_SPACE_MEDIA_STREAMS_DEMO_KEY
#                                              random, generated once into <data dir>/secrets.env (mode 0600): the
#                                              servers refuse empty or shipped secrets (docs/security.md)
# Logs: <data dir>/logs/{media-server,room-controller}.log, each room's desktop: <data dir>/desktops/<id>/desktop.log.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
t0=$(date +%s%N)

install=0
for arg in "$@"; do
  case "$arg" in
    --install) install=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "${SHARE_SPACE_INSTALL:-0}" == 1 ]] && install=1

say() { printf '[run] %s\n' "$*"; }

# ---- Debian packages: command -> package ----
app="${SHARE_SPACE_ROOM_DESKTOP_APP:-$(sed -n 's/^room\.desktop\.app=\(.*\)$/\1/p' config/share-space.properties | tail -1)}"
declare -A package_of=(
  [javac]=openjdk-17-jdk-headless [mvn]=maven [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [curl]=curl
  [Xvfb]=xvfb [xauth]=xauth [setpriv]=util-linux [xdpyinfo]=x11-utils [openbox]=openbox [xterm]=xterm [x11vnc]=x11vnc
  [pulseaudio]=pulseaudio [pactl]=pulseaudio-utils [pgrep]=procps [setsid]=util-linux [python3]=python3
)
[[ "${app:-chromium}" == chromium ]] && package_of[chromium]=chromium
[[ -f player/package.json ]] && package_of[npm]=npm
missing=()
for cmd in "${!package_of[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${package_of[$cmd]}")
done
if command -v dpkg-query >/dev/null 2>&1; then
  for font in fonts-dejavu-core fonts-liberation; do
    dpkg-query -W -f='${Status}' "$font" 2>/dev/null | grep -q 'install ok installed' || missing+=("$font")
  done
fi
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
  line="${install_cmd[*]}"
  if ((install)); then
    if [[ $(id -u) == 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
      echo "run.sh: --install needs root or sudo; run: $line" >&2; exit 1; fi
    say "installing: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install_cmd[@]}"
  else
    echo "run.sh: missing Debian packages: ${missing[*]}" >&2
    echo "  install them:  sudo $line" >&2
    echo "  or run:        ./run.sh --install" >&2
    exit 1
  fi
fi

# ---- build when missing or older than the sources ----
stamp="room-controller/target/.run-build-stamp"
needs_build=0
for f in media-server/target/classes/space/share/media/MediaServer.class room-controller/target/classes/space/share/room/RoomController.class \
    media-server/target/lib room-controller/target/lib "$stamp"; do
  [[ -e "$f" ]] || needs_build=1
done
if ((! needs_build)) && [[ -n "$(find pom.xml ./*/pom.xml media-server/src room-controller/src player/src player/package*.json \
    -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
  needs_build=1
fi
if ((needs_build)); then
  say "building (mvn -B -q package -DskipTests)..."
  mvn -B -q package -DskipTests
  touch "$stamp"
fi

# ---- settings ----
export SHARE_SPACE_ROOM_DESKTOP_MODE="${SHARE_SPACE_ROOM_DESKTOP_MODE:-process}"
export SHARE_SPACE_ROOM_BOOTSTRAP_ID="${SHARE_SPACE_ROOM_BOOTSTRAP_ID:-lobby}"
room="$SHARE_SPACE_ROOM_BOOTSTRAP_ID"
data_dir="${SHARE_SPACE_ROOM_DATA_DIR:-$(sed -n 's/^room\.data-dir=\(.*\)$/\1/p' config/share-space.properties | tail -1)}"
data_dir="${data_dir:-./data}"
mkdir -p "$data_dir/logs"
# random CHARS [ALPHABET]: that many random characters (default a-zA-Z0-9).
random() { local out; out="$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc "${2:-a-zA-Z0-9}")"; printf '%s' "${out:0:$1}"; }
if [[ -z "${SHARE_SPACE_ROOM_BOOTSTRAP_PASSCODE:-}" ]]; then
  if [[ ! -s "$data_dir/run-passcode" ]]; then
    (umask 077; random 8 'a-z0-9' > "$data_dir/run-passcode")
  fi
  SHARE_SPACE_ROOM_BOOTSTRAP_PASSCODE="$(cat "$data_dir/run-passcode")"
fi
export SHARE_SPACE_ROOM_BOOTSTRAP_PASSCODE
# The servers refuse to start with empty or shipped secrets: make random ones once, keep them owner-only, and
# export each unless the environment sets it already (the environment always wins).
secrets_file="$data_dir/secrets.env"
if [[ ! -s "$secrets_file" ]]; then
  (umask 077; printf 'SHARE_SPACE_SECRET=%s\nSHARE_SPACE_ROOM_ADMIN_TOKEN=%s\nSHARE_SPACE_MEDIA_STREAMS_DEMO_KEY=%s\n' \
    "$(random 43)" "$(random 32)" "$(random 24)" > "$secrets_file")
  say "generated random secrets into $secrets_file (mode 0600)"
fi
chmod 600 "$secrets_file"
while IFS='=' read -r name value; do
  [[ "$name" =~ ^SHARE_SPACE_[A-Z0-9_]+$ ]] || continue
  if [[ -z "${!name:-}" ]]; then export "$name=$value"; fi
done < "$secrets_file"
http_port="${SHARE_SPACE_ROOM_HTTP_PORT:-8080}"
media_port="${SHARE_SPACE_MEDIA_HTTP_PORT:-8081}"
rtmp_port="${SHARE_SPACE_MEDIA_RTMP_PORT:-1935}"
public_url="${SHARE_SPACE_ROOM_PUBLIC_URL:-http://localhost:$http_port}"
for port in "$http_port" "$media_port" "$rtmp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: port $port is in use (another Share Space?); set SHARE_SPACE_ROOM_HTTP_PORT / SHARE_SPACE_MEDIA_HTTP_PORT / SHARE_SPACE_MEDIA_RTMP_PORT" >&2
    exit 1
  fi
done

# ---- start, and stop everything on Ctrl-C ----
pids=()
stop_all() {
  trap - INT TERM
  say "stopping..."
  local i pid deadline=$((SECONDS + 40))
  # Last started first: the controller ends the rooms' encoders while the media server still takes their
  # goodbye, then the media server stops.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[i]}"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  say "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

# The JVMs run in their own process groups so the terminal's Ctrl-C reaches them only through stop_all
# (in order, with the controller's desktop shutdown completing).
setsid bin/media-server >>"$data_dir/logs/media-server.log" 2>&1 &
pids+=($!)
setsid bin/room-controller >>"$data_dir/logs/room-controller.log" 2>&1 &
pids+=($!)
say "media server (pid ${pids[0]}) and room controller (pid ${pids[1]}) starting; logs in $data_dir/logs/"

# wait_for SECONDS DESCRIPTION COMMAND...: bounded poll; fails with the logs' tails if a process died.
wait_for() {
  local limit="$1" what="$2"; shift 2
  local deadline=$((SECONDS + limit)) pid
  until "$@" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: a server exited while waiting for $what; last log lines:" >&2
        tail -n 20 "$data_dir/logs/media-server.log" "$data_dir/logs/room-controller.log" >&2
        stop_all; exit 1
      fi
    done
    if ((SECONDS >= deadline)); then
      echo "run.sh: timed out after ${limit}s waiting for $what (logs in $data_dir/logs/, $data_dir/desktops/$room/desktop.log)" >&2
      stop_all; exit 1
    fi
    sleep 0.2
  done
}
wait_for 60 "the media server" curl -fsS "http://127.0.0.1:$media_port/healthz"
wait_for 60 "the room controller" curl -fsS "http://127.0.0.1:$http_port/healthz"
admin_token="$SHARE_SPACE_ROOM_ADMIN_TOKEN"
wait_for 10 "room $room (see $data_dir/logs/room-controller.log)" \
  curl -fsS -H "Authorization: Bearer $admin_token" "http://127.0.0.1:$http_port/api/rooms/$room"
wait_for 90 "room $room's stream to go live" sh -c "curl -fsS http://127.0.0.1:$media_port/api/streams/$room | grep -q '\"live\":true'"
t_live_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

cat <<EOF

  Share Space is running (room live ${t_live_ms} ms after ./run.sh started).

    Room:      $public_url/room.html?room=$room
    Passcode:  $SHARE_SPACE_ROOM_BOOTSTRAP_PASSCODE
    Landing:   $public_url/   (enter room "$room")
    Admin API: $public_url/api/rooms   (Authorization: Bearer <SHARE_SPACE_ROOM_ADMIN_TOKEN in $secrets_file>)
    Relay:     publish to rtmp://localhost:$rtmp_port/live/${SHARE_SPACE_MEDIA_STREAMS_DEMO_KEY:-<key>}
               watch ws://localhost:$media_port/live/demo/feed (docs/protocol.md)
    Logs:      $data_dir/logs/  and  $data_dir/desktops/$room/desktop.log

  Ctrl-C stops everything.

EOF

# Runs until Ctrl-C, or until one server exits (then the other is stopped too).
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "run.sh: a server exited (status $status); stopping the other" >&2
tail -n 20 "$data_dir/logs/media-server.log" "$data_dir/logs/room-controller.log" >&2
stop_all
exit 1
