#!/usr/bin/env bash
# Installs the OS packages Commerce needs on Debian/Ubuntu: the servers the tests and the local
# runner start (PostgreSQL 15, Redis, RabbitMQ) and Chromium for the browser tests.
# As root it installs what is missing; otherwise it prints the command to run.
# Usage: prerequisites.sh [--servers | --none] [extra-package ...]
#   --servers  only what the servers need (./run.sh), no browser
#   --none     neither servers nor browser (./run.sh --containers), only the extra packages
set -euo pipefail

browser=true servers=true
extras=()
for arg in "$@"; do
  case "$arg" in
    --servers) browser=false ;;
    --none) browser=false servers=false ;;
    *) extras+=("$arg") ;;
  esac
done

missing=()
if $servers; then
  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
fi
if $browser; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
for extra in "${extras[@]}"; do
  dpkg -s "$extra" >/dev/null 2>&1 || missing+=("$extra")
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is missing: install it (https://dot.net) and run this again." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing OS packages: ${missing[*]}; install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages start their own services where systemd runs; Commerce starts its own
# servers on other ports, so the packaged ones are not needed.
for svc in redis-server rabbitmq-server postgresql; do
  (command -v systemctl >/dev/null 2>&1 && systemctl stop "$svc" >/dev/null 2>&1) || true
done
