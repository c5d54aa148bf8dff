#!/usr/bin/env bash
# Runs the test suite from a fresh clone: restores, builds (the build applies TorchSharp's native-library fix where
# the system needs it) and runs every test project once, one after another (two TorchSharp processes on a 2-core
# machine slow each other threefold).
#   scripts/test.sh           the whole suite (CI): installs the corpora and servers the slow tests use
#   scripts/test.sh --quick   the quick loop: every test not marked [Trait("Category", "Slow")] (no zoo, no servers)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
filter=()
if [ "${1:-}" = "--quick" ]; then
  filter=(--filter "Category!=Slow")
else
  # The zoo test trains on these corpora (Debian packages).
  ./scripts/corpora.sh
  # The cluster tests run a real redis-server, Prometheus and Chromium (Debian packages).
  ./scripts/services.sh
fi
dotnet build ReefCluster.sln -c Release --nologo -v quiet
status=0
log="$(mktemp)"
start=$SECONDS
for project in tests/*/*.Tests.csproj; do
  echo "== $project"
  dotnet test "$project" -c Release --no-build --nologo "${filter[@]}" 2>&1 | tee -a "$log" || status=1
done
# One closing line over all projects, in the plain form any CI reads.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed ($((SECONDS - start)) s of tests after the build)"
exit $status
