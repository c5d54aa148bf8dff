#!/usr/bin/env bash
# The main job on one machine, no servers: installs the zoo's text corpora (Debian packages), builds the quick
# zoo of trained models and derivatives once (about 4 minutes on 2 cores), fingerprints every model and prints
# each against its family's source and the other sources, checked against the ground truth.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/corpora.sh
exec ./reef demo "$@"
