#!/usr/bin/env bash
# Bring up Bugsink and Spotlight on 127.0.0.1 (in parallel), and tear both down on exit.
#
#   scripts/dev/servers.sh                 # print the variables, keep them up until Ctrl-C
#   scripts/dev/servers.sh -- CMD ARGS...  # run CMD with the variables set, then tear down
#
# See bugsink-up.sh and spotlight-up.sh for ports and options.
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
down() {
  "$DIR/spotlight-down.sh" || true
  "$DIR/bugsink-down.sh" || true
  rm -rf "$WORK"
}
trap down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$DIR/bugsink-up.sh" > "$WORK/bugsink.env" &
BS=$!
"$DIR/spotlight-up.sh" > "$WORK/spotlight.env" &
SP=$!
status=0
wait "$BS" || status=$?
wait "$SP" || status=$?
[ "$status" = 0 ] || { echo "[servers] bring-up failed" >&2; exit "$status"; }
# shellcheck disable=SC1091
source "$WORK/bugsink.env"
# shellcheck disable=SC1091
source "$WORK/spotlight.env"

if [ "${1:-}" = "--" ]; then
  shift
  "$@"
  exit $?
fi
cat "$WORK/bugsink.env" "$WORK/spotlight.env"
echo "[servers] Bugsink: $BUGSINK_URL (errors only)  Spotlight: $SPOTLIGHT_URL/ (everything). Ctrl-C stops both." >&2
while true; do sleep 3600; done
