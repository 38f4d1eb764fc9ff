#!/usr/bin/env bash
# Installs the Debian packages Gantry needs to build, test and run, when they are missing.
# Idempotent: a machine that already has them is left untouched and the script exits quickly.
set -euo pipefail

packages=(
  libsqlite3-dev sqlite3
  libcurl4-openssl-dev
  libmosquitto-dev mosquitto mosquitto-clients
  postgresql
  python3 python3-venv
  curl
  systemd binutils  # systemd-analyze checks the units, readelf the packaged binaries (make dist, the tests)
  openssl           # the tests make their own certificate authority for TLS and mutual TLS
  chromium chromium-driver  # the dashboards are tested in a real headless browser
  wrk               # make bench loads the dashboard pages with concurrent viewers
  zlib1g-dev        # gzip sync bodies
  iproute2 haproxy  # the fault tests: network namespaces, a real load balancer in front of several hubs
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "provisioning: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "provisioning: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "provisioning: done" >&2
