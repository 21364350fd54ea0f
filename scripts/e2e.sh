#!/usr/bin/env bash
# The end-to-end test of issues 8 and 10: builds the examples, brings Bugsink and Spotlight up on
# 127.0.0.1 (scripts/dev/servers.sh, torn down by a trap), and runs e2e/run.py against them.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cargo build -q -p web-service -p gateway
# The batch job as users ship it: stack traces must hold up in the release profile.
cargo build -q --release -p batch-job
export BUGSINK_KEEP_ENVELOPES=${BUGSINK_KEEP_ENVELOPES:-100000}
scripts/dev/servers.sh -- bash -c 'cd e2e && exec "$BUGSINK_PYTHON" run.py'
echo "e2e step: $(( $(date +%s) - start ))s"
