#!/usr/bin/env bash
# Bring up a throw-away Bugsink 2.6.1 (PyPI) on 127.0.0.1 with strict event validation, and
# print the variables to use it as shell assignments:
#
#   eval "$(scripts/dev/bugsink-up.sh)"     # SENTRY_DSN BUGSINK_URL BUGSINK_TOKEN ...
#   trap scripts/dev/bugsink-down.sh EXIT
#
# Environment (all optional):
#   BUGSINK_PORT                 port on 127.0.0.1 (default 18123)
#   MONITOR_DEV_DIR              where the venv and the server's data live
#                                (default <repo>/target/dev-servers)
#   BUGSINK_KEEP_ENVELOPES       keep that many raw envelopes, all item types, in the
#                                ingest_envelope table (default 0: none)
#   BUGSINK_ACCEPT_TRANSACTIONS  1: strip the X-Sentry-Rate-Limits header Bugsink sends to
#                                refuse transactions, so SDKs keep sending them (stored only
#                                as raw envelopes; default 0)
#
# Bugsink stores error events only; transactions, logs and metrics are accepted and dropped.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEV_DIR=${MONITOR_DEV_DIR:-$REPO/target/dev-servers}
BS_HOME=$DEV_DIR/bugsink
BS_PORT=${BUGSINK_PORT:-18123}
BS_URL=http://127.0.0.1:$BS_PORT
BS_DATA=$BS_HOME/run
log() { echo "[bugsink-up] $*" >&2; }

mkdir -p "$BS_HOME"
if [ -f "$BS_DATA/gunicorn.pid" ] && kill -0 "$(cat "$BS_DATA/gunicorn.pid")" 2>/dev/null; then
  log "a Bugsink from an earlier run is still up (pid $(cat "$BS_DATA/gunicorn.pid")); stop it with scripts/dev/bugsink-down.sh"
  exit 1
fi
if python3 "$REPO/scripts/dev/net.py" listening "$BS_PORT"; then
  log "port $BS_PORT is taken by something else; set BUGSINK_PORT"
  exit 1
fi

if [ ! -x "$BS_HOME/venv/bin/gunicorn" ]; then
  log "installing bugsink 2.6.1 into $BS_HOME/venv"
  rm -rf "$BS_HOME/venv"
  python3 -m venv "$BS_HOME/venv" >&2 || {
    log "python3 -m venv failed; on Debian or Ubuntu: apt-get install python3-venv"
    exit 1
  }
  "$BS_HOME/venv/bin/pip" install -q --disable-pip-version-check bugsink==2.6.1 >&2
fi

rm -rf "$BS_DATA"
mkdir -p "$BS_DATA"
cd "$BS_DATA"
"$BS_HOME/venv/bin/bugsink-create-conf" --template=local --host=127.0.0.1 --port="$BS_PORT" >&2
cat >> bugsink_conf.py <<CONF

# --- appended by scripts/dev/bugsink-up.sh ---
DATABASES["default"]["NAME"] = "$BS_DATA/db.sqlite3"
DATABASES["snappea"]["NAME"] = "$BS_DATA/snappea.sqlite3"
BUGSINK["PHONEHOME"] = False                    # no call-home from an offline machine
BUGSINK["INGEST_STORE_BASE_DIR"] = "$BS_DATA/ingestion"
BUGSINK["VALIDATE_ON_DIGEST"] = "strict"        # Sentry's event schema; invalid events are not stored
BUGSINK["KEEP_ENVELOPES"] = ${BUGSINK_KEEP_ENVELOPES:-0}
CONF
if [ "${BUGSINK_ACCEPT_TRANSACTIONS:-0}" = 1 ]; then
  cat >> bugsink_conf.py <<'CONF'

def _strip_rate_limits(get_response):
    def middleware(request):
        response = get_response(request)
        if "X-Sentry-Rate-Limits" in response and response.status_code != 429:
            del response["X-Sentry-Rate-Limits"]
        return response
    return middleware

MIDDLEWARE = ["bugsink_conf._strip_rate_limits"] + MIDDLEWARE
CONF
fi

"$BS_HOME/venv/bin/bugsink-manage" migrate -v0 >&2
"$BS_HOME/venv/bin/bugsink-manage" migrate snappea --database=snappea -v0 >&2
TOKEN=$("$BS_HOME/venv/bin/bugsink-manage" create_auth_token)

PYTHONPATH="$BS_DATA" setsid "$BS_HOME/venv/bin/gunicorn" --chdir "$BS_DATA" \
  --bind "127.0.0.1:$BS_PORT" --workers 2 --no-control-socket --pid "$BS_DATA/gunicorn.pid" \
  --access-logfile - bugsink.wsgi > "$BS_DATA/server.log" 2>&1 < /dev/null &
python3 "$REPO/scripts/dev/net.py" wait "$BS_URL/health/ready" 30 \
  || { log "the server did not come up:"; cat "$BS_DATA/server.log" >&2; exit 1; }

PROJECT_INFO=$("$BS_HOME/venv/bin/python" "$REPO/scripts/dev/bugsink_project.py" "$BS_URL" "$TOKEN" monitor-toolkit)
PROJECT=${PROJECT_INFO%% *}
DSN=${PROJECT_INFO#* }
log "up at $BS_URL (project $PROJECT)"
cat <<VARS
export SENTRY_DSN='$DSN'
export BUGSINK_URL='$BS_URL'
export BUGSINK_TOKEN='$TOKEN'
export BUGSINK_PROJECT='$PROJECT'
export BUGSINK_DB='$BS_DATA/db.sqlite3'
export BUGSINK_LOG='$BS_DATA/server.log'
export BUGSINK_PYTHON='$BS_HOME/venv/bin/python'
VARS
