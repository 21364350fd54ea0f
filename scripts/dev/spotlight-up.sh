#!/usr/bin/env bash
# Bring up a Spotlight 4.11.8 sidecar (npm) on 127.0.0.1 only, with its own telemetry sent
# into a closed loopback port, and print the variables to use it:
#
#   eval "$(scripts/dev/spotlight-up.sh)"   # SENTRY_SPOTLIGHT SPOTLIGHT_URL
#   trap scripts/dev/spotlight-down.sh EXIT
#
# Environment (all optional):
#   SPOTLIGHT_PORT    port on 127.0.0.1 (default 18969)
#   MONITOR_DEV_DIR   where node_modules and the log live (default <repo>/target/dev-servers)
#
# Spotlight keeps everything (errors, transactions, logs, metrics, check-ins) in memory, the
# last 500 envelopes; its UI is at http://127.0.0.1:$SPOTLIGHT_PORT/.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEV_DIR=${MONITOR_DEV_DIR:-$REPO/target/dev-servers}
SP_HOME=$DEV_DIR/spotlight
SP_PORT=${SPOTLIGHT_PORT:-18969}
log() { echo "[spotlight-up] $*" >&2; }

mkdir -p "$SP_HOME"
cd "$SP_HOME"
if [ -f spotlight.pid ] && kill -0 "$(cat spotlight.pid)" 2>/dev/null; then
  log "a Spotlight from an earlier run is still up (pid $(cat spotlight.pid)); stop it with scripts/dev/spotlight-down.sh"
  exit 1
fi
if python3 "$REPO/scripts/dev/net.py" listening "$SP_PORT"; then
  log "port $SP_PORT is taken by something else; set SPOTLIGHT_PORT"
  exit 1
fi
if [ ! -f node_modules/@spotlightjs/spotlight/dist/run.js ]; then
  log "installing @spotlightjs/spotlight 4.11.8 into $SP_HOME"
  # hono is pinned: with hono 4.13.x every request of Spotlight 4.11.8 fails
  # ("ctx.req.query(...).toString is not a function").
  cat > package.json <<'PKG'
{ "private": true,
  "dependencies": { "@spotlightjs/spotlight": "4.11.8" },
  "overrides": { "hono": "4.12.25" } }
PKG
  npm install --no-audit --no-fund --loglevel=error >&2
fi
# Spotlight passes no host to listen(), so it would bind every interface: force 127.0.0.1.
cat > loopback.mjs <<'JS'
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && (args[1] === undefined || typeof args[1] === "function")) {
    if (args[1] === undefined) args[1] = "127.0.0.1"; else args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
JS
# Spotlight reports its own telemetry to sentry.io (a hard-coded DSN, always on): its
# proxy is a closed loopback port, so nothing leaves the machine.
https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
  HTTP_PROXY=http://127.0.0.1:9 no_proxy= NO_PROXY= \
  setsid node --import ./loopback.mjs node_modules/@spotlightjs/spotlight/dist/run.js server -p "$SP_PORT" \
  > "$SP_HOME/spotlight.log" 2>&1 < /dev/null &
echo $! > "$SP_HOME/spotlight.pid"
python3 "$REPO/scripts/dev/net.py" wait "http://127.0.0.1:$SP_PORT/health" 30 \
  || { log "the sidecar did not come up:"; cat "$SP_HOME/spotlight.log" >&2; exit 1; }
log "up at http://127.0.0.1:$SP_PORT/"
cat <<VARS
export SENTRY_SPOTLIGHT='http://127.0.0.1:$SP_PORT/stream'
export SPOTLIGHT_URL='http://127.0.0.1:$SP_PORT'
export SPOTLIGHT_LOG='$SP_HOME/spotlight.log'
VARS
