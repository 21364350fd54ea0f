#!/usr/bin/env bash
# Stop the Spotlight sidecar started by scripts/dev/spotlight-up.sh, by its PID file.
DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$DIR/lib.sh"
stop_pid_file "${MONITOR_DEV_DIR:-$DIR/../../target/dev-servers}/spotlight/spotlight.pid"
exit 0
