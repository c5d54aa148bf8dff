#!/usr/bin/env bash
# Installs the servers and tools the tests run for real, from Debian's packages: redis-server (membership,
# grain state and the fingerprint store of a loopback cluster), prometheus (scrapes the silos' /metrics),
# chromium (renders the HTML report headless) and, where the machine has no kubectl, kubernetes-client
# (renders the kustomization for the manifest check). The tests start their own instances on free ports;
# nothing here starts a service.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus >/dev/null || need+=(prometheus)
command -v chromium >/dev/null || need+=(chromium)
command -v kubectl >/dev/null || need+=(kubernetes-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
