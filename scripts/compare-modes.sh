#!/usr/bin/env bash
# Issue 13's equality check on a zoo: `reef eval` scoring every pair, then scoring candidates only (another registry in
# the same store, so fingerprints are reused and pairs are not), and the two held against each other: derived pairs,
# families, lineage and the evaluation's figures must be equal (scripts/compare-scans.py --candidates).
# Builds the zoo first when it is missing (full: about 25 minutes on 2 cores).
# Usage: scripts/compare-modes.sh [quick|full] [OUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-full}"
zoo="${REEF_ZOO:-.reef/zoo-$size}"
out="${2:-.reef/modes-$size}"
if [ ! -f "$zoo/lineage.json" ]; then
  ./scripts/corpora.sh
  ./reef zoo --out "$zoo" --size "$size"
fi
for pairs in all candidates; do
  echo "== --pairs $pairs"
  start=$SECONDS
  ./reef eval "$zoo" --state "$out/state" --pairs "$pairs" --out "$out/$pairs"
  echo "   --pairs $pairs: $((SECONDS - start)) s"
done
# Tiles of other shapes sum their float32 products in another order: scores agree within the tiles' stated 1e-5.
python3 scripts/compare-scans.py "$out/all" "$out/candidates" --candidates --tolerance 1e-5
