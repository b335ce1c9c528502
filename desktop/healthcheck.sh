#!/usr/bin/env bash
# Container HEALTHCHECK for room.sh: healthy when the display answers and room.sh's status file lists every
# component as running. Prints the status on failure. Same DESKTOP_* environment as room.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
status_file="$DESKTOP_RUNTIME_DIR/status"
[[ -s "$status_file" ]] || { echo "no status file $status_file"; exit 1; }
display_answers || { echo "display $DISPLAY does not answer"; exit 1; }
if grep -qv ' running ' "$status_file"; then echo "not running:"; grep -v ' running ' "$status_file"; exit 1; fi
echo "healthy"
