#!/usr/bin/env bash
# Issue 6's evaluation: builds the zoo (full size by default; about 23 minutes on 2 cores the first time), then runs
# `reef eval` against its lineage.json with both probe-set formats (the built-in default, and REEF's TruthfulQA
# CSV from ../shared/probes or $REEF_TRUTHFULQA) and both CKA kernels. Each run writes eval.json and report.html
# under OUT/<probes>-<kernel>/ and prints its table; fingerprints are stored once and reused.
# Usage: scripts/eval-zoo.sh [quick|full] [OUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-full}"
out="${2:-.reef/eval-$size}"
truthfulqa="${REEF_TRUTHFULQA:-$root/../shared/probes/truthfulqa.csv}"
[ -f "$truthfulqa" ] || truthfulqa="$root/tests/data/probes/truthfulqa.csv"
./scripts/corpora.sh
./reef zoo --out ".reef/zoo-$size" --size "$size"
for probes in builtin truthfulqa; do
  args=()
  if [ "$probes" = truthfulqa ]; then
    [ -f "$truthfulqa" ] || { echo "eval-zoo: $truthfulqa not found (set REEF_TRUTHFULQA)" >&2; exit 2; }
    args=(--probes "$truthfulqa" --samples 200)
  fi
  for kernel in linear rbf; do
    echo "== $probes probes, $kernel kernel"
    ./reef eval ".reef/zoo-$size" --state .reef/state --kernel "$kernel" --out "$out/$probes-$kernel" "${args[@]}"
  done
done
