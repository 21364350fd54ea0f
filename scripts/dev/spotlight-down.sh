#!/usr/bin/env bash
# Stop the Spotlight sidecar started by scripts/dev/spotlight-up.sh, by its PID file.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SP_HOME=${MONITOR_DEV_DIR:-$REPO/target/dev-servers}/spotlight
if [ -f "$SP_HOME/spotlight.pid" ]; then
  PID=$(cat "$SP_HOME/spotlight.pid")
  kill -TERM "$PID" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$PID" 2>/dev/null && kill -KILL "$PID" 2>/dev/null
  rm -f "$SP_HOME/spotlight.pid"
fi
exit 0
