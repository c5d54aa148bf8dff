#!/usr/bin/env bash
# Renders deploy/k8s with kustomize (kubectl's built-in) and validates every object offline against the
# Kubernetes API schemas, failing on unknown fields too (deploy/k8s/validate: kubernetes-models and
# @kubernetes/client-node from npm, pinned by its package-lock.json).
#   scripts/validate-k8s.sh [OUT.json]    OUT.json: the rendered objects, for tests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v kubectl >/dev/null || "$root/scripts/services.sh"
validator="$root/deploy/k8s/validate"
if [ ! -d "$validator/node_modules/kubernetes-models" ] || [ "$validator/package-lock.json" -nt "$validator/node_modules/.package-lock.json" ]; then
  (cd "$validator" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$root/deploy/k8s" > "$rendered"
if [ $# -ge 1 ]; then node "$validator/validate.mjs" "$rendered" --json "$1"; else node "$validator/validate.mjs" "$rendered"; fi
