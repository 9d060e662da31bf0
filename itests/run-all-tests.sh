#!/usr/bin/env bash
#
# Runs every test: the unit tests, then the integration tests against the built distribution.
# The engine's tests drive the real psql client; it is installed here when missing (Debian or
# Ubuntu, as root or with sudo), since nothing installed by hand may be relied on.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v psql >/dev/null 2>&1; then
  echo "[citadel] psql not found: installing postgresql-client" >&2
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "[citadel] need root or sudo to install psql" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  command -v apt-get >/dev/null || { echo "[citadel] install psql (PostgreSQL client) first" >&2; exit 1; }
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq postgresql-client >/dev/null
fi

exec mvn -B -ntp install "$@"
