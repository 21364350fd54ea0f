#!/usr/bin/env bash
# Stop the Bugsink started by scripts/dev/bugsink-up.sh (by its PID file) and delete its data
# (the venv stays for the next run). KEEP_BUGSINK_DATA=1 keeps the data too.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BS_DATA=${MONITOR_DEV_DIR:-$REPO/target/dev-servers}/bugsink/run
if [ -f "$BS_DATA/gunicorn.pid" ]; then
  PID=$(cat "$BS_DATA/gunicorn.pid")
  kill -TERM "$PID" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$PID" 2>/dev/null && kill -KILL "$PID" 2>/dev/null
  rm -f "$BS_DATA/gunicorn.pid"
fi
[ "${KEEP_BUGSINK_DATA:-0}" = 1 ] || rm -rf "$BS_DATA"
exit 0
