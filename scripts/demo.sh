#!/usr/bin/env bash
# The main job on one machine, no servers: installs the zoo's text corpora (Debian packages), builds the quick
# zoo of trained models and derivatives once (about 4 minutes on 2 cores), then scans it in embedded mode:
# every model fingerprinted and compared with every other, pairs.parquet, models.parquet, families.json, matrix.json, matrix.csv and report.html written
# to .reef/scan-quick/, and the suspects of one source printed. A second run does no extraction.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/corpora.sh
./reef zoo --out .reef/zoo-quick --size quick
exec ./reef scan .reef/zoo-quick --state .reef/state --out .reef/scan-quick --victim scripture-a "$@"
