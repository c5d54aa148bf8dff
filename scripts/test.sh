#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: restores, builds (the build applies TorchSharp's native-library
# fix where the system needs it) and runs every test project once, one after another (two TorchSharp
# processes on a 2-core machine slow each other threefold).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The zoo test trains on these corpora (Debian packages).
./scripts/corpora.sh
# The cluster tests run a real redis-server (Debian package).
./scripts/services.sh
dotnet build ReefCluster.sln -c Release --nologo -v quiet
status=0
log="$(mktemp)"
for project in tests/*/*.Tests.csproj; do
  echo "== $project"
  dotnet test "$project" -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=1
done
# One closing line over all projects, in the plain form any CI reads.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
exit $status
