#!/usr/bin/env bash
# Stop the Bugsink started by scripts/dev/bugsink-up.sh (by its PID file) and delete its data
# (the venv stays for the next run). KEEP_BUGSINK_DATA=1 keeps the data too.
DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$DIR/lib.sh"
BS_DATA=${MONITOR_DEV_DIR:-$DIR/../../target/dev-servers}/bugsink/run
stop_pid_file "$BS_DATA/gunicorn.pid"
[ "${KEEP_BUGSINK_DATA:-0}" = 1 ] || rm -rf "$BS_DATA"
exit 0
