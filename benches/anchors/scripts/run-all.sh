#!/usr/bin/env bash
# All three measurements in sequence, anchors and toolkit together, then the
# combined table and the toolkit's target verdicts.
#
#   1. criterion (wall time, all cases in ONE run)  -> target/criterion/anchors/
#   2. census (allocations/bytes per call, sanity)  -> target/bench-anchors/census.{tsv,md}
#   3. callgrind (instructions per call)            -> target/bench-anchors/callgrind.tsv
#   4. scripts/summarize.py + scripts/targets.py    -> target/bench-anchors/{table,targets}.md
#
# Usage: scripts/run-all.sh [extra criterion args]   (from anywhere)
#   scripts/run-all.sh                               # full: 100 samples, 3 s warm-up, 8 s each (~10 min)
#   scripts/run-all.sh --warm-up-time 1 --measurement-time 2 --sample-size 20   # quick first pass
# Each step's wall time goes to target/bench-anchors/timings.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench-anchors
mkdir -p "$OUT"
TIMINGS="$OUT/timings.tsv"
printf 'step\tseconds\tcommand\n' > "$TIMINGS"

step() { # name command...
  local name=$1; shift
  local t0=$SECONDS
  echo "== $name: $*" >&2
  "$@"
  printf '%s\t%s\t%s\n' "$name" "$((SECONDS - t0))" "$*" >> "$TIMINGS"
}

# Build everything first so that the timings below are the measurements only.
step build cargo bench --bench anchors --no-run
step build-census cargo build --release --example census
step criterion cargo bench --bench anchors -- "$@"
step census sh -c "cargo run -q --release --example census > $OUT/census.md"
step callgrind scripts/callgrind.sh
scripts/summarize.py > "$OUT/table.md"
scripts/targets.py > "$OUT/targets.md"
cat "$OUT/targets.md"
echo >&2
column -t -s $'\t' "$TIMINGS" >&2
